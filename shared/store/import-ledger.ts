/**
 * The import ledger: one record per (object key, ETag) so that an S3 event delivered twice, or a
 * file re-read after a crash, is imported once. A claim is a lease held by one claim token
 * (`holder`); a crashed import's lease runs out and the next delivery takes the file over. Only
 * the holder may checkpoint, pause or give up the claim, so a worker whose lease was taken over
 * cannot overwrite its successor's progress.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { boundedReason } from '../domain/bounded-text.ts';

/** Where an interrupted import stands: everything before `offset` is durable. */
export interface ImportCheckpoint {
  readonly offset: number;
  readonly line: number;
  readonly header: string[];
  readonly rows: number;
  readonly applied: number;
  readonly rejected: number;
  readonly errorParts: number;
}

export type ClaimResult =
  | { readonly outcome: 'claimed'; readonly checkpoint?: ImportCheckpoint }
  | { readonly outcome: 'done'; readonly finishedAt?: string }
  | { readonly outcome: 'busy'; readonly leaseUntil: number };

/**
 * Claims this process gave up without the ledger hearing of it (the database was unreachable when
 * the import failed, or when the claim's answer was lost): the lease is held by nobody alive, so a
 * delivery in this process takes the file over at once instead of waiting for the lease to end.
 */
const abandoned = new Map<string, string>();
const claimId = (objectKey: string, eTag: string) => `${objectKey}\n${eTag}`;

export interface ImportSummary {
  readonly result: 'archived' | 'failed';
  readonly rows: number;
  readonly applied: number;
  readonly rejected: number;
  readonly ms: number;
  /** The importer's own figures (e.g. written, unchanged). */
  readonly stats?: Readonly<Record<string, number>>;
}

/** One imported file as the operator sees it (`oms sync status`). */
export interface FeedFileRun extends ImportSummary {
  readonly feed: string;
  readonly key: string;
  readonly finishedAt: string;
  readonly errorFile?: string;
  readonly reason?: string;
  /** The version imported: its ETag, and where it was kept (archive/ or failed/). */
  readonly eTag?: string;
  readonly keptAs?: string;
}

const RUN_DAYS = 30;

/** One version of an object key in the ledger. */
export interface LedgerVersion {
  readonly eTag: string;
  readonly status: string;
  readonly leaseUntil: number;
  readonly checkpoint?: ImportCheckpoint;
}

export interface LedgerRecord {
  readonly status: string;
  readonly summary?: ImportSummary;
  readonly checkpoint?: ImportCheckpoint;
  readonly attempts?: number;
}

const KEEP_DAYS = 90;

export class ImportLedger {
  /** The claim token this ledger holds per file, set by a successful claim. */
  private readonly holders = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** The condition (and its values) that this ledger still holds the file's claim. */
  private held(
    objectKey: string,
    eTag: string,
  ): { condition: string; values: Record<string, { S: string }> } {
    const holder = this.holders.get(claimId(objectKey, eTag));
    return holder
      ? {
          condition: '#s = :processing AND (attribute_not_exists(holder) OR holder = :holder)',
          values: { ':holder': { S: holder } },
        }
      : { condition: '#s = :processing', values: {} };
  }

  private key(objectKey: string, eTag: string) {
    return { pk: { S: `IMPORT#${objectKey}` }, sk: { S: `ETAG#${eTag}` } };
  }

