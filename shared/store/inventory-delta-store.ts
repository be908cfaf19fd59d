/**
 * Applies one NetSuite inventory delta exactly once: a single transaction that
 *
 * 1. puts the row's dedupe record in the control table, on condition that it does not exist yet
 *    (pk `DELTA#<feedId>#<rowId>`, expiring after DEDUPE_DAYS through the table's TTL);
 * 2. adds the delta to NetSuite's figure, the inventory item pk=<sku>, sk=`NS#<facilityId>`;
 * 3. puts the stale-key marker for (sku, facility), which tells the snapshot importer that its
 *    digest entry for the key no longer matches the table, so the next snapshot rewrites it;
 * 4. puts the row in the delta log (control table, pk `DELTALOG#<shard 0–15>`, sk
 *    `<E>#<feedId>#<rowId>`: pair, signed delta, E and P, the S3 upload times of its file and of
 *    the feed's previous file; expiring with the dedupe record), which the snapshot importer reads
 *    for the recent window only (E > S' − L) to fold into the figures it writes the deltas its Put
 *    would otherwise erase (docs/inventory.md, "Deltas").
 *
 * A row the time frame says to skip (its file was uploaded before the snapshot in force, or a
 * positive row of a file straddling it) gets its dedupe record only (`skip`), so that a repeat of
 * it in a later file is a duplicate, not a change.
 *
 * A cancellation whose dedupe condition failed means the row was applied before (by an earlier
 * file, an earlier run of this file, or an earlier line): a duplicate, not an error. Conflicts with
 * other transactions on the same figure are retried with backoff; ADD commutes, so order does not
 * matter.
 *
 * **The time frame** (control table): the snapshot in force (pk `SNAPSHOT#in-force`: the S3 upload
 * time of the last snapshot file whose import finished) and, per delta feed, the upload times of
 * the last files imported (pk `DELTAFILES#<feedId>`), from which P is read.
 *
 * **The OMS's own adjustments** (store rejections sent to NetSuite by `inventory-adjustment-export`)
 * are kept while NetSuite's adjustment delta export may return them
 * (`OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`): control table, pk `OWNADJ#<facilityId>#<sku>`, sk = the
 * adjustment id, with the signed quantity, when it was sent and, once a delta row was recognised as
 * it, when and by which file (`matchedAt`; the item stays so that a re-sent adjustment is not
 * pending again; all expire after DEDUPE_DAYS). `applyOwn` takes such a row in one transaction: the
 * row's dedupe record, the match, the delta on NetSuite's figure (as any row) and the end of the
 * adjustment's hold (its `RES#<facility>#ADJ#<id>` row deleted, reserved lowered), so the units
 * are never counted twice nor zero times. When the hold is already gone (a snapshot that reflects
 * the adjustment ended it), the figure holds the adjustment: the row is matched, not applied.
 *
 * **Adjustment holds** of store rejections (`placeHold`): the hold and its idempotency record
 * (`DELTA#<feedId>#<adjustmentId>`, the key today's store-rejection deltas used) in one
 * transaction, so a replay never holds twice.
 *
 * Over 400 lines: the delta's transaction, its replay and the delta-log window the snapshot reads
 * are one exactly-once argument over one key scheme; the seam if it grows is the delta-log reader.
 */
import {
  ConditionalCheckFailedException,
  paginateQuery,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { hash32 } from '../domain/hash64.ts';
import type { LoggedDelta } from '../domain/inventory-delta.ts';
import { documentClient } from './document-client.ts';
import { NS_PREFIX } from './inventory-store.ts';
import { PositionStore, type AdjustmentHold } from './position-store.ts';
import { staleKeyItem } from './stale-keys.ts';
import { backoffMs, readCancellation, sleep, type TxItem } from './transactions.ts';

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
  /** E: the S3 upload time of the row's file (ISO); kept in the delta log. */
  readonly uploadedAt?: string;
  /** P: the upload time of the feed's previous file the OMS imported (ISO; none: absent). */
  readonly previousAt?: string;
}

export interface DeltaOutcome {
  readonly outcome: 'applied' | 'duplicate';
  /** Attempts cancelled by a conflict or throttling and tried again. */
  readonly retries: number;
}

/** Labels of a delta's transaction items (for `readCancellation`). */
type Label = 'dedupe' | 'figure' | 'stale' | 'log';

/** Why a row was recorded without changing the figure (its file's timing). */
export type SkipReason = 'inSnapshot' | 'straddlingPositiveSkipped';

