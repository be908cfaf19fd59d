/**
 * Chroot and path mapping of the local SFTP server, as pure functions.
 *
 * Mirrors a Transfer Family LOGICAL home directory `Entry /home/{user}` → `Target /{bucket}/home/{user}`:
 * the SFTP path and the S3 key are the same string, the key being the path without its leading
 * slash. A user may only touch paths inside `/home/{user}`; `/` and `/home` are virtual directories
 * that only show the way down to that home.
 */
import { posix } from 'node:path';

/** Longest S3 object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** User names Transfer Family accepts (3–100 characters of `[A-Za-z0-9_@.-]`, not starting with `-@.`). */
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_@.-]{2,99}$/;

export function isValidUserName(name: string): boolean {
  return USER_NAME.test(name);
}

export function homeDirectory(user: string): string {
  return `/home/${user}`;
}

/** Where a normalized path falls for one user. */
export type ResolvedPath =
  /** `/` or `/home`: listable, showing only the way down to the user's home. */
  | { readonly access: 'virtual'; readonly path: string; readonly children: readonly string[] }
  /** The user's home itself: a directory that always exists. */
  | { readonly access: 'home'; readonly path: string; readonly key: string }
  /** Strictly inside the user's home: a file or directory backed by S3 under `key`. */
  | { readonly access: 'inside'; readonly path: string; readonly key: string }
  /** Anywhere else, or not a valid path. */
  | { readonly access: 'denied'; readonly path: string; readonly reason: string };

/**
 * Normalizes a client path to an absolute path with posix rules: relative paths resolve against
 * the home directory, `.`/`..`/duplicate slashes collapse (`..` never climbs above `/`), and a
 * trailing slash is dropped. Returns undefined for a path with a NUL byte.
 */
export function normalizePath(user: string, input: string): string | undefined {
  if (input.includes('\0')) return undefined;
  const absolute = input.startsWith('/') ? input : `${homeDirectory(user)}/${input}`;
  const normalized = posix.normalize(absolute);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** Resolves a client path for `user` to what it may do there. */
export function resolvePath(user: string, input: string): ResolvedPath {
  const path = normalizePath(user, input);
  if (path === undefined) return { access: 'denied', path: input, reason: 'NUL byte in path' };
  const home = homeDirectory(user);
  if (path === '/') return { access: 'virtual', path, children: ['home'] };
  if (path === '/home') return { access: 'virtual', path, children: [user] };
  if (path === home) return { access: 'home', path, key: path.slice(1) };
  if (!path.startsWith(`${home}/`)) {
    return { access: 'denied', path, reason: `outside the home directory ${home}` };
  }
  const key = path.slice(1);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    return { access: 'denied', path, reason: `longer than ${MAX_KEY_BYTES} bytes` };
  }
  return { access: 'inside', path, key };
}
