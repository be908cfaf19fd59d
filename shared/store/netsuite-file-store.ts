/**
 * What the OMS keeps about the files it writes into folders NetSuite reads, in the control table
 * (outside every SFTP home: NetSuite's SFTP user can neither read nor change it), each item
 * expiring after 30 days unless said otherwise:
 *
 * - the **manifest** of a file, pk `NSFILE#<file name>` (names are unique): sk `head` (feed,
 *   outbox, key, when written, counts; later `takenAt` or `failedAt`) and sk `part#<n>`, the
 *   records (id, first and last line, fingerprint, send-once payload, and for the feeds whose
 *   records are evidence for inventory holds the quantity the rows told NetSuite) as gzipped
 *   JSON parts (shared/store/manifest-parts.ts). Written with one BatchWriteItem per file,
 *   before the file itself, so that NetSuite never sees a file the OMS cannot explain.
 * - **pending** files, pk `NSPENDING#<folder>`, sk = name: written, not yet seen taken or failed.
 *   The watcher lists `archive/` only from the oldest pending name on (names sort by time).
 * - files **taken** by NetSuite, pk `NSTAKEN#<feed>`, sk = name (`takenAt`: the archived
 *   object's time; evidence for later work such as inventory holds), and a per-feed count,
 *   pk `NSTAKEN`, sk = feed.
 * - wholly **failed** files, pk `NSFAILED#<feed>`, sk = name, with NetSuite's message.
 * - **error files read**, pk `NSERRFILE#<folder>`, sk = error file name: each is processed once.
 * - **unexplained** exceptions (shared/store/unexplained-exceptions.ts, which keeps them).
 *
 * Over 400 lines: manifests, pending names, taken and failed files and error files read are one
 * item family whose keys and expiries must agree; the parts' encoding
 * (shared/store/manifest-parts.ts) and the unexplained exceptions, which never expire, live apart.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { batchGetAll } from './batch-get.ts';
import { BatchWriter } from './batch-writer.ts';
import { documentClient } from './document-client.ts';
import { manifestParts, readManifestPart, type StoredManifestRecord } from './manifest-parts.ts';
import { queryPartition } from './query-all.ts';
import { UnexplainedExceptions, type UnexplainedException } from './unexplained-exceptions.ts';
import type { OutboxFeed } from './sync-store.ts';

const DAY_S = 86_400;
export const MANIFEST_TTL_DAYS = 30;
const filePk = (name: string) => `NSFILE#${name}`;
const pendingPk = (folder: string) => `NSPENDING#${folder}`;
const takenPk = (feed: string) => `NSTAKEN#${feed}`;
const TAKEN_SUMMARY_PK = 'NSTAKEN';
const failedPk = (feed: string) => `NSFAILED#${feed}`;
const errorFilePk = (folder: string) => `NSERRFILE#${folder}`;

export interface FileManifest {
  readonly name: string;
  /** The S3 key (= SFTP path without the leading slash) the file was written to. */
  readonly key: string;
  /** The feed folder below the NetSuite root, e.g. `salesorder/update`. */
  readonly folder: string;
  readonly feed: string;
  readonly outbox: OutboxFeed;
  readonly format: 'csv' | 'json';
  readonly writtenAt: string;
  readonly rows: number;
  /** Records leave their outbox when written: the manifest keeps their payloads. */
  readonly sendOnce: boolean;
  /** Sorted by `first`. */
  readonly records: readonly StoredManifestRecord[];
}

export interface FileHead extends Omit<FileManifest, 'records'> {
  readonly recordCount: number;
  readonly parts: number;
  readonly takenAt?: string;
  readonly failedAt?: string;
  /** NetSuite's message for a wholly failed file. */
  readonly failure?: string;
  readonly failureErrorFile?: string;
}

export interface TakenFile {
  readonly feed: string;
  readonly name: string;
  readonly key: string;
  readonly takenAt: string;
}

