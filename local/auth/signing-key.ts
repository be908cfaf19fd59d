/**
 * The local cloud's token signing key: an ES256 key pair made once with `jose` and kept in the
 * data folder (`<data>/auth/signing-key.json`, mode 0600), so tokens survive a restart like
 * Cognito's do. Its public half is the JWKS the local cloud serves (`/.well-known/jwks.json`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const SIGNING_ALG = 'ES256';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public key as a JWK (with `kid`, `alg`, `use`). */
  readonly publicJwk: JWK;
}

export const signingKeyFile = (dataDir: string): string =>
  join(dataDir, 'auth', 'signing-key.json');

/** The data folder's signing key, made on first use. */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = signingKeyFile(dataDir);
  let jwk: JWK;
  if (existsSync(file)) {
    jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const pair = await generateKeyPair(SIGNING_ALG, { extractable: true });
    jwk = { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: SIGNING_ALG };
    mkdirSync(join(dataDir, 'auth'), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  }
  const privateKey = (await importJWK(jwk, SIGNING_ALG)) as CryptoKey;
  const { d: _private, ...publicJwk } = jwk;
  return {
    kid: jwk.kid!,
    privateKey,
    publicJwk: { ...publicJwk, use: 'sig', alg: SIGNING_ALG },
  };
}
