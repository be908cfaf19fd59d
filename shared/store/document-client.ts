/** The DynamoDB document client (plain JS values in and out) over a low-level client. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const cache = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  let doc = cache.get(client);
  if (!doc) {
    doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    cache.set(client, doc);
  }
  return doc;
}
