/**
 * Inventory keys whose NetSuite figure changed outside the snapshot import (by a delta), so the
 * snapshot digest's entry for them can no longer be trusted. Few at a time; cleared by the next
 * snapshot file that has taken them into account.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  paginateQuery,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Item } from './batch-writer.ts';

export interface StaleKey {
  readonly sku: string;
  readonly facilityId: string;
  /** Which marking this is: a newer marking of the same key survives the clearing of an older. */
  readonly token?: string;
}

const PK = 'STALE#inventory-digest';

/** The marker's sort key (at most 1,024 bytes, as every DynamoDB sort key). */
export const staleKeySortKey = (k: Pick<StaleKey, 'sku' | 'facilityId'>): string =>
  JSON.stringify([k.sku, k.facilityId]);

export const staleKeyItem = (k: StaleKey): Item => ({
  pk: { S: PK },
  sk: { S: staleKeySortKey(k) },
  sku: { S: k.sku },
  facilityId: { S: k.facilityId },
  token: { S: k.token ?? randomUUID() },
});

export class StaleKeys {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async list(): Promise<StaleKey[]> {
    const out: StaleKey[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: PK } },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const i of page.Items ?? []) {
        out.push({ sku: i.sku!.S!, facilityId: i.facilityId!.S!, token: i.token?.S });
      }
    }
    return out;
  }

  /**
   * Clears the markings that were read; a key marked again since (a delta during the snapshot
   * import) keeps its newer marking, so the next snapshot still distrusts it.
   */
  async clear(keys: readonly StaleKey[]): Promise<void> {
    for (const k of keys) {
      try {
        await this.client.send(
          new DeleteItemCommand({
            TableName: this.table,
            Key: { pk: { S: PK }, sk: staleKeyItem(k).sk! },
            ConditionExpression: k.token ? '#t = :t' : 'attribute_not_exists(#t)',
            ExpressionAttributeNames: { '#t': 'token' },
            ExpressionAttributeValues: k.token ? { ':t': { S: k.token } } : undefined,
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
  }
}
