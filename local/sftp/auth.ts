/**
 * Password and public-key authentication of the local SFTP server, like Transfer Family's
 * service-managed users: a user logs in with its password or with a key from its authorized_keys.
 * RSA keys must sign with SHA-2 (`rsa-sha2-256`, `rsa-sha2-512`): the SHA-1 `ssh-rsa` signature
 * algorithm is refused, as OpenSSH 8.8+ and Transfer Family's recent security policies do.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import ssh2, { type AuthContext, type ParsedKey } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader only sees its default export.
const { utils } = ssh2;

export interface SftpUser {
  name: string;
  password?: string;
  /** OpenSSH authorized_keys file content (one public key a line; options and comments allowed). */
  authorizedKeys?: string;
}

/** The only methods offered to clients. */
export const AUTH_METHODS: Array<'publickey' | 'password'> = ['publickey', 'password'];

/** Key types an authorized_keys line may start with (after optional options); no `ssh-dss`. */
const KEY_TYPE = /^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521))$/;

/** The shortest password a configured SFTP user may have (the generated one has 16 characters). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Why a configured password is too weak, or undefined: shorter than 12 characters, one character
 * repeated, or the user name itself. (`npm start` generates a 16-character random one when
 * `OMS_SFTP_PASSWORD` is not set.)
 */
export function weakPassword(password: string, user: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    return `it has ${[...password].length} characters; use at least ${MIN_PASSWORD_LENGTH} characters (or leave OMS_SFTP_PASSWORD unset to have one generated)`;
  if (new Set(password).size < 4) return 'it has fewer than 4 different characters';
  if (password.toLowerCase().includes(user.toLowerCase())) return 'it contains the user name';
  return undefined;
}

interface Account {
  readonly name: string;
  readonly passwordDigest?: Buffer;
  readonly keys: readonly ParsedKey[];
}

/** The decision on one authentication request; the caller accepts or rejects the request. */
export type AuthOutcome =
  | { readonly result: 'accepted'; readonly user: string; readonly method: string }
  /** A public-key query without signature that matched: accepting it asks the client to sign. */
  | { readonly result: 'key-ok'; readonly user: string }
  | {
      readonly result: 'refused';
      readonly user: string;
      readonly method: string;
      /** Why, when it is worth a log line (not for a wrong password or an unlisted key). */
      readonly reason?: string;
    };

/**
 * The signature algorithm of a public-key request, from what ssh2's server passes on: the key's
 * type (`ctx.key.algo`: `rsa-sha2-256`/`-512` arrive as `ssh-rsa` with `ctx.hashAlgo` `sha256`/
 * `sha512`; a plain `ssh-rsa` request has no hash algorithm: SHA-1).
 */
export function signatureAlgorithm(keyAlgo: string, hashAlgo: string | undefined): string {
  if (keyAlgo !== 'ssh-rsa') return keyAlgo;
  if (hashAlgo === 'sha256') return 'rsa-sha2-256';
  if (hashAlgo === 'sha512') return 'rsa-sha2-512';
  return 'ssh-rsa';
}

/** Signature algorithms refused for user authentication: SHA-1 RSA (`ssh-rsa`). */
export const REFUSED_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set(['ssh-rsa']);

/**
 * Why a public-key request's signature algorithm is refused, or undefined when it is accepted
 * (rsa-sha2-256, rsa-sha2-512, ssh-ed25519, ecdsa-sha2-nistp256/384/521).
 */
export function refusedSignature(
  keyAlgo: string,
  hashAlgo: string | undefined,
): string | undefined {
  const algorithm = signatureAlgorithm(keyAlgo, hashAlgo);
  return REFUSED_SIGNATURE_ALGORITHMS.has(algorithm)
    ? `${algorithm} (SHA-1) signatures are refused: sign with rsa-sha2-256 or rsa-sha2-512 (OpenSSH does by default), or use an ECDSA or Ed25519 key`
    : undefined;
}

/**
 * Parses authorized_keys content into keys. Lines that are empty, comments, or not a supported
 * public key are reported through `onSkip` and ignored.
 */
export function parseAuthorizedKeys(
  content: string,
  onSkip: (line: number, why: string) => void = () => {},
): ParsedKey[] {
  const keys: ParsedKey[] = [];
  content.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    // A line is `[options] keytype base64 [comment]`; options may hold quoted spaces.
    const tokens = line.split(/\s+/);
    const at = tokens.findIndex((t) => KEY_TYPE.test(t));
    const type = at >= 0 ? tokens[at] : undefined;
    const blob = at >= 0 ? tokens[at + 1] : undefined;
    if (!type || !blob)
      return onSkip(
        index + 1,
        /(^|\s)ssh-dss\s/.test(line)
          ? 'ssh-dss (DSA) keys are refused: use ECDSA, Ed25519 or RSA'
          : 'no supported public key on the line',
      );
    const parsed = utils.parseKey(`${type} ${blob}`);
    if (parsed instanceof Error) return onSkip(index + 1, parsed.message);
    if (parsed.isPrivateKey()) return onSkip(index + 1, 'a private key, not a public key');
    keys.push(parsed);
  });
  return keys;
}

function digest(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

/** Compares in constant time (digests have the same length whatever the inputs). */
function samePassword(expected: Buffer, given: string): boolean {
  return timingSafeEqual(expected, digest(given));
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Builds the decision function for a set of users. It only decides: the caller records the login
 * and then calls ctx.accept() or ctx.reject(AUTH_METHODS) (ssh2 emits 'ready' inside accept()).
 */
export function createAuthenticator(
  users: readonly SftpUser[],
  warn: (line: string) => void = () => {},
): (ctx: AuthContext) => AuthOutcome {
  const accounts = new Map<string, Account>();
  for (const user of users) {
    const keys = user.authorizedKeys
      ? parseAuthorizedKeys(user.authorizedKeys, (line, why) =>
          warn(`sftp: authorized_keys of ${user.name}, line ${line} ignored: ${why}`),
        )
      : [];
    accounts.set(user.name, {
      name: user.name,
      passwordDigest: user.password ? digest(user.password) : undefined,
      keys,
    });
  }
  // Spend the same work for unknown users as for known ones.
  const decoy = digest(`decoy-${Math.random()}`);

  return (ctx) => {
    const account = accounts.get(ctx.username);
    const refuse = (): AuthOutcome => ({
      result: 'refused',
      user: ctx.username,
      method: ctx.method,
    });
    switch (ctx.method) {
      case 'password': {
        const ok = samePassword(account?.passwordDigest ?? decoy, ctx.password);
        if (!account?.passwordDigest || !ok) return refuse();
        return { result: 'accepted', user: account.name, method: 'password' };
      }
      case 'publickey': {
        const key = account?.keys.find(
          (k) => k.type === ctx.key.algo && sameBytes(k.getPublicSSH(), ctx.key.data),
        );
        if (!account || !key) return refuse();
        // Also refused as a query: the client then tries another algorithm or method.
        const weak = refusedSignature(ctx.key.algo, ctx.hashAlgo);
        if (weak) return { ...refuse(), reason: weak };
        if (!ctx.signature || !ctx.blob) {
          // The client asks whether this key would do; accepting answers USERAUTH_PK_OK.
          return { result: 'key-ok', user: account.name };
        }
        if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return refuse();
        return {
          result: 'accepted',
          user: account.name,
          method: `publickey ${key.type} (${signatureAlgorithm(ctx.key.algo, ctx.hashAlgo)})`,
        };
      }
      default:
        return refuse();
    }
  };
}
