/**
 * The local cloud's identity provider, standing in for Cognito: it signs ID tokens with the data
 * folder's key (`jose`, ES256) carrying Cognito's claims (`cognito:username`, `cognito:groups`,
 * `custom:stores`, `token_use: id`, `aud` = the client), and verifies them against its own JWKS
 * — issuer, audience, algorithm and expiry — as API Gateway's JWT authorizer does on AWS.
 */
import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import {
  GROUPS_CLAIM,
  STORES_CLAIM,
  USERNAME_CLAIM,
  formatStores,
} from '../../shared/auth/groups.ts';
import { loadSigningKey, SIGNING_ALG, type SigningKey } from './signing-key.ts';
import type { LocalUser } from './users.ts';

/** The `iss` of local tokens. */
export const LOCAL_ISSUER = 'urn:oms:local-cloud';
/** The `aud` of local tokens: the pages' client (Cognito's app client id on AWS). */
export const LOCAL_AUDIENCE = 'oms-pages';
/** An ID token lives an hour, as Cognito's do by default. */
export const DEFAULT_TOKEN_SECONDS = 3600;

export interface IssuedToken {
  readonly idToken: string;
  /** ISO time the token expires. */
  readonly expiresAt: string;
}

export type Verified =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: string };

export class LocalIssuer {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly key: SigningKey,
    private readonly tokenSeconds: number,
  ) {
    this.keySet = createLocalJWKSet(this.jwks());
  }

  static async open(dataDir: string, tokenSeconds = DEFAULT_TOKEN_SECONDS): Promise<LocalIssuer> {
    return new LocalIssuer(await loadSigningKey(dataDir), tokenSeconds);
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.key.publicJwk] };
  }

  /** An ID token for the user; `seconds` may be negative (an expired token, for tests). */
  async issue(user: Pick<LocalUser, 'username' | 'groups' | 'stores'>, seconds?: number) {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (seconds ?? this.tokenSeconds);
    const idToken = await new SignJWT({
      [USERNAME_CLAIM]: user.username,
      [GROUPS_CLAIM]: [...user.groups],
      [STORES_CLAIM]: formatStores(user.stores),
      token_use: 'id',
    })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.key.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(user.username)
      .setIssuedAt(Math.min(now, exp - 1))
      .setExpirationTime(exp)
      .sign(this.key.privateKey);
    return { idToken, expiresAt: new Date(exp * 1000).toISOString() } satisfies IssuedToken;
  }

  /** The claims of a valid ID token, or why it is not one. */
  async verify(token: string): Promise<Verified> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [SIGNING_ALG],
      });
      if (payload.token_use !== 'id') return { ok: false, reason: 'not an ID token' };
      return { ok: true, claims: payload };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, reason: 'the token has expired' };
      return { ok: false, reason: 'the token is not valid' };
    }
  }
}
