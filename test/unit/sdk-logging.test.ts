/**
 * Our DynamoDB and S3 clients leave out the SDK's logger middleware (shared/platform/sdk-logging.ts):
 * it filtered every request's input and output for a no-op logger.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { SDK_LOGGER_MIDDLEWARE } from '../../shared/platform/sdk-logging.ts';
import type { RuntimeConfig } from '../../shared/platform/config.ts';

const names = (c: { middlewareStack: { identify(): string[] } }) =>
  c.middlewareStack.identify().map((s) => s.split(' ')[0]);

describe('the SDK clients without the SDK logger', () => {
  it('a plain SDK client has the logger middleware (the name we remove is the SDK’s)', () => {
    expect(names(new DynamoDBClient({ region: 'us-east-1' }))).toContain(SDK_LOGGER_MIDDLEWARE);
    expect(names(new S3Client({ region: 'us-east-1' }))).toContain(SDK_LOGGER_MIDDLEWARE);
  });

  it('ours, for AWS and for the local cloud, do not', () => {
    const aws = { region: 'us-east-1' } as RuntimeConfig;
    const local = {
      region: 'us-east-1',
      dynamoEndpoint: 'http://127.0.0.1:1',
      s3Endpoint: 'http://127.0.0.1:2',
    } as RuntimeConfig;
    for (const cfg of [aws, local]) {
      const dynamo = names(createDynamoClient(cfg));
      const s3 = names(createS3Client(cfg));
      expect(dynamo).not.toContain(SDK_LOGGER_MIDDLEWARE);
      expect(s3).not.toContain(SDK_LOGGER_MIDDLEWARE);
      // Everything else stays: signing, retries, serialisation.
      expect(dynamo.length).toBeGreaterThan(5);
      expect(s3.length).toBeGreaterThan(5);
    }
  });
});
