/**
 * Deployment settings read from CDK context (`cdk.json`, or `-c key=value` on the command line).
 *
 * | context key     | default       | meaning                                                         |
 * |-----------------|---------------|-----------------------------------------------------------------|
 * | `netsuiteUser`  | `netsuite`    | SFTP user name; its home `home/<user>/` holds the NetSuite root |
 * | `tablePrefix`   | `oms`         | DynamoDB table names are `<prefix>-<name>`; also names the bucket |
 * | `sftpPublicKey` | none          | SSH public key(s) of the NetSuite user (string or string array) |
 * | `alarmEmail`    | none          | alarms notify this address through an encrypted topic `<prefix>-alarms` |
 * | `alarmTopicArn` | none          | alarms notify this existing SNS topic                          |
 * | `alarms`        | none          | `none`: explicitly no alarm target (one of the three is required) |
 * | `apiReservedConcurrency` | registry | `none`: API functions get no reserved concurrency         |
 * | `functionsDir`  | `functions/`  | folder of the Lambda handler modules (`<handler>.ts`)           |
 * | `cognitoDomainPrefix` | `<prefix>-oms-<account>` | the hosted UI's domain prefix (`….auth.<region>.amazoncognito.com`) |
 * | `pagesDomain`   | none          | a custom domain for the pages (CloudFront's own domain otherwise) |
 * | `pagesCertificateArn` | none    | its ACM certificate (us-east-1); required with `pagesDomain`     |
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';
import { DEFAULTS } from '../shared/platform/config.ts';
import { alarmTarget, type AlarmTarget } from './constructs/alarm-target.ts';

/** The repository root (the folder holding package.json, package-lock.json and cdk.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The real handler folder. */
export const DEFAULT_FUNCTIONS_DIR = join(PROJECT_ROOT, 'functions');

/** The pages deployed to the pages bucket (`shared/web/`, the files the local cloud serves). */
export const WEB_DIR = join(PROJECT_ROOT, 'shared', 'web');

export interface OmsInfraConfig {
  readonly netsuiteUser: string;
  readonly tablePrefix: string;
  readonly sftpPublicKeys: readonly string[];
  readonly alarmTarget: AlarmTarget;
  /** `registry`: each API function's reserved concurrency from the registry; `none`: none. */
  readonly apiReservedConcurrency: 'registry' | 'none';
  readonly functionsDir: string;
  /** The hosted UI's domain prefix; undefined: `<tablePrefix>-oms-<account>`. */
  readonly cognitoDomainPrefix?: string;
  /** The pages' custom domain and certificate (both or neither). */
  readonly pagesDomain?: { readonly domainName: string; readonly certificateArn: string };
}

export const CONTEXT_KEYS = {
  netsuiteUser: 'netsuiteUser',
  tablePrefix: 'tablePrefix',
  sftpPublicKey: 'sftpPublicKey',
  alarmEmail: 'alarmEmail',
  alarmTopicArn: 'alarmTopicArn',
  alarms: 'alarms',
  apiReservedConcurrency: 'apiReservedConcurrency',
  functionsDir: 'functionsDir',
  cognitoDomainPrefix: 'cognitoDomainPrefix',
  pagesDomain: 'pagesDomain',
  pagesCertificateArn: 'pagesCertificateArn',
} as const;

/** Transfer Family user names: 3–100 characters, `[A-Za-z0-9_@.-]`, not starting with `-`, `.` or `@`. */
const USER_NAME = /^[\w][\w@.-]{2,99}$/;
/** Lower-case, so that it is valid in an S3 bucket name as well as in table names. */
const TABLE_PREFIX = /^[a-z0-9][a-z0-9-]{0,19}$/;

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context "${key}" must be a string`);
  return value.trim() || undefined;
}

function publicKeys(node: Node): string[] {
  const value: unknown = node.tryGetContext(CONTEXT_KEYS.sftpPublicKey);
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((key) => {
    if (typeof key !== 'string' || !/^(ssh-rsa|ecdsa-sha2-nistp\d+|ssh-ed25519) \S+/.test(key)) {
      throw new Error(`context "${CONTEXT_KEYS.sftpPublicKey}" must hold OpenSSH public keys`);
    }
    return key.trim();
  });
}

function apiReservedConcurrency(node: Node): 'registry' | 'none' {
  const value = optionalString(node, CONTEXT_KEYS.apiReservedConcurrency);
  if (value === undefined || value === 'registry') return 'registry';
  if (value === 'none') return 'none';
  throw new Error(`context "apiReservedConcurrency" accepts "none" or "registry" (found ${value})`);
}

export function readInfraConfig(node: Node): OmsInfraConfig {
  const netsuiteUser = optionalString(node, CONTEXT_KEYS.netsuiteUser) ?? DEFAULTS.netsuiteUser;
  if (!USER_NAME.test(netsuiteUser)) {
    throw new Error(
      `context "netsuiteUser" ${JSON.stringify(netsuiteUser)} is not a valid SFTP user name`,
    );
  }
  const tablePrefix = optionalString(node, CONTEXT_KEYS.tablePrefix) ?? DEFAULTS.tablePrefix;
  if (!TABLE_PREFIX.test(tablePrefix)) {
    throw new Error(
      `context "tablePrefix" ${JSON.stringify(tablePrefix)} must match ${TABLE_PREFIX} (it also names the bucket)`,
    );
  }
  const dir = optionalString(node, CONTEXT_KEYS.functionsDir);
  const functionsDir = dir
    ? isAbsolute(dir)
      ? dir
      : resolve(PROJECT_ROOT, dir)
    : DEFAULT_FUNCTIONS_DIR;
  const domainName = optionalString(node, CONTEXT_KEYS.pagesDomain);
  const certificateArn = optionalString(node, CONTEXT_KEYS.pagesCertificateArn);
  if (!!domainName !== !!certificateArn)
    throw new Error(
      'context "pagesDomain" and "pagesCertificateArn" go together (the certificate must be in us-east-1 for CloudFront)',
    );
  if (
    certificateArn &&
    !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)
  )
    throw new Error('context "pagesCertificateArn" must be an ACM certificate ARN in us-east-1');
  const cognitoDomainPrefix = optionalString(node, CONTEXT_KEYS.cognitoDomainPrefix);
  if (cognitoDomainPrefix && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognitoDomainPrefix))
    throw new Error('context "cognitoDomainPrefix" must be lower-case letters, digits and hyphens');
  return {
    netsuiteUser,
    tablePrefix,
    cognitoDomainPrefix,
    pagesDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    sftpPublicKeys: publicKeys(node),
    alarmTarget: alarmTarget({
      alarmEmail: optionalString(node, CONTEXT_KEYS.alarmEmail),
      alarmTopicArn: optionalString(node, CONTEXT_KEYS.alarmTopicArn),
      alarms: optionalString(node, CONTEXT_KEYS.alarms),
    }),
    apiReservedConcurrency: apiReservedConcurrency(node),
    functionsDir,
  };
}

/** The handler module of a feed, with a clear error when it is missing. */
export function handlerEntry(functionsDir: string, handler: string): string {
  const entry = join(functionsDir, `${handler}.ts`);
  if (!existsSync(entry)) {
    throw new Error(
      `handler module ${entry} does not exist (feed catalog names handler "${handler}")`,
    );
  }
  return entry;
}