  async claim(
    objectKey: string,
    eTag: string,
    leaseMs: number,
    now = Date.now(),
  ): Promise<ClaimResult> {
    const id = claimId(objectKey, eTag);
    const holder = randomUUID();
    const gaveUp = abandoned.get(id);
    try {
      // An update, not a put, so that a checkpoint left by an interrupted run survives the claim.
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.key(objectKey, eTag),
          UpdateExpression:
            'SET #s = :processing, leaseUntil = :lease, claimedAt = :at, expiresAt = :exp, holder = :holder ADD attempts :one',
          ConditionExpression:
            'attribute_not_exists(pk) OR #s = :error OR #s = :paused OR (#s = :processing AND leaseUntil < :now)' +
            (gaveUp ? ' OR (#s = :processing AND holder = :abandoned)' : ''),
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':error': { S: 'error' },
            ':paused': { S: 'paused' },
            ':processing': { S: 'processing' },
            ':now': { N: String(now) },
            ':lease': { N: String(now + leaseMs) },
            ':at': { S: new Date(now).toISOString() },
            ':exp': { N: String(Math.floor(now / 1000) + KEEP_DAYS * 86_400) },
            ':one': { N: '1' },
            ':holder': { S: holder },
            ...(gaveUp ? { ':abandoned': { S: gaveUp } } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.holders.set(id, holder);
      if (gaveUp) abandoned.delete(id);
      const cp = out.Attributes?.checkpoint?.S;
      return {
        outcome: 'claimed',
        checkpoint: cp ? (JSON.parse(cp) as ImportCheckpoint) : undefined,
      };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) {
        // The claim may have been written and its answer lost: nobody holds that token.
        abandoned.set(id, holder);
        throw err;
      }
    }
    const current = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        ConsistentRead: true,
      }),
    );
    const status = current.Item?.status?.S;
    if (status === 'done') return { outcome: 'done', finishedAt: current.Item?.finishedAt?.S };
    return { outcome: 'busy', leaseUntil: Number(current.Item?.leaseUntil?.N ?? 0) };
  }

  async get(objectKey: string, eTag: string): Promise<LedgerRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        ConsistentRead: true,
      }),
    );
    const i = out.Item;
    if (!i) return undefined;
    const status = i.status?.S ?? 'unknown';
    if (status !== 'done') {
      return {
        status,
        attempts: Number(i.attempts?.N ?? 0),
        checkpoint: i.checkpoint?.S ? (JSON.parse(i.checkpoint.S) as ImportCheckpoint) : undefined,
      };
    }
    return {
      status,
      summary: {
        result: i.result?.S === 'failed' ? 'failed' : 'archived',
        rows: Number(i.rows?.N ?? 0),
        applied: Number(i.applied?.N ?? 0),
        rejected: Number(i.rejected?.N ?? 0),
        ms: Number(i.ms?.N ?? 0),
        stats: i.stats?.S ? (JSON.parse(i.stats.S) as Record<string, number>) : undefined,
      },
    };
  }

  async complete(objectKey: string, eTag: string, summary: ImportSummary): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        UpdateExpression:
          'SET #s = :done, #r = :result, #rows = :rows, applied = :applied, rejected = :rejected, ms = :ms, stats = :stats, finishedAt = :at REMOVE checkpoint',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'result', '#rows': 'rows' },
        ExpressionAttributeValues: {
          ':done': { S: 'done' },
          ':result': { S: summary.result },
          ':rows': { N: String(summary.rows) },
          ':applied': { N: String(summary.applied) },
          ':rejected': { N: String(summary.rejected) },
          ':ms': { N: String(summary.ms) },
          ':stats': { S: JSON.stringify(summary.stats ?? {}) },
          ':at': { S: new Date().toISOString() },
        },
      }),
    );
  }

  /**
   * Every version of one object key the ledger knows (one record per ETag), for the version
   * binding: a newer version waits while an older one is being imported, and an older one is not
   * resumed once a newer one began.
   */
  async versions(objectKey: string): Promise<LedgerVersion[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :etag)',
        ExpressionAttributeValues: {
          ':pk': { S: `IMPORT#${objectKey}` },
          ':etag': { S: 'ETAG#' },
        },
        ProjectionExpression: 'sk, #s, leaseUntil, checkpoint',
        ExpressionAttributeNames: { '#s': 'status' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      eTag: (i.sk?.S ?? '').slice('ETAG#'.length),
      status: i.status?.S ?? 'unknown',
      leaseUntil: Number(i.leaseUntil?.N ?? 0),
      checkpoint: i.checkpoint?.S ? (JSON.parse(i.checkpoint.S) as ImportCheckpoint) : undefined,
    }));
  }

  /** Keeps a feed's recent files, newest first by time (30 days), for `oms sync status`. */
  async recordFeedRun(run: FeedFileRun): Promise<void> {
    // Bounded whatever went wrong: the reason is cut, never the whole input it may quote.
    const bounded: FeedFileRun = run.reason ? { ...run, reason: boundedReason(run.reason) } : run;
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: `FEEDRUN#${run.feed}` },
          sk: { S: `${run.finishedAt}#${run.key}` },
          run: { S: JSON.stringify(bounded) },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + RUN_DAYS * 86_400) },
        },
      }),
    );
  }

  /** A feed's last `limit` imported files, newest first. */
  async recentFeedRuns(feed: string, limit = 5): Promise<FeedFileRun[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `FEEDRUN#${feed}` } },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => JSON.parse(i.run?.S ?? '{}') as FeedFileRun);
  }

  /** A feed's files finished at or after `since` (ISO), oldest first, every page. */
  async feedRunsSince(feed: string, since: string): Promise<FeedFileRun[]> {
    const out: FeedFileRun[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': { S: `FEEDRUN#${feed}` }, ':since': { S: since } },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of page.Items ?? []) out.push(JSON.parse(i.run?.S ?? '{}') as FeedFileRun);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Records progress and extends the lease; only the holder of the claim may. */
  async saveCheckpoint(
    objectKey: string,
    eTag: string,
    checkpoint: ImportCheckpoint,
    leaseMs: number,
    now = Date.now(),
  ): Promise<void> {
    const held = this.held(objectKey, eTag);
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        UpdateExpression: 'SET checkpoint = :cp, leaseUntil = :lease',
        ConditionExpression: held.condition,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':cp': { S: JSON.stringify(checkpoint) },
          ':lease': { N: String(now + leaseMs) },
          ':processing': { S: 'processing' },
          ...held.values,
        },
      }),
    );
  }

  /** Hands the rest of the file to a continuation, which may claim it at once. */
  async pause(objectKey: string, eTag: string): Promise<void> {
    const held = this.held(objectKey, eTag);
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        UpdateExpression: 'SET #s = :paused',
        ConditionExpression: held.condition,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':paused': { S: 'paused' },
          ':processing': { S: 'processing' },
          ...held.values,
        },
      }),
    );
  }

  /**
   * Gives the claim up after a failure so the retry can take it at once. When the ledger cannot be
   * told (the database is down), this process remembers the claim as abandoned and its next
   * delivery of the file takes it over without waiting for the lease. A claim taken over by
   * another worker meanwhile is left alone.
   */
  async fail(objectKey: string, eTag: string, reason: string): Promise<void> {
    const id = claimId(objectKey, eTag);
    const holder = this.holders.get(id);
    const held = this.held(objectKey, eTag);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.key(objectKey, eTag),
          UpdateExpression: 'SET #s = :error, lastError = :reason',
          ConditionExpression: held.condition,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':error': { S: 'error' },
            ':reason': { S: boundedReason(reason) },
            ':processing': { S: 'processing' },
            ...held.values,
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return; // no longer ours
      if (holder) abandoned.set(id, holder);
      throw err;
    } finally {
      this.holders.delete(id);
    }
  }
}
