/**
 * Applies one NetSuite inventory delta exactly once: a single TransactWriteItems that
 *
 * 1. puts the row's dedupe record in the control table, on condition that it does not exist yet
 *    (pk `DELTA#<feedId>#<rowId>`, expiring after DEDUPE_DAYS through the table's TTL);
 * 2. adds the delta to NetSuite's figure, the inventory item pk=<sku>, sk=`NS#<facilityId>`;
 * 3. puts the stale-key marker for (sku, facility), which tells the snapshot importer that its
 *    digest entry for the key no longer matches the table, so the next snapshot rewrites it.
 *
 * A cancellation whose dedupe condition failed means the row was applied before (by an earlier
 * file, an earlier run of this file, or an earlier line): a duplicate, not an error. Conflicts with
 * other transactions on the same figure are retried with backoff; ADD commutes, so order does not
 * matter.
 */
import { TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NS_PREFIX } from './inventory-store.ts';
import { staleKeyItem } from './stale-keys.ts';
import { backoffMs, readCancellation, sleep } from './transactions.ts';

/** How long a row's identity is remembered: a repeat after this applies again. */
export const DEDUPE_DAYS = 35;

export const deltaDedupeKey = (feedId: string, rowId: string) => ({
  pk: { S: `DELTA#${feedId}#${rowId}` },
  sk: { S: 'DELTA' },
});

export interface DeltaApplication {
  readonly feedId: string;
  /** The row's identity within the feed (see `deltaRowId`). */
  readonly rowId: string;
  readonly sku: string;
  /** OMS facility id. */
  readonly facilityId: string;
  /** Signed, whole, non-zero. */
  readonly delta: number;
  /** File name and line, kept on the dedupe record for tracing. */
  readonly file: string;
  readonly line: number;
  /** ISO time of the import (`nsAt`). */
  readonly at: string;
}

export interface DeltaOutcome {
  readonly outcome: 'applied' | 'duplicate';
  /** Attempts cancelled by a conflict or throttling and tried again. */
  readonly retries: number;
}

const LABELS = ['dedupe', 'figure', 'stale'] as const;

export class InventoryDeltaStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly inventoryTable: string,
    private readonly controlTable: string,
    private readonly maxAttempts = 12,
  ) {}

  async apply(d: DeltaApplication, now = Date.now()): Promise<DeltaOutcome> {
    const command = new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.controlTable,
            Item: {
              ...deltaDedupeKey(d.feedId, d.rowId),
              feed: { S: d.feedId },
              file: { S: d.file },
              line: { N: String(d.line) },
              sku: { S: d.sku },
              facilityId: { S: d.facilityId },
              delta: { N: String(d.delta) },
              appliedAt: { S: d.at },
              expiresAt: { N: String(Math.floor(now / 1000) + DEDUPE_DAYS * 86_400) },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: this.inventoryTable,
            Key: { pk: { S: d.sku }, sk: { S: `${NS_PREFIX}${d.facilityId}` } },
            UpdateExpression: 'ADD nsQty :delta SET facilityId = :f, nsAt = :now, nsFile = :file',
            ExpressionAttributeValues: {
              ':delta': { N: String(d.delta) },
              ':f': { S: d.facilityId },
              ':now': { S: d.at },
              ':file': { S: d.file },
            },
          },
        },
        {
          Put: {
            TableName: this.controlTable,
            Item: staleKeyItem({ sku: d.sku, facilityId: d.facilityId }),
          },
        },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(command);
        return { outcome: 'applied', retries: attempt };
      } catch (err) {
        const why = readCancellation(err, LABELS);
        if (!why) throw err;
        if (why.failed.has('dedupe')) return { outcome: 'duplicate', retries: attempt };
        if (!(why.conflict || why.throttled) || attempt + 1 >= this.maxAttempts) {
          throw new Error(
            `inventory delta for ${d.sku} at ${d.facilityId} (${d.file} line ${d.line}) cancelled after ${attempt + 1} attempts: ${why.codes.join(', ')}`,
            { cause: err },
          );
        }
        await sleep(backoffMs(attempt, 10, 500));
      }
    }
  }
}
