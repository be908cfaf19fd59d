/**
 * Settings of `npm start`, from environment variables (documented in the README) with defaults.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCAL_ENV = {
  dataDir: 'OMS_DATA_DIR',
  host: 'OMS_HOST',
  sftpPort: 'OMS_SFTP_PORT',
  sftpUser: 'OMS_SFTP_USER',
  sftpPassword: 'OMS_SFTP_PASSWORD',
  sftpAuthorizedKeys: 'OMS_SFTP_AUTHORIZED_KEYS',
  s3Port: 'OMS_S3_PORT',
  dynamoPort: 'OMS_DYNAMODB_PORT',
  inMemory: 'OMS_IN_MEMORY',
} as const;

export interface StartSettings {
  readonly dataDir: string;
  readonly host: string;
  readonly sftpPort: number;
  readonly sftpUser: string;
  readonly sftpPassword: string;
  readonly sftpPasswordSource: 'environment' | 'generated';
  readonly sftpAuthorizedKeys?: string;
  readonly sftpAuthorizedKeysFile?: string;
  readonly s3Port: number;
  readonly dynamoPort: number;
  readonly inMemory: boolean;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name}="${raw}" is not a port number`);
  return n;
}

/** Reads the settings; a password not given is generated once and kept in the data folder. */
export function readStartSettings(env: NodeJS.ProcessEnv = process.env): StartSettings {
  const dataDir = resolve(env[LOCAL_ENV.dataDir] || '.oms-data');
  mkdirSync(dataDir, { recursive: true });
  let sftpPassword = env[LOCAL_ENV.sftpPassword];
  let sftpPasswordSource: StartSettings['sftpPasswordSource'] = 'environment';
  if (!sftpPassword) {
    const file = join(dataDir, 'sftp-password');
    if (!existsSync(file))
      writeFileSync(file, randomBytes(12).toString('base64url'), { mode: 0o600 });
    sftpPassword = readFileSync(file, 'utf8').trim();
    sftpPasswordSource = 'generated';
  }
  const keysFile = env[LOCAL_ENV.sftpAuthorizedKeys] || undefined;
  if (keysFile && !existsSync(keysFile)) {
    throw new Error(`${LOCAL_ENV.sftpAuthorizedKeys}=${keysFile}: no such file`);
  }
  return {
    dataDir,
    host: env[LOCAL_ENV.host] || '127.0.0.1',
    sftpPort: port(env, LOCAL_ENV.sftpPort, 2222),
    sftpUser: env[LOCAL_ENV.sftpUser] || 'netsuite',
    sftpPassword,
    sftpPasswordSource,
    sftpAuthorizedKeys: keysFile ? readFileSync(keysFile, 'utf8') : undefined,
    sftpAuthorizedKeysFile: keysFile,
    s3Port: port(env, LOCAL_ENV.s3Port, 4569),
    dynamoPort: port(env, LOCAL_ENV.dynamoPort, 8000),
    inMemory: ['1', 'true', 'yes'].includes((env[LOCAL_ENV.inMemory] ?? '').toLowerCase()),
  };
}
