/**
 * What the NetSuite sync keeps in the control table:
 *
 * - the **outbox**: one entry per record waiting for its NetSuite id, pk `OUTBOX#<feed>#<shard>`,
 *   sk = record id, `payload` (JSON: what the export needs), `createdAt`. An entry leaves the outbox
 *   once the id came back (the import or the approval job deletes it).
 * - the **send state** of an entry, apart from it (pk `SENT#<feed>#<shard>`, same sk): when it was
 *   last written to a file and how often, or why it was held back. Kept apart so that marking a
 *   send (BatchWriteItem Put) can never bring back an entry the id import just removed; an orphan
 *   send state expires by TTL.
 * - **settle candidates** (pk `SETTLE#<shard>`): orders that received ids, for the approval job to
 *   look at; sk `batch#<kind>#<ref>` with the order ids in `orders` (a string set, up to
 *   `SETTLE_BATCH` of them: what an id import wrote since its last checkpoint, one item instead
 *   of one per order), or sk `<kind>#<order id>` (one order; the format before batches, still read).
 * - **run records** (pk `SYNCRUN#<feed>`, sk `<time>#<run id>`): one per export / approval run,
 *   for `oms sync status`; they expire after 30 days.
 * - **refusal notes** (pk `REFUSED#<feed>#<shard>`, same sk as the outbox entry): NetSuite refused
 *   the record in one of its exception files (`shared/sync/netsuite-exceptions.ts`); the export
 *   reads them with the outbox and keeps the record out of files until its rows change, an
 *   operator asks for a re-send, or (once) after a wholly failed file. A note waiting for a fix
 *   never expires; once the record was written again it expires after 30 days.
 *
 * Shards spread a feed over 16 partitions (queried in parallel).
 *
 * The outbox's key scheme and record shapes are `outbox-items.ts`; reading a feed's whole outbox
 * for an export is `outbox-reader.ts`. Over 400 lines still: the five record kinds' writes and
 * lookups, which the export, the id import and the approval job use together.
 */
