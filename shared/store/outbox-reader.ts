/**
 * A feed's whole outbox, read for an export: every entry with its send state and refusal note,
 * shard by shard — all at once (`outboxEntries`), or a Query page at a time with the payloads left
 * as text and only a few pages held (`outboxEntryPages`, what the export reads: issue #21, its
 * memory). The sync store hands these out as `entries` and `entryPages`.
 */
import { paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  noteOf,
  sendStateOf,
  SHARDS,
  type OutboxEntry,
  type OutboxFeed,
  type RawOutboxEntry,
} from './outbox-items.ts';
import { queryPartition } from './query-all.ts';

/**
 * Every entry of a feed's outbox with its send state, shard by shard (all shards at once). An
 * export reads `outboxEntryPages` instead (payloads as text, a page at a time).
 */
export async function* outboxEntries<P>(
  client: DynamoDBClient,
  table: string,
  feed: OutboxFeed,
): AsyncGenerator<OutboxEntry<P>[]> {
  const queryAll = (pk: string) => queryPartition(client, table, pk);
  const shards = Array.from({ length: SHARDS }, (_, s) => s);
  const pages = await Promise.all(
    shards.map(async (s) => {
      const [outbox, sent, refused] = await Promise.all([
        queryAll(`OUTBOX#${feed}#${s}`),
        queryAll(`SENT#${feed}#${s}`),
        queryAll(`REFUSED#${feed}#${s}`),
      ]);
      const states = new Map(sent.map((i) => [i.sk as string, i]));
      const notes = new Map(refused.map((i) => [i.sk as string, i]));
      return outbox.map((i): OutboxEntry<P> => {
        const st = states.get(i.sk as string);
        const note = notes.get(i.sk as string);
        return {
          feed,
          id: i.sk as string,
          payload: JSON.parse(i.payload as string) as P,
          createdAt: i.createdAt as string,
          state: sendStateOf(st),
          ...(note ? { refusal: noteOf(note) } : {}),
        };
      });
    }),
  );
  for (const page of pages) if (page.length) yield page;
}

/**
 * Every entry of a feed's outbox with its send state, its payload as JSON text, a Query page at a
 * time as the pages come in (a few shards at once, each shard's send states and refusal notes
 * read before its entries): a reader that keeps only part of each entry holds a few pages of the
 * outbox at a time, not all of it. Pages come in no particular order.
 */
export async function* outboxEntryPages(
  client: DynamoDBClient,
  table: string,
  feed: OutboxFeed,
): AsyncGenerator<RawOutboxEntry[]> {
  const queryAll = (pk: string) => queryPartition(client, table, pk);
  /** Pages read and not yet taken; a shard waits while there are this many. */
  const MAX_WAITING = 4;
  /**
   * Shards read at once, and entries a Query page: a page in flight is held several times over
   * (the response text, its parse, the SDK's shapes), so a few small pages at a time keep the
   * reader's memory low (issue #21: the export's peak RSS) at the cost of a few more calls.
   */
  const READERS = 4;
  const PAGE_LIMIT = 250;
  const ready: RawOutboxEntry[][] = [];
  let wakeReader: (() => void) | undefined;
  let wakeShards: (() => void)[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  const wake = () => {
    const w = wakeReader;
    wakeReader = undefined;
    w?.();
  };
  const shard = async (s: number) => {
    const [sent, refused] = await Promise.all([
      queryAll(`SENT#${feed}#${s}`),
      queryAll(`REFUSED#${feed}#${s}`),
    ]);
    const states = new Map(sent.map((i) => [i.sk as string, i]));
    const notes = new Map(refused.map((i) => [i.sk as string, i]));
    const pages = paginateQuery(
      { client },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `OUTBOX#${feed}#${s}` } },
        ConsistentRead: true,
        Limit: PAGE_LIMIT,
      },
    );
    for await (const page of pages) {
      const entries = (page.Items ?? []).map((i): RawOutboxEntry => {
        const id = i.sk?.S ?? '';
        const st = states.get(id);
        const note = notes.get(id);
        return {
          feed,
          id,
          payload: undefined,
          payloadText: i.payload?.S ?? '',
          createdAt: i.createdAt?.S ?? '',
          state: sendStateOf(st),
          ...(note ? { refusal: noteOf(note) } : {}),
        };
      });
      if (entries.length) {
        ready.push(entries);
        wake();
      }
      while (ready.length >= MAX_WAITING && !failure) {
        await new Promise<void>((r) => wakeShards.push(r));
      }
      if (failure) return;
    }
  };
  let nextShard = 0;
  const reader = async () => {
    while (nextShard < SHARDS && !failure) await shard(nextShard++);
  };
  void Promise.all(Array.from({ length: READERS }, reader)).then(
    () => {
      finished = true;
      wake();
    },
    (error: unknown) => {
      failure ??= { error };
      wake();
    },
  );
  try {
    for (;;) {
      if (failure) throw failure.error;
      const page = ready.shift();
      if (page) {
        const waiting = wakeShards;
        wakeShards = [];
        for (const w of waiting) w();
        yield page;
        continue;
      }
      if (finished) return;
      await new Promise<void>((r) => (wakeReader = r));
    }
  } finally {
    // A reader that stops early (or a failure) releases the shards still reading.
    failure ??= { error: new Error('outbox pages no longer read') };
    for (const w of wakeShards) w();
  }
}
