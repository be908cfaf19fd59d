import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { config, type RuntimeConfig } from '../platform/config.ts';
import { withoutSdkLogging } from '../platform/sdk-logging.ts';
import { tableName, type TableKey } from './tables.ts';

export function createDynamoClient(cfg: RuntimeConfig): DynamoDBClient {
  // A local endpoint (DynamoDB Local) takes any credentials; never set on AWS.
  const local = cfg.dynamoEndpoint
    ? {
        endpoint: cfg.dynamoEndpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }
    : {};
  return withoutSdkLogging(new DynamoDBClient({ region: cfg.region, maxAttempts: 5, ...local }));
}

let client: DynamoDBClient | undefined;

/** The process-wide DynamoDB client (created once, at first use). */
export function dynamo(): DynamoDBClient {
  client ??= createDynamoClient(config());
  return client;
}

/** The physical name of an OMS table in this deployment. */
export const table = (key: TableKey): string => tableName(config().tablePrefix, key);