/** The snapshot in force: the last snapshot file whose import finished. */
export interface SnapshotInForce {
  /** S: the file's S3 upload time (LastModified), ISO. */
  readonly uploadedAt: string;
  readonly key: string;
  readonly finishedAt: string;
  /**
   * When NetSuite's search ran, as its file name says (NetSuite's clock; the parts of one search
   * share it): a file of an older search is never applied over a newer one.
   */
  readonly searchAt?: string;
}

const SNAPSHOT_IN_FORCE = { pk: 'SNAPSHOT#in-force', sk: 'SNAPSHOT' };
const LOG_SHARDS = 16;
const logPk = (shard: number) => `DELTALOG#${shard.toString(16)}`;
/** Upload times kept per delta feed (P is the latest one before a file's own). */
const FILES_KEPT = 64;
const filesKey = (feedId: string) => ({ pk: `DELTAFILES#${feedId}`, sk: 'FILES' });

/** What `applyOwn` did with a row recognised as one of the OMS's adjustments. */
export interface OwnResult {
  /** `taken`: the adjustment was matched meanwhile (try another, or apply the row). */
  readonly outcome: 'own' | 'duplicate' | 'taken';
  /** Added to NetSuite's figure. */
  readonly applied: number;
  /** The adjustment's hold ended in the same transaction. */
  readonly holdEnded: boolean;
}
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

const expiry = (now: number) => Math.floor(now / 1000) + DEDUPE_DAYS * 86_400;

