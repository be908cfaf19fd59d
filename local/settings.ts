/**
 * Settings of `npm start`, from environment variables (documented in the README) with defaults.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ADJUSTMENT_ACCOUNT_SETTING,
  LEGACY_ADJUSTMENT_ACCOUNT_SETTING,
  REFLECT_LAG_SETTING,
} from '../shared/platform/config.ts';
import { ensurePrivateDataDir } from './data-dir.ts';

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
  apiPort: 'OMS_API_PORT',
  apiToken: 'OMS_API_TOKEN',
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
  readonly apiPort: number;
  readonly apiToken: string;
  readonly apiTokenSource: 'environment' | 'generated';
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name}="${raw}" is not a port number`);
  return n;
}

/** A secret from the environment, or else generated once and kept (mode 0600) in `file`. */
function secret(
  given: string | undefined,
  file: string,
  bytes: number,
): { value: string; source: 'environment' | 'generated' } {
  if (given) return { value: given, source: 'environment' };
  if (!existsSync(file))
    writeFileSync(file, randomBytes(bytes).toString('base64url'), { mode: 0o600 });
  return { value: readFileSync(file, 'utf8').trim(), source: 'generated' };
}

/** Reads the settings; a password or token not given is generated once and kept in the data folder. */
export function readStartSettings(env: NodeJS.ProcessEnv = process.env): StartSettings {
  const dataDir = resolve(env[LOCAL_ENV.dataDir] || '.oms-data');
  ensurePrivateDataDir(dataDir);
  const sftp = secret(env[LOCAL_ENV.sftpPassword], join(dataDir, 'sftp-password'), 12);
  const api = secret(env[LOCAL_ENV.apiToken], join(dataDir, 'api-token'), 24);
  const keysFile = env[LOCAL_ENV.sftpAuthorizedKeys] || undefined;
  if (keysFile && !existsSync(keysFile)) {
    throw new Error(`${LOCAL_ENV.sftpAuthorizedKeys}=${keysFile}: no such file`);
  }
  return {
    dataDir,
    host: env[LOCAL_ENV.host] || '127.0.0.1',
    sftpPort: port(env, LOCAL_ENV.sftpPort, 2222),
    sftpUser: env[LOCAL_ENV.sftpUser] || 'netsuite',
    sftpPassword: sftp.value,
    sftpPasswordSource: sftp.source,
    sftpAuthorizedKeys: keysFile ? readFileSync(keysFile, 'utf8') : undefined,
    sftpAuthorizedKeysFile: keysFile,
    s3Port: port(env, LOCAL_ENV.s3Port, 4569),
    dynamoPort: port(env, LOCAL_ENV.dynamoPort, 8000),
    inMemory: ['1', 'true', 'yes'].includes((env[LOCAL_ENV.inMemory] ?? '').toLowerCase()),
    apiPort: port(env, LOCAL_ENV.apiPort, 3000),
    apiToken: api.value,
    apiTokenSource: api.source,
  };
}

/**
 * Business settings the local cloud gives a default, so that `npm start`, the demo and the tests
 * run as they are: the ones AWS requires (`cdk deploy` copies them from the deploying shell) whose
 * value the NetSuite simulator fixes. `OMS_NETSUITE_ADJUSTMENT_ACCOUNT` = `58`, the account the
 * simulator knows by default (its `adjustmentAccounts`); `OMS_NETSUITE_REFLECT_LAG_MINUTES` = `0`:
 * the simulator imports a file before it archives it and its searches are instant.
 */
export const LOCAL_SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  [ADJUSTMENT_ACCOUNT_SETTING]: '58',
  [REFLECT_LAG_SETTING]: '0',
};

/** Sets each local default the environment does not set (a digit legacy account counts as set). */
export function applyLocalSettingDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(LOCAL_SETTING_DEFAULTS)) {
    if ((env[name] ?? '').trim()) continue;
    if (
      name === ADJUSTMENT_ACCOUNT_SETTING &&
      /^\d+$/.test((env[LEGACY_ADJUSTMENT_ACCOUNT_SETTING] ?? '').trim())
    ) {
      continue;
    }
    env[name] = value;
  }
}
