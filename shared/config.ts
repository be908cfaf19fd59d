/**
 * Runtime configuration, read from the environment once per process.
 *
 * The same variables are set by CDK on AWS and by the local cloud (`local/`) on one machine.
 * Local-only settings (endpoints, path-style S3, relaxed checksums) apply only when an endpoint
 * is given, so they never ship to AWS.
 */

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
} as const;

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
