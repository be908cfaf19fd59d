/**
 * The host key of the local SFTP server: generated once (ECDSA P-256, which NetSuite accepts,
 * unlike Ed25519) and reused afterwards, so clients can pin its fingerprint.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader only sees its default export.
const { utils } = ssh2;

/** Host key types NetSuite accepts. */
const ACCEPTED_TYPES = new Set([
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

export interface HostKey {
  /** The private key file content (OpenSSH format). */
  readonly privateKey: string;
  /** `ecdsa-sha2-nistp256` or `ssh-rsa` (or another ECDSA size). */
  readonly type: string;
  /** `SHA256:` + unpadded base64, as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** The public key as one OpenSSH line (`type base64`), e.g. for a known_hosts entry. */
  readonly publicKey: string;
}

/** OpenSSH SHA256 fingerprint of a public key blob (SSH wire format). */
export function fingerprintOf(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

function describe(privateKey: string, path: string): HostKey {
  const parsed: ParsedKey | Error = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new Error(`the SFTP host key ${path} cannot be read: ${parsed.message}`);
  }
  if (!parsed.isPrivateKey()) throw new Error(`the SFTP host key ${path} is not a private key`);
  if (!ACCEPTED_TYPES.has(parsed.type)) {
    throw new Error(
      `the SFTP host key ${path} is ${parsed.type}; NetSuite accepts only RSA or ECDSA host keys: delete it to generate an ECDSA key`,
    );
  }
  const blob = parsed.getPublicSSH();
  return {
    privateKey,
    type: parsed.type,
    fingerprint: fingerprintOf(blob),
    publicKey: `${parsed.type} ${blob.toString('base64')}`,
  };
}

/** Reads the host key at `path`, generating an ECDSA P-256 key there (mode 0600) if missing. */
export function loadOrCreateHostKey(path: string): HostKey {
  let existing: string | undefined;
  try {
    existing = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing !== undefined) {
    // Keep a private key private even if it was copied in with looser permissions.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return describe(existing, path);
  }
  mkdirSync(dirname(path), { recursive: true });
  const pair = utils.generateKeyPairSync('ecdsa', { bits: 256, comment: 'oms-local-sftp' });
  try {
    // 'wx': never overwrite a key another process wrote meanwhile.
    writeFileSync(path, pair.private, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateHostKey(path);
    throw err;
  }
  return describe(pair.private, path);
}
