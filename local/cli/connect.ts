/**
 * Points the CLI at a running OMS. `npm start` writes its endpoints to `<data>/endpoints.json`;
 * when that file is there, the CLI uses the local cloud, otherwise the environment (AWS).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV } from '../../shared/platform/config.ts';

export interface LocalEndpoints {
  readonly bucket: string;
  readonly tablePrefix: string;
  readonly netsuiteUser: string;
  readonly s3Endpoint: string;
  readonly dynamoEndpoint: string;
  readonly sftpPort: number;
  readonly apiUrl?: string;
  readonly apiToken?: string;
}

export const endpointsFile = (dataDir: string): string => join(dataDir, 'endpoints.json');

export function writeEndpoints(dataDir: string, endpoints: LocalEndpoints): void {
  writeFileSync(endpointsFile(dataDir), `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
}

/** Sets the environment the shared modules read; returns where it came from. */
export function connect(dataDir = process.env.OMS_DATA_DIR || '.oms-data'): string {
  const file = endpointsFile(resolve(dataDir));
  if (!existsSync(file)) {
    if (!process.env[ENV.bucket]) {
      throw new Error(
        `no running local OMS found (${file} is missing) and ${ENV.bucket} is not set: start it with \`npm start\`, or set the AWS environment`,
      );
    }
    return 'the AWS environment';
  }
  const e = JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
  process.env[ENV.bucket] = e.bucket;
  process.env[ENV.tablePrefix] = e.tablePrefix;
  process.env[ENV.netsuiteUser] = e.netsuiteUser;
  process.env[ENV.s3Endpoint] = e.s3Endpoint;
  process.env[ENV.dynamoEndpoint] = e.dynamoEndpoint;
  process.env[ENV.region] ??= 'us-east-1';
  return file;
}
