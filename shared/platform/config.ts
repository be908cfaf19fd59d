/**
 * Runtime configuration, read from the environment once per process.
 *
 * The same variables are set by CDK on AWS and by the local cloud (`local/`) on one machine.
 * Local-only settings (endpoints, path-style S3, relaxed checksums) apply only when an endpoint
 * is given, so they never ship to AWS.
 */
import { parseUtcOffset } from '../domain/fulfillment/netsuite-date.ts';

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
  'OMS_NETSUITE_ADJUSTMENT_ACCOUNT',
  'OMS_ADJUSTMENT_ACCOUNT',
  'OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS',
  'OMS_NETSUITE_REFLECT_LAG_MINUTES',
  'OMS_HOLD_MAX_AGE_HOURS',
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

/** The NetSuite account for inventory adjustments (its internal id): required by their export. */
export const ADJUSTMENT_ACCOUNT_SETTING = 'OMS_NETSUITE_ADJUSTMENT_ACCOUNT';
/** The setting's earlier name, still read when it holds an internal id (digits). */
export const LEGACY_ADJUSTMENT_ACCOUNT_SETTING = 'OMS_ADJUSTMENT_ACCOUNT';

/**
 * `Adjustment Account` of the inventory adjustments sent to NetSuite: the internal id of the
 * account (`OMS_NETSUITE_ADJUSTMENT_ACCOUNT`, digits only; NetSuite's CSV import refuses a name it
 * cannot resolve, and an id is what its scripts write). When it is unset, `OMS_ADJUSTMENT_ACCOUNT`
 * is read if it holds digits (its old default, an account name, is not taken). Throws, naming the
 * setting, when there is none: the export must not start without it.
 */
export function netsuiteAdjustmentAccount(env: NodeJS.ProcessEnv = process.env): string {
  const text = (env[ADJUSTMENT_ACCOUNT_SETTING] ?? '').trim();
  if (text) {
    if (!/^\d{1,20}$/.test(text)) {
      throw new Error(
        `${ADJUSTMENT_ACCOUNT_SETTING} must be the internal id of NetSuite's inventory adjustment account (digits), not "${text}"`,
      );
    }
    return text;
  }
  const legacy = (env[LEGACY_ADJUSTMENT_ACCOUNT_SETTING] ?? '').trim();
  if (/^\d{1,20}$/.test(legacy)) return legacy;
  throw new Error(
    `${ADJUSTMENT_ACCOUNT_SETTING} is not set: the inventory adjustment export needs the internal id of NetSuite's inventory adjustment account (digits, e.g. 58)` +
      (legacy ? ` (${LEGACY_ADJUSTMENT_ACCOUNT_SETTING}="${legacy}" is not an internal id)` : ''),
  );
}

/**
 * Whether NetSuite's inventory adjustment delta export (`inventoryadjustment/import`) also returns
 * the adjustments the OMS created (`OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`, default false; it must say
 * what NetSuite's saved search does). When true, the delta import recognises a row that is one of
 * the OMS's own adjustments and does not apply it a second time.
 */
export function adjustmentDeltasIncludeOms(env: NodeJS.ProcessEnv = process.env): boolean {
  const text = (env.OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS ?? '').trim().toLowerCase();
  if (['', 'false', '0', 'no'].includes(text)) return false;
  if (['true', '1', 'yes'].includes(text)) return true;
  throw new Error(`OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS must be true or false, not "${text}"`);
}

/** The setting of `netsuiteReflectLagMinutes`. */
export const REFLECT_LAG_SETTING = 'OMS_NETSUITE_REFLECT_LAG_MINUTES';

/**
 * L, the minutes NetSuite may take between the moment a file or change reaches it and the moment a
 * figure it exports reflects it (`OMS_NETSUITE_REFLECT_LAG_MINUTES`, default 45 on AWS: NetSuite
 * archives a CSV import when it queues it, and the import and the snapshot search take time; the
 * local cloud sets 0). Every comparison of S3 upload times that asks "does this NetSuite figure
 * already hold that change?" keeps this margin (docs/inventory.md, "Deltas"). Throws on a value
 * that is not a number of minutes ≥ 0.
 */
export function netsuiteReflectLagMinutes(env: NodeJS.ProcessEnv = process.env): number {
  const text = (env[REFLECT_LAG_SETTING] ?? '').trim();
  if (!text) return 45;
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new Error(`${REFLECT_LAG_SETTING} must be a number of minutes ≥ 0, not "${text}"`);
  }
  return minutes;
}

/** The setting of `holdMaxAgeHours`. */
export const HOLD_MAX_AGE_SETTING = 'OMS_HOLD_MAX_AGE_HOURS';

/**
 * How long an inventory hold may last before the reconcile job reports it
 * (`OMS_HOLD_MAX_AGE_HOURS`, default 72): a unit the OMS promised counts until a NetSuite figure
 * reflects it, and every hold should end at a snapshot within a day or two (docs/inventory.md,
 * "When a hold ends"). Throws on a value that is not a number of hours above 0.
 */
export function holdMaxAgeHours(env: NodeJS.ProcessEnv = process.env): number {
  const text = (env[HOLD_MAX_AGE_SETTING] ?? '').trim();
  if (!text) return 72;
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new Error(`${HOLD_MAX_AGE_SETTING} must be a number of hours above 0, not "${text}"`);
  }
  return hours;
}
