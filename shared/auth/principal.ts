/**
 * Who calls an HTTP route, from what the gateway verified — never from the body:
 *
 * - a **person**: API Gateway's JWT authorizer (AWS) or the local cloud (`local/auth/`) verified
 *   their ID token and put its claims in `requestContext.authorizer.jwt.claims`;
 * - a **machine**: an IAM-signed (SigV4) call on AWS (`requestContext.authorizer.iam`), or locally
 *   the local cloud's API token (`<data>/api-token`), which stands for IAM.
 *
 * Anything else is anonymous: the authorization policy refuses it.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  GROUPS_CLAIM,
  isGroup,
  parseStores,
  STORES_CLAIM,
  USERNAME_CLAIM,
  type Group,
} from './groups.ts';

export interface Person {
  readonly kind: 'person';
  /** Cognito's user name (stable, unique in the pool). */
  readonly username: string;
  readonly groups: readonly Group[];
  /** The stores a store associate may act for. */
  readonly stores: readonly string[];
}

export interface Machine {
  readonly kind: 'machine';
  /** The IAM principal's ARN, or `local-api-token`. */
  readonly caller: string;
}

export interface Anonymous {
  readonly kind: 'anonymous';
}

export type Principal = Person | Machine | Anonymous;

export const ANONYMOUS: Anonymous = { kind: 'anonymous' };

/** The caller ARN the local cloud puts in the event for its API token. */
export const LOCAL_TOKEN_CALLER = 'local-api-token';

/**
 * Groups as a claim carries them: an array (a JWT), or API Gateway's string form of one
 * (`[merchandiser admin]`), or a comma/space separated string. Unknown groups are dropped.
 */
export function parseGroups(value: unknown): Group[] {
  const list = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return [...new Set(list.filter(isGroup))];
}

/** A person from verified ID token claims; anonymous when the claims name nobody. */
export function personFromClaims(claims: Readonly<Record<string, unknown>>): Person | Anonymous {
  const username = claims[USERNAME_CLAIM] ?? claims.username ?? claims.sub;
  if (typeof username !== 'string' || !username) return ANONYMOUS;
  return {
    kind: 'person',
    username,
    groups: parseGroups(claims[GROUPS_CLAIM]),
    stores: parseStores(claims[STORES_CLAIM]),
  };
}

interface AuthorizerContext {
  readonly jwt?: { readonly claims?: Record<string, unknown> };
  readonly iam?: { readonly userArn?: string; readonly callerId?: string };
}

/** The principal of an API Gateway (payload 2.0) event. */
export function principalOf(event: Pick<APIGatewayProxyEventV2, 'requestContext'>): Principal {
  const auth = (event.requestContext as { authorizer?: AuthorizerContext } | undefined)?.authorizer;
  if (auth?.jwt?.claims) return personFromClaims(auth.jwt.claims);
  const caller = auth?.iam?.userArn ?? auth?.iam?.callerId;
  if (typeof caller === 'string' && caller) return { kind: 'machine', caller };
  return ANONYMOUS;
}

/**
 * The actor written into an order's history: `user:<name>` for a person, `api` for the local
 * API token, `api:<arn>` for an IAM caller.
 */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'person':
      return `user:${principal.username}`;
    case 'machine':
      return principal.caller === LOCAL_TOKEN_CALLER ? 'api' : `api:${principal.caller}`;
    default:
      return 'anonymous';
  }
}
