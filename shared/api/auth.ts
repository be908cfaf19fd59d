/**
 * Bearer-token check for the HTTP API. The local server uses it in front of every route; on AWS a
 * Lambda authorizer can use the same function with the token from the deployment's secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when `authorization` is `Bearer <token>` (compared in constant time). */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  if (!token || !authorization) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return false;
  return timingSafeEqual(digest(m[1]!), digest(token));
}
