/**
 * The local sign-in endpoints (Cognito's hosted UI and token endpoint on AWS):
 *
 * - `POST /auth/sign-in` `{username, password}` → `{idToken, expiresAt, username, groups, stores}`
 *   for a user of `npx oms user add`; 401 `SIGN_IN_FAILED` otherwise (after 5 failures for a user
 *   name within 15 minutes, every attempt for it is refused until the window has passed);
 * - `GET /.well-known/jwks.json`: the public key the tokens are verified with;
 * - `GET /config.json`: what the pages read to sign in (`{auth: {kind: 'local'}}`; on AWS the
 *   deployment writes Cognito's domain and client there).
 */
import type { IncomingMessage } from 'node:http';
import type { LocalIssuer } from '../auth/issuer.ts';
import type { LocalUsers } from '../auth/users.ts';

export interface LocalAuth {
  readonly issuer: LocalIssuer;
  readonly users: LocalUsers;
}

export const SIGN_IN_PATH = '/auth/sign-in';
export const JWKS_PATH = '/.well-known/jwks.json';
export const PAGE_CONFIG_PATH = '/config.json';

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Handles the sign-in endpoints; undefined when the request is not one of them. */
export function signInEndpoints(auth: LocalAuth) {
  const failures = new Map<string, number[]>();
  const recent = (username: string) =>
    (failures.get(username) ?? []).filter((t) => Date.now() - t < FAILURE_WINDOW_MS);

  return async (req: IncomingMessage, path: string): Promise<Reply | undefined> => {
    if (req.method === 'GET' && path === JWKS_PATH)
      return { status: 200, body: auth.issuer.jwks() };
    if (req.method === 'GET' && path === PAGE_CONFIG_PATH)
      return { status: 200, body: { apiUrl: '', auth: { kind: 'local', signIn: SIGN_IN_PATH } } };
    if (path !== SIGN_IN_PATH) return undefined;
    if (req.method !== 'POST') return { status: 405, body: { message: 'POST only' } };
    const body = await readJson(req);
    const username = typeof body?.username === 'string' ? body.username.trim() : '';
    const password = typeof body?.password === 'string' ? body.password : '';
    if (!username || !password)
      return {
        status: 400,
        body: { error: 'BAD_REQUEST', message: 'send {"username": …, "password": …}' },
      };
    if (recent(username).length >= MAX_FAILURES)
      return {
        status: 429,
        body: {
          error: 'TOO_MANY_ATTEMPTS',
          message: 'too many failed sign-ins for this user: wait 15 minutes',
        },
      };
    const user = await auth.users.verify(username, password);
    if (!user) {
      failures.set(username, [...recent(username), Date.now()]);
      return {
        status: 401,
        body: { error: 'SIGN_IN_FAILED', message: 'the user name or the password is wrong' },
      };
    }
    failures.delete(username);
    const token = await auth.issuer.issue(user);
    return {
      status: 200,
      body: { ...token, username: user.username, groups: user.groups, stores: user.stores },
    };
  };
}
