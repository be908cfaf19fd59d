/**
 * Runtime configuration, read from the environment once per process.
 *
 * The same variables are set by CDK on AWS and by the local cloud (`local/`) on one machine.
 * Local-only settings (endpoints, path-style S3, relaxed checksums) apply only when an endpoint
 * is given, so they never ship to AWS.
 */
import { parseUtcOffset } from './domain/fulfillment/netsuite-date.ts';

export const ENV = {
  /** Name of the feeds bucket. */
  bucket: 'OMS_BUCKET',
  /** Prefix of the DynamoDB table names (`<prefix>-inventory`, ...). */
  tablePrefix: 'OMS_TABLE_PREFIX',
  /** The SFTP user whose home holds the NetSuite root (`home/<user>/netsuite/`). */
  netsuiteUser: 'OMS_NETSUITE_USER',
  /** Local only: S3 endpoint of the emulator. */
  s3Endpoint: 'OMS_S3_ENDPOINT',
  /** Local only: DynamoDB endpoint of DynamoDB Local. */
  dynamoEndpoint: 'OMS_DYNAMODB_ENDPOINT',
  region: 'AWS_REGION',
  /** The NetSuite account's UTC offset (`±HH:MM` or `Z`): its exports write local account time. */
  netsuiteUtcOffset: 'OMS_NETSUITE_UTC_OFFSET',
} as const;

/**
 * Business settings the handlers read, locally and on AWS alike. `cdk deploy` copies each one set
 * in the deploying shell into every function's environment (unset ones keep their defaults).
 */
export const DEPLOY_SETTINGS = [
  'OMS_NETSUITE_UTC_OFFSET',
  'OMS_TIME_ZONE',
  'OMS_SHIPPING_METHODS',
  'OMS_INVOICE_OVERDUE_HOURS',
  'OMS_SYNC_RESEND_MINUTES',
  'OMS_REJECTION_EXCLUDE_DAYS',
  'OMS_ADJUSTMENT_ACCOUNT',
  'OMS_PO_ABSENT_HOURS',
  'OMS_CHECKPOINT_ROWS',
  'OMS_IMPORT_LEASE_MS',
  'OMS_SNAPSHOT_ABSENT',
  'OMS_SNAPSHOT_WINDOW_HOURS',
  'OMS_SNAPSHOT_ABSENT_MAX_SHARE',
] as const;

/** The deploy settings set in `env`, for a function's environment. */
export const deploySettings = (env: NodeJS.ProcessEnv = process.env): Record<string, string> =>
  Object.fromEntries(
    DEPLOY_SETTINGS.filter((k) => (env[k] ?? '').trim() !== '').map((k) => [k, env[k]!.trim()]),
  );

export interface RuntimeConfig {
  readonly bucket: string;
  readonly tablePrefix: string;
  readonly netsuiteUser: string;
  readonly region: string;
  readonly s3Endpoint?: string;
  readonly dynamoEndpoint?: string;
}

export const DEFAULTS = {
  tablePrefix: 'oms',
  netsuiteUser: 'netsuite',
  region: 'us-east-1',
} as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const bucket = env[ENV.bucket];
  if (!bucket) throw new Error(`${ENV.bucket} is not set: the feeds bucket name is required`);
  return {
    bucket,
    tablePrefix: env[ENV.tablePrefix] || DEFAULTS.tablePrefix,
    netsuiteUser: env[ENV.netsuiteUser] || DEFAULTS.netsuiteUser,
    region: env[ENV.region] || DEFAULTS.region,
    s3Endpoint: env[ENV.s3Endpoint] || undefined,
    dynamoEndpoint: env[ENV.dynamoEndpoint] || undefined,
  };
}

let cached: RuntimeConfig | undefined;

/** The process-wide configuration (read lazily, so the local cloud can set the environment first). */
export function config(): RuntimeConfig {
  cached ??= readConfig();
  return cached;
}

/**
 * The NetSuite account's UTC offset for the dates in its exports (`OMS_NETSUITE_UTC_OFFSET`,
 * default `+00:00`); a fixed offset, see shared/domain/fulfillment/netsuite-date.ts. Throws on a
 * value that is not `Z` or `±HH:MM`.
 */
export function netsuiteUtcOffset(env: NodeJS.ProcessEnv = process.env): string {
  const text = (env[ENV.netsuiteUtcOffset] ?? '').trim();
  if (!text) return '+00:00';
  try {
    parseUtcOffset(text);
  } catch (err) {
    throw new Error(`${ENV.netsuiteUtcOffset}: ${(err as Error).message}`);
  }
  return text;
}

/**
 * Hours after an order is fully shipped before `oms sync status` lists it as not invoiced
 * (`OMS_INVOICE_OVERDUE_HOURS`, default 48). Throws on a value that is not a number ≥ 0.
 */
export function invoiceOverdueHours(env: NodeJS.ProcessEnv = process.env): number {
  const text = (env.OMS_INVOICE_OVERDUE_HOURS ?? '').trim();
  if (!text) return 48;
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours < 0) {
    throw new Error(`OMS_INVOICE_OVERDUE_HOURS must be a number of hours ≥ 0, not "${text}"`);
  }
  return hours;
}
