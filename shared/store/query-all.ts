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

/**
 * Every entry of a queue spread over `shards` partitions (`<prefix><shard>`), read in parallel
 * and sorted oldest order first (then by order id).
 */
export async function queueEntries<T extends { orderDate: string; orderId: string }>(
  client: DynamoDBClient,
  table: string,
  prefix: string,
  shards: number,
): Promise<T[]> {
  const parts = await Promise.all(
    Array.from({ length: shards }, (_, s) => queryPartition(client, table, `${prefix}${s}`)),
  );
  return parts
    .flat()
    .map((i) => i as unknown as T)
    .sort((a, b) =>
      a.orderDate === b.orderDate
        ? a.orderId.localeCompare(b.orderId)
        : a.orderDate < b.orderDate
          ? -1
          : 1,
    );
}