export interface FailedFile {
  readonly feed: string;
  readonly name: string;
  readonly key: string;
  readonly failedAt: string;
  readonly message: string;
  readonly errorFile?: string;
  readonly records: number;
}

const headOf = (i: Record<string, unknown>): FileHead => ({
  name: i.name as string,
  key: i.key as string,
  folder: i.folder as string,
  feed: i.feed as string,
  outbox: i.outbox as OutboxFeed,
  format: i.format === 'json' ? 'json' : 'csv',
  writtenAt: i.writtenAt as string,
  rows: Number(i.rows ?? 0),
  sendOnce: i.sendOnce === true,
  recordCount: Number(i.recordCount ?? 0),
  parts: Number(i.parts ?? 0),
  takenAt: i.takenAt as string | undefined,
  failedAt: i.failedAt as string | undefined,
  failure: i.failure as string | undefined,
  failureErrorFile: i.failureErrorFile as string | undefined,
});

export class NetsuiteFileStore {
  private readonly doc;
  private readonly exceptions: UnexplainedExceptions;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = documentClient(client);
    this.exceptions = new UnexplainedExceptions(client, table);
  }

  private expiry(nowMs: number): number {
    return Math.floor(nowMs / 1000) + MANIFEST_TTL_DAYS * DAY_S;
  }

  /** Records a file's manifest and marks it pending: one BatchWriteItem (head, parts, pending). */
  async saveManifest(m: FileManifest, nowMs = Date.now()): Promise<void> {
    const expiresAt = this.expiry(nowMs);
    const parts = manifestParts(m.records);
    const writer = new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
      concurrency: 4,
    });
    const { records, ...head } = m;
    await writer.put(
      marshall(
        {
          pk: filePk(m.name),
          sk: 'head',
          ...head,
          recordCount: records.length,
          parts: parts.length,
          expiresAt,
        },
        { removeUndefinedValues: true },
      ),
    );
    for (const [i, data] of parts.entries()) {
      await writer.put(
        marshall({ pk: filePk(m.name), sk: `part#${String(i).padStart(4, '0')}`, data, expiresAt }),
      );
    }
    await writer.put(
      marshall({
        pk: pendingPk(m.folder),
        sk: m.name,
        feed: m.feed,
        writtenAt: m.writtenAt,
        expiresAt,
      }),
    );
    await writer.flush();
  }

  /** The heads of the named files that have a manifest. */
  async heads(names: readonly string[]): Promise<Map<string, FileHead>> {
    const keys = [...new Set(names)].map((n) => marshall({ pk: filePk(n), sk: 'head' }));
    const items = await batchGetAll(this.client, this.table, keys);
    const nowS = Date.now() / 1000;
    const out = new Map<string, FileHead>();
    for (const item of items.map((i) => unmarshall(i))) {
      if (typeof item.expiresAt === 'number' && item.expiresAt < nowS) continue;
      out.set(item.name as string, headOf(item));
    }
    return out;
  }

  /** A file's manifest (head and every record), or undefined. */
  async manifest(
    name: string,
  ): Promise<(FileHead & { records: StoredManifestRecord[] }) | undefined> {
    const items = await queryPartition(this.client, this.table, filePk(name));
    const head = items.find((i) => i.sk === 'head');
    if (!head) return undefined;
    const records = items
      .filter((i) => (i.sk as string).startsWith('part#'))
      .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1))
      .flatMap((i) => readManifestPart(i.data as Uint8Array));
    return { ...headOf(head), records };
  }

  /** Files written into a folder and not yet seen taken or failed, oldest first. */
  async pending(folder: string): Promise<{ name: string; feed: string; writtenAt: string }[]> {
    const nowS = Date.now() / 1000;
    return (await queryPartition(this.client, this.table, pendingPk(folder)))
      .filter((i) => !(typeof i.expiresAt === 'number' && i.expiresAt < nowS))
      .map((i) => ({
        name: i.sk as string,
        feed: i.feed as string,
        writtenAt: i.writtenAt as string,
      }));
  }

  private async dropPending(folder: string, name: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: pendingPk(folder), sk: name } }),
    );
  }

  /**
   * NetSuite took the file (it lies in `archive/`): records `takenAt` once. Returns false when it
   * was recorded already (or the file has no manifest).
   */
  async markTaken(head: FileHead, takenAt: string, nowMs = Date.now()): Promise<boolean> {
    let first = true;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: filePk(head.name), sk: 'head' },
          UpdateExpression: 'SET takenAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(takenAt)',
          ExpressionAttributeValues: { ':at': takenAt },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      first = false;
    }
    if (first) {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: takenPk(head.feed), sk: head.name },
          UpdateExpression: 'SET #key = :key, takenAt = :at, expiresAt = :exp',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: {
            ':key': head.key,
            ':at': takenAt,
            ':exp': this.expiry(nowMs),
          },
        }),
      );
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: TAKEN_SUMMARY_PK, sk: head.feed },
          UpdateExpression: 'ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      // The latest time wins (files may be archived out of order).
      await this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: TAKEN_SUMMARY_PK, sk: head.feed },
            UpdateExpression: 'SET lastTakenAt = :at, lastFile = :name',
            ConditionExpression: 'attribute_not_exists(lastTakenAt) OR lastTakenAt < :at',
            ExpressionAttributeValues: { ':at': takenAt, ':name': head.name },
          }),
        )
        .catch((err: unknown) => {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        });
    }
    await this.dropPending(head.folder, head.name);
    return first;
  }

  /** When NetSuite took a file (by its S3 key or name), if it did. */
  async takenAt(fileKey: string): Promise<string | undefined> {
    const name = fileKey.slice(fileKey.lastIndexOf('/') + 1);
    const head = (await this.heads([name])).get(name);
    return head?.takenAt;
  }

  /** Files of a feed NetSuite took (last 30 days), oldest written first; `since`: taken at or after. */
  async filesTaken(feed: string, opts: { since?: string } = {}): Promise<TakenFile[]> {
    const nowS = Date.now() / 1000;
    return (await queryPartition(this.client, this.table, takenPk(feed)))
      .filter((i) => !(typeof i.expiresAt === 'number' && i.expiresAt < nowS))
      .map((i) => ({
        feed,
        name: i.sk as string,
        key: i.key as string,
        takenAt: i.takenAt as string,
      }))
      .filter((t) => !opts.since || t.takenAt >= opts.since);
  }

  /** Per feed: how many files NetSuite took, and the last one. */
  async takenSummary(): Promise<
    Map<string, { count: number; lastTakenAt?: string; lastFile?: string }>
  > {
    const items = await queryPartition(this.client, this.table, TAKEN_SUMMARY_PK);
    return new Map(
      items.map((i) => [
        i.sk as string,
        {
          count: Number(i.count ?? 0),
          lastTakenAt: i.lastTakenAt as string | undefined,
          lastFile: i.lastFile as string | undefined,
        },
      ]),
    );
  }

  /**
   * The file failed whole (in `failed/`, or named by an error row without a line). Returns
   * `first` when this is the first time (the caller refuses its records), `again` when it was
   * recorded already — a message learnt later (the error row after the failed file) is kept.
   */
  async markFailed(
    head: FileHead,
    failure: { at: string; message: string; errorFile?: string; known: boolean },
    nowMs = Date.now(),
  ): Promise<'first' | 'again'> {
    let outcome: 'first' | 'again' = 'first';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: filePk(head.name), sk: 'head' },
          UpdateExpression:
            'SET failedAt = :at, failure = :msg' +
            (failure.errorFile ? ', failureErrorFile = :ef' : ''),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(failedAt)',
          ExpressionAttributeValues: {
            ':at': failure.at,
            ':msg': failure.message,
            ...(failure.errorFile ? { ':ef': failure.errorFile } : {}),
          },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      outcome = 'again';
    }
    if (outcome === 'again' && !failure.known) return outcome;
    if (outcome === 'again') {
      // NetSuite's own message replaces ours (the failed file was seen before its error row).
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: filePk(head.name), sk: 'head' },
          UpdateExpression:
            'SET failure = :msg' + (failure.errorFile ? ', failureErrorFile = :ef' : ''),
          ExpressionAttributeValues: {
            ':msg': failure.message,
            ...(failure.errorFile ? { ':ef': failure.errorFile } : {}),
          },
        }),
      );
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: failedPk(head.feed), sk: head.name },
        UpdateExpression:
          'SET #key = :key, failedAt = if_not_exists(failedAt, :at), message = :msg, records = :n, expiresAt = :exp' +
          (failure.errorFile ? ', errorFile = :ef' : ''),
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: {
          ':key': head.key,
          ':at': failure.at,
          ':msg': failure.message,
          ':n': head.recordCount,
          ':exp': this.expiry(nowMs),
          ...(failure.errorFile ? { ':ef': failure.errorFile } : {}),
        },
      }),
    );
    if (outcome === 'first') await this.dropPending(head.folder, head.name);
    return outcome;
  }

  /** Wholly failed files of a feed (last 30 days), newest first. */
  async failedFiles(feed: string): Promise<FailedFile[]> {
    const nowS = Date.now() / 1000;
    return (await queryPartition(this.client, this.table, failedPk(feed)))
      .filter((i) => !(typeof i.expiresAt === 'number' && i.expiresAt < nowS))
      .map((i) => ({
        feed,
        name: i.sk as string,
        key: i.key as string,
        failedAt: i.failedAt as string,
        message: i.message as string,
        errorFile: i.errorFile as string | undefined,
        records: Number(i.records ?? 0),
      }))
      .sort(newestFailedFirst);
  }

  /** Which of the error files of a folder were processed already. */
  async errorFilesProcessed(folder: string, names: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(names)].map((n) => marshall({ pk: errorFilePk(folder), sk: n }));
    const items = await batchGetAll(this.client, this.table, keys, { projection: 'sk' });
    return new Set(items.map((i) => i.sk?.S ?? ''));
  }

  async markErrorFileProcessed(
    folder: string,
    name: string,
    summary: { at: string; rows: number; refused: number; unexplained: number },
    nowMs = Date.now(),
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: errorFilePk(folder), sk: name },
        UpdateExpression:
          'SET processedAt = :at, #rows = :rows, refused = :refused, unexplained = :unexplained, expiresAt = :exp',
        ExpressionAttributeNames: { '#rows': 'rows' },
        ExpressionAttributeValues: {
          ':at': summary.at,
          ':rows': summary.rows,
          ':refused': summary.refused,
          ':unexplained': summary.unexplained,
          ':exp': this.expiry(nowMs),
        },
      }),
    );
  }

  /** Lists an exception nobody could explain (idempotent: the same one is one item). */
  addUnexplained(items: readonly Omit<UnexplainedException, 'id'>[]): Promise<number> {
    return this.exceptions.add(items);
  }

  /** Every exception nobody could explain and nobody dismissed yet, newest first. */
  unexplained(): Promise<UnexplainedException[]> {
    return this.exceptions.list();
  }

  /** Someone looked at listed exceptions (`oms sync dismiss`): how many were dismissed. */
  dismissUnexplained(ids: readonly string[], at: string): Promise<number> {
    return this.exceptions.dismiss(ids, at);
  }
}

/**
 * Failed files newest first. `failedAt` may tie (NetSuite's move to `failed/` is known to the
 * second): then the later name first — our file names begin with their write time to the
 * millisecond.
 */
export const newestFailedFirst = (a: FailedFile, b: FailedFile): number =>
  a.failedAt !== b.failedAt ? (a.failedAt < b.failedAt ? 1 : -1) : b.name.localeCompare(a.name);
