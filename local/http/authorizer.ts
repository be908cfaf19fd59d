/**
 * The local stand-in for API Gateway's authorizers: a request's `Authorization: Bearer …` is
 * either the local API token (the machine credential: the event gets an `iam` authorizer context,
 * as a SigV4-signed call does on AWS) or an ID token the local issuer verifies (the event gets the
 * `jwt` context with its claims in API Gateway's string form). Anything else is refused 401 before
 * a handler runs, with the reason. What the handlers then allow is `shared/auth/`'s business.
 */
import type { JWTPayload } from 'jose';
import { bearerTokenMatches } from '../../shared/api/auth.ts';
import { LOCAL_TOKEN_CALLER } from '../../shared/auth/principal.ts';
import type { LocalIssuer } from '../auth/issuer.ts';

export interface AuthorizerContext {
  readonly iam?: { readonly userArn: string; readonly callerId: string };
  readonly jwt?: { readonly claims: Record<string, string>; readonly scopes: null };
}

export type Authorized =
  | { readonly ok: true; readonly authorizer: AuthorizerContext }
  | { readonly ok: false; readonly reason: string };

/** Claims as API Gateway hands them to a Lambda: strings, arrays as `[a b]`. */
export function apiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v)
      ? `[${v.join(' ')}]`
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);
  }
  return out;
}

export async function authorize(
  authorization: string | undefined,
  apiToken: string,
  issuer: LocalIssuer | undefined,
): Promise<Authorized> {
  if (bearerTokenMatches(authorization, apiToken)) {
    return {
      ok: true,
      authorizer: { iam: { userArn: LOCAL_TOKEN_CALLER, callerId: LOCAL_TOKEN_CALLER } },
    };
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) return { ok: false, reason: 'sign in first: the request carries no token' };
  if (!issuer) return { ok: false, reason: 'the token is not valid' };
  const verified = await issuer.verify(m[1]!);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  return {
    ok: true,
    authorizer: { jwt: { claims: apiGatewayClaims(verified.claims), scopes: null } },
  };
}
