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
 *
 * **The OMS's own adjustments** (store rejections sent to NetSuite by `inventory-adjustment-export`)
 * are kept while NetSuite's adjustment delta export may return them
 * (`OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`): control table, pk `OWNADJ#<facilityId>#<sku>`, sk = the
 * adjustment id, with the signed quantity, when it was sent and, once a delta row was recognised as
 * it, when and by which file (`matchedAt`; the item stays so that a re-sent adjustment is not
 * pending again; all expire after DEDUPE_DAYS). `applyOwn` takes such a row: the row's dedupe
 * record and the match in one transaction, so the row is never applied and the adjustment is
 * matched once, whatever repeats or races.
 */
import {
  ConditionalCheckFailedException,
  paginateQuery,
  PutItemCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
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

/** An adjustment the OMS sent to NetSuite, until a delta row is recognised as it. */
export interface OwnAdjustment {
  readonly adjustmentId: string;
  /** OMS facility id and SKU (NetSuite's location and item, through the facility and product). */
  readonly facilityId: string;
  readonly sku: string;
  /** Signed, as sent in `Adjust Qty By`. */
  readonly delta: number;
  /** When the export wrote it for NetSuite (ISO). */
  readonly sentAt: string;
}

const ownPk = (facilityId: string, sku: string) => `OWNADJ#${facilityId}#${sku}`;

export type OwnOutcome = 'own' | 'duplicate' | 'taken';

export class InventoryDeltaStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly inventoryTable: string,
    private readonly controlTable: string,
    private readonly maxAttempts = 12,
  ) {}

  private dedupePut(d: DeltaApplication, now: number, extra: Record<string, { S: string }> = {}) {
    return {
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
          ...extra,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  // ── the OMS's own adjustments ───────────────────────────────────────────────────────────

  /**
   * Records adjustments the OMS is sending to NetSuite as pending. A Put only where there is none
   * yet: an adjustment sent again keeps its first record (and its match, once matched).
   */
  async recordOwn(adjustments: readonly OwnAdjustment[], now = Date.now()): Promise<void> {
    const expiresAt = String(Math.floor(now / 1000) + DEDUPE_DAYS * 86_400);
    for (const a of adjustments) {
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.controlTable,
            Item: {
              pk: { S: ownPk(a.facilityId, a.sku) },
              sk: { S: a.adjustmentId },
              facilityId: { S: a.facilityId },
              sku: { S: a.sku },
              delta: { N: String(a.delta) },
              sentAt: { S: a.sentAt },
              expiresAt: { N: expiresAt },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
  }

  /** The OMS's adjustments at a facility for a SKU not matched yet, oldest sent first. */
  async pendingOwn(facilityId: string, sku: string): Promise<OwnAdjustment[]> {
    const out: OwnAdjustment[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.controlTable,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'attribute_not_exists(matchedAt)',
        ExpressionAttributeValues: { ':pk': { S: ownPk(facilityId, sku) } },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const i of page.Items ?? []) {
        out.push({
          adjustmentId: i.sk?.S ?? '',
          facilityId,
          sku,
          delta: Number(i.delta?.N ?? 0),
          sentAt: i.sentAt?.S ?? '',
        });
      }
    }
    return out.sort((a, b) =>
      a.sentAt === b.sentAt
        ? a.adjustmentId.localeCompare(b.adjustmentId)
        : a.sentAt < b.sentAt
          ? -1
          : 1,
    );
  }

  /**
   * Takes a delta row as the OMS's own adjustment `own`: the row's dedupe record (so a repeat of it
   * is a duplicate) and the match, in one transaction; NetSuite's figure is not touched (the OMS
   * corrected it at the rejection). `duplicate` when the row was seen before, `taken` when the
   * adjustment was matched meanwhile (try another, or apply the row).
   */
  async applyOwn(d: DeltaApplication, own: OwnAdjustment, now = Date.now()): Promise<OwnOutcome> {
    const command = new TransactWriteItemsCommand({
      TransactItems: [
        this.dedupePut(d, now, { ownAdjustment: { S: own.adjustmentId } }),
        {
          Update: {
            TableName: this.controlTable,
            Key: { pk: { S: ownPk(own.facilityId, own.sku) }, sk: { S: own.adjustmentId } },
            UpdateExpression: 'SET matchedAt = :at, matchedFile = :file, matchedLine = :line',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(matchedAt)',
            ExpressionAttributeValues: {
              ':at': { S: d.at },
              ':file': { S: d.file },
              ':line': { N: String(d.line) },
            },
          },
        },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(command);
        return 'own';
      } catch (err) {
        const why = readCancellation(err, ['dedupe', 'own']);
        if (!why) throw err;
        if (why.failed.has('dedupe')) return 'duplicate';
        if (why.failed.has('own')) return 'taken';
        if (!(why.conflict || why.throttled) || attempt + 1 >= this.maxAttempts) {
          throw new Error(
            `own adjustment ${own.adjustmentId} (${d.file} line ${d.line}) cancelled after ${attempt + 1} attempts: ${why.codes.join(', ')}`,
            { cause: err },
          );
        }
        await sleep(backoffMs(attempt, 10, 500));
      }
    }
  }

  async apply(d: DeltaApplication, now = Date.now()): Promise<DeltaOutcome> {
    const command = new TransactWriteItemsCommand({
      TransactItems: [
        this.dedupePut(d, now),
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
