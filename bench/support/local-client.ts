/**
 * A DynamoDB client for DynamoDB Local, configured as the functions' client is
 * (shared/store/dynamo-client.ts): any credentials, five attempts, no SDK logger middleware — so
 * the benchmarks measure the client the functions use.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withoutSdkLogging } from '../../shared/platform/sdk-logging.ts';

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return withoutSdkLogging(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 5,
    }),
  );
}