import {
  ConditionalCheckFailedException,
  paginateQuery,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { RefusalNote } from '../domain/sync/netsuite-error-file.ts';
import { batchGetAll } from './batch-get.ts';
import { BatchWriter, type Item } from './batch-writer.ts';
import { keyItem } from './item-key.ts';
import { documentClient } from './document-client.ts';
import type { LinkedWrite, TxItem } from './transactions.ts';
import { NetsuiteFileStore } from './netsuite-file-store.ts';
import { queryPartition } from './query-all.ts';
import {
  noteOf,
  outboxPk,
  refusedPk,
  sentPk,
  SHARDS,
  shardOf,
  type OutboxEntry,
  type OutboxFeed,
  type RawOutboxEntry,
  type SendState,
} from './outbox-items.ts';
import { outboxEntries, outboxEntryPages } from './outbox-reader.ts';

// The outbox's key scheme and shapes live in `outbox-items.ts`; re-exported for the sync's users.
export { outboxPk, SHARDS, shardOf };
export type { OutboxEntry, OutboxFeed, RawOutboxEntry, SendState };
export { reviveOutboxEntry } from './outbox-items.ts';

export type SettleKind = 'order' | 'deposit';

/** Order ids in one batch settle candidate (≈ 20 bytes each: far below DynamoDB's 400 KB). */
export const SETTLE_BATCH = 1_000;
const DAY_S = 86_400;
const SENT_TTL_DAYS = 30;

const settlePk = (orderId: string) => `SETTLE#${shardOf(orderId)}`;
const runPk = (feed: string) => `SYNCRUN#${feed}`;

/** One settle candidate item: one order, or a batch of them. */
export interface SettleItem {
  readonly pk: string;
  readonly sk: string;
  readonly kind: SettleKind;
  readonly orderIds: readonly string[];
}

export interface SyncRun {
  readonly feed: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly ms: number;
  readonly files: readonly string[];
  readonly rows: number;
  readonly records: number;
  /** Records held back this run, by reason (a few examples each). */
  readonly heldBack: number;
  readonly errors: readonly string[];
  readonly details?: Record<string, unknown>;
}

export class SyncStore {
  private readonly doc;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = documentClient(client);
  }

  /** An outbox entry written with an order command or not at all (label `linked:<name>`). */
  linkedOutboxPut(
    name: string,
    feed: OutboxFeed,
    id: string,
    payload: unknown,
    now: string,
  ): LinkedWrite {
    return { label: `linked:${name}`, item: this.outboxPut(feed, id, payload, now) };
  }

  /** The outbox Put for a transaction (an order's entry is created with the order). */
  outboxPut(feed: OutboxFeed, id: string, payload: unknown, now: string) {
    return {
      Put: {
        TableName: this.table,
        Item: { pk: outboxPk(feed, id), sk: id, payload: JSON.stringify(payload), createdAt: now },
      },
    };
  }

  /**
   * `enqueue` as a write of an order command: the entry is added with the command, on condition
   * that none is there (a failed condition fails the command: the caller goes again without it).
   */
  linkedEnqueue(
    name: string,
    feed: OutboxFeed,
    id: string,
    payload: unknown,
    now: string,
  ): LinkedWrite {
    const put = this.outboxPut(feed, id, payload, now).Put;
    return {
      label: `linked:${name}`,
      item: { Put: { ...put, ConditionExpression: 'attribute_not_exists(pk)' } },
    };
  }

  /** `complete` of one record as writes of an order command: its entry and send state go. */
  linkedComplete(name: string, feed: OutboxFeed, id: string): LinkedWrite[] {
    return [
      { label: `linked:${name}`, key: { pk: outboxPk(feed, id), sk: id } },
      { label: `linked:${name}-state`, key: { pk: sentPk(feed, id), sk: id } },
    ].map(({ label, key }) => ({
      label: label as `linked:${string}`,
      item: { Delete: { TableName: this.table, Key: key } },
    }));
  }

  /**
   * Unconditional Puts and Deletes on this table, given as transaction items (e.g. what an order
   * command's linked writes would be, when they need not commit with it), in BatchWriteItem calls.
   */
  async writeBatch(items: readonly TxItem[]): Promise<void> {
    const writer = this.writer();
    for (const i of items) {
      if (i.Put && !i.Put.ConditionExpression && i.Put.TableName === this.table) {
        await writer.put(marshall(i.Put.Item, { removeUndefinedValues: true }));
      } else if (i.Delete && !i.Delete.ConditionExpression && i.Delete.TableName === this.table) {
        await writer.delete(marshall(i.Delete.Key));
      } else {
        throw new Error(`writeBatch takes unconditional Puts and Deletes on ${this.table} only`);
      }
    }
    await writer.flush();
  }

  /** Adds an outbox entry unless one is there already (then the first one stands). */
  async enqueue(feed: OutboxFeed, id: string, payload: unknown, now: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          ...this.outboxPut(feed, id, payload, now).Put,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Which of `ids` wait in a feed's outbox. */
  async waiting(feed: OutboxFeed, ids: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(ids)].map((id) => keyItem(outboxPk(feed, id), id));
    const items = await batchGetAll(this.client, this.table, keys, { projection: 'sk' });
    return new Set(items.map((i) => i.sk?.S ?? ''));
  }

  /** The ids of every entry waiting in a feed's outbox (their keys only; all shards at once). */
  async waitingIds(feed: OutboxFeed): Promise<Set<string>> {
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, async (_, s) => {
        const ids: string[] = [];
        const pages = paginateQuery(
          { client: this.client },
          {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `OUTBOX#${feed}#${s}` } },
            ProjectionExpression: 'sk',
            ConsistentRead: true,
          },
        );
        for await (const page of pages) for (const i of page.Items ?? []) ids.push(i.sk?.S ?? '');
        return ids;
      }),
    );
    return new Set(shards.flat());
  }

  /** Every entry of a feed's outbox with its send state (`outboxEntries`). */
  entries<P>(feed: OutboxFeed): AsyncGenerator<OutboxEntry<P>[]> {
    return outboxEntries<P>(this.client, this.table, feed);
  }

  /** The outbox a Query page at a time, payloads as text (`outboxEntryPages`). */
  entryPages(feed: OutboxFeed): AsyncGenerator<RawOutboxEntry[]> {
    return outboxEntryPages(this.client, this.table, feed);
  }

  /** Writes send states (BatchWriteItem). */
  async saveStates(
    updates: readonly { feed: OutboxFeed; id: string; state: SendState }[],
    nowMs = Date.now(),
  ): Promise<void> {
    const writer = this.writer();
    for (const u of updates) await writer.put(this.stateItem(u, nowMs));
    await writer.flush();
  }

  /**
   * A send state's item, for a BatchWriteItem writer (`writer()`): what `marshall` would make of
   * it, its attributes written out (an export writes one a record: `marshall`'s generic walk was
   * ≈ 4 µs of them, 0.2 s of a 50,000-record run's CPU — issue #21).
   */
  stateItem(u: { feed: OutboxFeed; id: string; state: SendState }, nowMs = Date.now()): Item {
    const { sends, lastSentAt, lastFile, heldBack, missingFieldsFile } = u.state;
    const item: Item = {
      pk: { S: sentPk(u.feed, u.id) },
      sk: { S: u.id },
      sends: { N: String(sends) },
    };
    if (lastSentAt !== undefined) item.lastSentAt = { S: lastSentAt };
    if (lastFile !== undefined) item.lastFile = { S: lastFile };
    if (heldBack !== undefined) item.heldBack = { S: heldBack };
    if (missingFieldsFile !== undefined) item.missingFieldsFile = { S: missingFieldsFile };
    item.expiresAt = { N: String(Math.floor(nowMs / 1000) + SENT_TTL_DAYS * DAY_S) };
    return item;
  }

  /** Removes records from the outbox (their id came back), with their send states. */
  async complete(
    feed: OutboxFeed,
    ids: Iterable<string>,
    writer = this.writer(),
    opts: { keepState?: boolean } = {},
  ): Promise<void> {
    for (const id of ids) {
      await writer.delete(keyItem(outboxPk(feed, id), id));
      if (!opts.keepState) await writer.delete(keyItem(sentPk(feed, id), id));
    }
    await writer.flush();
  }

  /** When each of `ids` was last written to a file (send states, kept 30 days). */
  async lastSent(feed: OutboxFeed, ids: readonly string[]): Promise<Map<string, string>> {
    const keys = [...new Set(ids)].map((id) => keyItem(sentPk(feed, id), id));
    const items = await batchGetAll(this.client, this.table, keys, {
      projection: 'sk, lastSentAt',
    });
    return new Map(
      items.flatMap((i) => (i.lastSentAt?.S ? [[i.sk?.S ?? '', i.lastSentAt.S] as const] : [])),
    );
  }

  /** A BatchWriteItem writer on the control table. */
  writer(concurrency = 16): BatchWriter {
    return new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
      concurrency,
    });
  }

  settleCandidate(kind: SettleKind, orderId: string, at: string) {
    return marshall({ pk: settlePk(orderId), sk: `${kind}#${orderId}`, at });
  }

  /**
   * One candidate item for up to `SETTLE_BATCH` orders (`ref` names it uniquely, e.g. the file and
   * a counter; writing the same ref again replaces the item).
   */
  settleBatch(kind: SettleKind, orderIds: readonly string[], ref: string, at: string) {
    return marshall({
      pk: `SETTLE#${shardOf(ref)}`,
      sk: `batch#${kind}#${ref}`,
      orders: new Set(orderIds),
      at,
    });
  }

  /** Every settle candidate item (all shards at once). */
  async settleItems(): Promise<SettleItem[]> {
    const shards = Array.from({ length: SHARDS }, (_, s) => this.queryAll(`SETTLE#${s}`));
    return (await Promise.all(shards)).flat().map((i): SettleItem => {
      const sk = i.sk as string;
      const pk = i.pk as string;
      if (sk.startsWith('batch#')) {
        const kind = sk.split('#')[1] as SettleKind;
        const orders = i.orders instanceof Set ? [...(i.orders as Set<string>)] : [];
        return { pk, sk, kind, orderIds: orders.sort() };
      }
      const [kind, orderId] = sk.split('#') as [SettleKind, string];
      return { pk, sk, kind, orderIds: [orderId] };
    });
  }

  /** Every settle candidate, one per order and kind (all shards at once). */
  async settleCandidates(): Promise<{ kind: SettleKind; orderId: string }[]> {
    const seen = new Set<string>();
    const out: { kind: SettleKind; orderId: string }[] = [];
    for (const item of await this.settleItems()) {
      for (const orderId of item.orderIds) {
        if (seen.has(`${item.kind}#${orderId}`)) continue;
        seen.add(`${item.kind}#${orderId}`);
        out.push({ kind: item.kind, orderId });
      }
    }
    return out;
  }

  async dropSettleCandidate(kind: SettleKind, orderId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: settlePk(orderId), sk: `${kind}#${orderId}` },
      }),
    );
  }

  /**
   * Settles a candidate item: removed when every order of it is done, else kept with the orders
   * still to do (a later run looks at them again).
   */
  async settleItemDone(item: SettleItem, left: readonly string[], at: string): Promise<void> {
    if (!left.length) {
      await this.doc.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk } }),
      );
    } else if (left.length < item.orderIds.length) {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: item.pk, sk: item.sk, orders: new Set(left), at },
        }),
      );
    }
  }

  async recordRun(run: SyncRun, nowMs = Date.now()): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: runPk(run.feed),
          sk: `${run.startedAt}#${run.runId}`,
          run: JSON.stringify(run),
          expiresAt: Math.floor(nowMs / 1000) + SENT_TTL_DAYS * DAY_S,
        },
      }),
    );
  }

  /** The last `limit` runs of a feed, newest first. */
  async runs(feed: string, limit = 5): Promise<SyncRun[]> {
    const pages = paginateQuery(
      { client: this.client, pageSize: limit },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: runPk(feed) } },
        ScanIndexForward: false,
        Limit: limit,
      },
    );
    const out: SyncRun[] = [];
    for await (const page of pages) {
      for (const i of page.Items ?? []) out.push(JSON.parse(i.run?.S ?? '{}') as SyncRun);
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  /** A feed's (or job's) runs started at or after `since` (ISO), oldest first, every page. */
  async runsSince(feed: string, since: string): Promise<SyncRun[]> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: { ':pk': { S: runPk(feed) }, ':since': { S: since } },
      },
    );
    const out: SyncRun[] = [];
    for await (const page of pages) {
      for (const i of page.Items ?? []) out.push(JSON.parse(i.run?.S ?? '{}') as SyncRun);
    }
    return out;
  }

  // ── NetSuite's refusals (docs/netsuite-sync.md, "NetSuite's exception files") ──────────────

  /** The store of outbound files' manifests and NetSuite's outcomes, on the same table. */
  netsuiteFiles(): NetsuiteFileStore {
    return new NetsuiteFileStore(this.client, this.table);
  }

  /** Every refusal note of a feed's outbox (all shards at once). */
  async refusals(feed: OutboxFeed): Promise<Map<string, RefusalNote>> {
    const shards = Array.from({ length: SHARDS }, (_, s) => this.queryAll(`REFUSED#${feed}#${s}`));
    const out = new Map<string, RefusalNote>();
    const nowS = Date.now() / 1000;
    for (const item of (await Promise.all(shards)).flat()) {
      if (typeof item.expiresAt === 'number' && item.expiresAt < nowS) continue;
      out.set(item.sk as string, noteOf(item));
    }
    return out;
  }

  /** The refusal notes of some records. */
  async refusalNotes(feed: OutboxFeed, ids: readonly string[]): Promise<Map<string, RefusalNote>> {
    const keys = [...new Set(ids)].map((id) => keyItem(refusedPk(feed, id), id));
    const items = await batchGetAll(this.client, this.table, keys);
    return new Map(items.map((i) => [i.sk?.S ?? '', noteOf(unmarshall(i))]));
  }

  /**
   * Writes refusal notes (BatchWriteItem). A note waiting for a fix has no expiry; a note of a
   * record written again expires after 30 days (its history: attempts, failed files).
   */
  async saveRefusals(
    updates: readonly { feed: OutboxFeed; id: string; note: RefusalNote }[],
    nowMs = Date.now(),
  ): Promise<void> {
    if (!updates.length) return;
    const writer = this.writer();
    const expiresAt = Math.floor(nowMs / 1000) + SENT_TTL_DAYS * DAY_S;
    for (const u of updates) {
      await writer.put(
        marshall(
          {
            ...u.note,
            lines: [...u.note.lines],
            pk: refusedPk(u.feed, u.id),
            sk: u.id,
            ...(u.note.resentAt ? { expiresAt } : {}),
          },
          { removeUndefinedValues: true },
        ),
      );
    }
    await writer.flush();
  }

  /**
   * Removes a refusal note (the record left its outbox without being written again: its id came
   * back, or nothing is left to send). `unlessResent` keeps a note the export just marked re-sent.
   */
  async dropRefusal(
    feed: OutboxFeed,
    id: string,
    opts: { unlessResent?: boolean } = {},
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: refusedPk(feed, id), sk: id },
          ...(opts.unlessResent ? { ConditionExpression: 'attribute_not_exists(resentAt)' } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * An operator's re-send of a refused record (`oms sync resend`): the next export writes it once
   * whatever its rows. False when there is no note waiting (none, or already re-sent).
   */
  async askResend(feed: OutboxFeed, id: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: refusedPk(feed, id), sk: id },
          UpdateExpression: 'SET #resend = :operator',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(resentAt)',
          ExpressionAttributeNames: { '#resend': 'resend' },
          ExpressionAttributeValues: { ':operator': 'operator' },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * Puts records back in their outbox (a send-once record NetSuite refused: its entry left when it
   * was written). An entry already there (queued again meanwhile) stands. Returns the ids added.
   */
  async requeue(
    feed: OutboxFeed,
    entries: readonly { id: string; payload: unknown; createdAt: string }[],
  ): Promise<string[]> {
    if (!entries.length) return [];
    const there = await this.waiting(
      feed,
      entries.map((e) => e.id),
    );
    const writer = this.writer();
    const added: string[] = [];
    for (const e of entries) {
      if (there.has(e.id) || added.includes(e.id)) continue;
      added.push(e.id);
      await writer.put(marshall(this.outboxPut(feed, e.id, e.payload, e.createdAt).Put.Item));
    }
    await writer.flush();
    return added;
  }

  private queryAll(pk: string): Promise<Record<string, unknown>[]> {
    return queryPartition(this.client, this.table, pk);
  }
}
