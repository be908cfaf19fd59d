/** Every item of one partition (paginated, consistent), as plain values. */
import { paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export async function queryPartition(
  client: DynamoDBClient,
  table: string,
  pk: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) for (const i of page.Items ?? []) out.push(unmarshall(i));
  return out;
}