export class InventoryDeltaStore {
  private readonly doc: DynamoDBDocumentClient;
  readonly positions: PositionStore;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly inventoryTable: string,
    private readonly controlTable: string,
    private readonly maxAttempts = 12,
  ) {
    this.doc = documentClient(client);
    this.positions = new PositionStore(client, inventoryTable);
  }

  private dedupePut(d: DeltaApplication, now: number, extra: Record<string, unknown> = {}): TxItem {
    return {
      Put: {
        TableName: this.controlTable,
        Item: {
          pk: `DELTA#${d.feedId}#${d.rowId}`,
          sk: 'DELTA',
          feed: d.feedId,
          file: d.file,
          line: d.line,
          sku: d.sku,
          facilityId: d.facilityId,
          delta: d.delta,
          appliedAt: d.at,
          uploadedAt: d.uploadedAt,
          previousAt: d.previousAt,
          expiresAt: expiry(now),
          ...extra,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The transaction items that add `delta` to NetSuite's figure (figure, stale marker, log). */
  private figureItems(
    d: DeltaApplication,
    delta: number,
    now: number,
  ): { label: Label; item: TxItem }[] {
    const items: { label: Label; item: TxItem }[] = [
      {
        label: 'figure',
        item: {
          Update: {
            TableName: this.inventoryTable,
            Key: { pk: d.sku, sk: `${NS_PREFIX}${d.facilityId}` },
            UpdateExpression: 'ADD nsQty :delta SET facilityId = :f, nsAt = :now, nsFile = :file',
            ExpressionAttributeValues: {
              ':delta': delta,
              ':f': d.facilityId,
              ':now': d.at,
              ':file': d.file,
            },
          },
        },
      },
      {
        label: 'stale',
        item: {
          Put: {
            TableName: this.controlTable,
            Item: unmarshall(staleKeyItem({ sku: d.sku, facilityId: d.facilityId })),
          },
        },
      },
    ];
    if (d.uploadedAt) {
      items.push({
        label: 'log',
        item: {
          Put: {
            TableName: this.controlTable,
            Item: {
              pk: logPk(hash32(d.rowId) % LOG_SHARDS),
              sk: `${d.uploadedAt}#${d.feedId}#${d.rowId}`,
              sku: d.sku,
              facilityId: d.facilityId,
              delta,
              uploadedAt: d.uploadedAt,
              previousAt: d.previousAt,
              file: d.file,
              line: d.line,
              expiresAt: expiry(now),
            },
          },
        },
      });
    }
    return items;
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
   * Takes a delta row as the OMS's own adjustment `own`, in one transaction: the row's dedupe
   * record (so a repeat of it is a duplicate), the match, and — while the adjustment's hold is
   * there — `effect` added to NetSuite's figure (what the time frame says the row adds: the delta,
   * or 0 when the snapshot in force holds it) with the hold ended. Without a hold (ended at a
   * snapshot that reflects the adjustment, or a rejection from before holds) nothing is added: the
   * figure has it. `duplicate` when the row was seen before, `taken` when the adjustment was
   * matched meanwhile (try another, or apply the row).
   */
  async applyOwn(
    d: DeltaApplication,
    own: OwnAdjustment,
    effect: number,
    now = Date.now(),
  ): Promise<OwnResult> {
    for (let attempt = 0; ; attempt++) {
      const hold = await this.positions.holds.get(own.sku, own.facilityId, own.adjustmentId);
      const applied = hold ? effect : 0;
      const tx: { label: string; item: TxItem }[] = [
        {
          label: 'dedupe',
          item: this.dedupePut(d, now, {
            ownAdjustment: own.adjustmentId,
            ...(applied !== d.delta ? { effect: applied } : {}),
          }),
        },
        {
          label: 'own',
          item: {
            Update: {
              TableName: this.controlTable,
              Key: { pk: ownPk(own.facilityId, own.sku), sk: own.adjustmentId },
              UpdateExpression: 'SET matchedAt = :at, matchedFile = :file, matchedLine = :line',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(matchedAt)',
              ExpressionAttributeValues: { ':at': d.at, ':file': d.file, ':line': d.line },
            },
          },
        },
      ];
      if (applied !== 0) tx.push(...this.figureItems(d, applied, now));
      if (hold) {
        const seen = await this.positions.facility(own.sku, own.facilityId);
        const end = this.positions.holds.endItems(seen, hold, d.at, applied);
        tx.push({ label: 'hold', item: end.row }, { label: 'position', item: end.position });
      }
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: tx.map((t) => t.item) }));
        return { outcome: 'own', applied, holdEnded: !!hold };
      } catch (err) {
        const why = readCancellation(
          err,
          tx.map((t) => t.label),
        );
        if (!why) throw err;
        if (why.failed.has('dedupe')) return { outcome: 'duplicate', applied: 0, holdEnded: false };
        if (why.failed.has('own')) return { outcome: 'taken', applied: 0, holdEnded: false };
        const retry =
          why.conflict || why.throttled || why.failed.has('hold') || why.failed.has('position');
        if (!retry || attempt + 1 >= this.maxAttempts) {
          throw new Error(
            `own adjustment ${own.adjustmentId} (${d.file} line ${d.line}) cancelled after ${attempt + 1} attempts: ${why.codes.join(', ')}`,
            { cause: err },
          );
        }
        await sleep(backoffMs(attempt, 10, 500));
      }
    }
  }

  /**
   * Records a row that changes nothing (its file's timing: `reason`) so that a repeat of it in a
   * later file is a duplicate. `duplicate` when it was seen before.
   */
  async skip(
    d: DeltaApplication,
    reason: SkipReason,
    now = Date.now(),
  ): Promise<'skipped' | 'duplicate'> {
    try {
      await this.doc.send(new PutCommand(this.dedupePut(d, now, { skipped: reason }).Put!));
      return 'skipped';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return 'duplicate';
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'duplicate';
      throw err;
    }
  }

  async apply(d: DeltaApplication, now = Date.now()): Promise<DeltaOutcome> {
    const tx = [
      { label: 'dedupe', item: this.dedupePut(d, now) },
      ...this.figureItems(d, d.delta, now),
    ];
    const command = new TransactWriteCommand({ TransactItems: tx.map((t) => t.item) });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(command);
        return { outcome: 'applied', retries: attempt };
      } catch (err) {
        const why = readCancellation(
          err,
          tx.map((t) => t.label),
        );
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

  // ── adjustment holds of store rejections ───────────────────────────────────────────────────

  /**
   * Places the hold of a negative own adjustment, once per adjustment id: the hold and its
   * idempotency record (`DELTA#<feedId>#<adjustmentId>`) in one transaction. `duplicate` when the
   * adjustment was held (or, before holds, applied) before.
   */
  async placeHold(
    hold: AdjustmentHold,
    record: { feedId: string; file: string; line: number; at: string },
    now = Date.now(),
  ): Promise<'held' | 'duplicate'> {
    return this.positions.holds.place(hold, [
      { label: 'record', item: this.holdRecord(hold, record, now) },
    ]);
  }

  /** One adjustment hold, or undefined when there is none (never placed, or ended). */
  adjustmentHold(
    sku: string,
    facilityId: string,
    adjustmentId: string,
  ): Promise<AdjustmentHold | undefined> {
    return this.positions.holds.get(sku, facilityId, adjustmentId);
  }

  /**
   * Takes back a hold placed by `placeHold` whose rejection was then refused (nothing moved): the
   * hold ended and its idempotency record deleted, so that a later call places it again.
   */
  async undoHold(hold: AdjustmentHold, feedId: string): Promise<'ended' | 'none'> {
    return this.positions.holds.end(hold.sku, hold.facilityId, hold.adjustmentId, [
      {
        label: 'record',
        item: {
          Delete: {
            TableName: this.controlTable,
            Key: { pk: `DELTA#${feedId}#${hold.adjustmentId}`, sk: 'DELTA' },
          },
        },
      },
    ]);
  }

  private holdRecord(
    hold: AdjustmentHold,
    record: { feedId: string; file: string; line: number; at: string },
    now: number,
  ): TxItem {
    return {
      Put: {
        TableName: this.controlTable,
        Item: {
          pk: `DELTA#${record.feedId}#${hold.adjustmentId}`,
          sk: 'DELTA',
          feed: record.feedId,
          file: record.file,
          line: record.line,
          sku: hold.sku,
          facilityId: hold.facilityId,
          held: hold.qty,
          appliedAt: record.at,
          expiresAt: expiry(now),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  // ── the time frame: the snapshot in force, the delta files, the delta log ─────────────────

  /** The snapshot in force (undefined: no snapshot file was ever imported). */
  async snapshotInForce(): Promise<SnapshotInForce | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.controlTable,
        Key: SNAPSHOT_IN_FORCE,
        ConsistentRead: true,
      }),
    );
    const i = out.Item;
    return i
      ? {
          uploadedAt: String(i.uploadedAt),
          key: String(i.key),
          finishedAt: String(i.finishedAt),
          ...(i.searchAt ? { searchAt: String(i.searchAt) } : {}),
        }
      : undefined;
  }

  /** Records the snapshot file whose import just finished as the snapshot in force. */
  async setSnapshotInForce(s: SnapshotInForce): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.controlTable, Item: { ...SNAPSHOT_IN_FORCE, ...s } }),
    );
  }

  /**
   * P for a file of `feedId` uploaded at `uploadedAt` (ISO): the latest upload time of an earlier
   * file of the feed the OMS imported; undefined when none is known (−∞).
   */
  async previousFileAt(feedId: string, uploadedAt: string): Promise<string | undefined> {
    const uploads = await this.fileUploads(feedId);
    let previous: string | undefined;
    for (const u of uploads.list) if (u < uploadedAt && (!previous || u > previous)) previous = u;
    return previous;
  }

  /** Records that a file of `feedId` uploaded at `uploadedAt` (ISO) was imported. */
  async recordFile(feedId: string, uploadedAt: string): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 10, 500));
      const { list, v } = await this.fileUploads(feedId);
      if (list.includes(uploadedAt)) return;
      const next = [...list, uploadedAt].sort().slice(-FILES_KEPT);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.controlTable,
            Item: { ...filesKey(feedId), uploads: next, v: v + 1 },
            ConditionExpression: v === 0 ? 'attribute_not_exists(pk)' : 'v = :v',
            ExpressionAttributeValues: v === 0 ? undefined : { ':v': v },
          }),
        );
        return;
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      }
    }
    throw new Error(`delta feed ${feedId}: the list of imported files kept changing`);
  }

  private async fileUploads(feedId: string): Promise<{ list: string[]; v: number }> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.controlTable, Key: filesKey(feedId), ConsistentRead: true }),
    );
    return {
      list: (out.Item?.uploads as string[] | undefined) ?? [],
      v: Number(out.Item?.v ?? 0),
    };
  }

  /**
   * The deltas applied to NetSuite's figures from files uploaded after `since` (ISO), from the
   * delta log: one query a shard, over the recent window only.
   */
  async loggedSince(since: string): Promise<LoggedDelta[]> {
    const out: LoggedDelta[] = [];
    await Promise.all(
      Array.from({ length: LOG_SHARDS }, async (_, shard) => {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.doc.send(
            new QueryCommand({
              TableName: this.controlTable,
              KeyConditionExpression: 'pk = :pk AND sk > :since',
              ExpressionAttributeValues: { ':pk': logPk(shard), ':since': since },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const i of page.Items ?? []) {
            out.push({
              sku: String(i.sku),
              facilityId: String(i.facilityId),
              delta: Number(i.delta),
              uploadedAt: Date.parse(String(i.uploadedAt)),
              previousAt: i.previousAt ? Date.parse(String(i.previousAt)) : undefined,
            });
          }
          start = page.LastEvaluatedKey;
        } while (start);
      }),
    );
    return out;
  }
}
