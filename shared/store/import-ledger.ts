/**
 * The import ledger: one record per (object key, ETag) so that an S3 event delivered twice, or a
 * file re-read after a crash, is imported once. A claim is a lease; a crashed import's lease runs
 * out and the retry takes the file over.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

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
}

const RUN_DAYS = 30;

export interface LedgerRecord {
  readonly status: string;
  readonly summary?: ImportSummary;
  readonly checkpoint?: ImportCheckpoint;
  readonly attempts?: number;
}

const KEEP_DAYS = 90;

export class ImportLedger {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private key(objectKey: string, eTag: string) {
    return { pk: { S: `IMPORT#${objectKey}` }, sk: { S: `ETAG#${eTag}` } };
  }

  async claim(
    objectKey: string,
    eTag: string,
    leaseMs: number,
    now = Date.now(),
  ): Promise<ClaimResult> {
    try {
      // An update, not a put, so that a checkpoint left by an interrupted run survives the claim.
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.key(objectKey, eTag),
          UpdateExpression:
            'SET #s = :processing, leaseUntil = :lease, claimedAt = :at, expiresAt = :exp ADD attempts :one',
          ConditionExpression:
            'attribute_not_exists(pk) OR #s = :error OR #s = :paused OR (#s = :processing AND leaseUntil < :now)',
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
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const cp = out.Attributes?.checkpoint?.S;
      return {
        outcome: 'claimed',
        checkpoint: cp ? (JSON.parse(cp) as ImportCheckpoint) : undefined,
      };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
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

  /** Keeps a feed's recent files, newest first by time (30 days), for `oms sync status`. */
  async recordFeedRun(run: FeedFileRun): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: `FEEDRUN#${run.feed}` },
          sk: { S: `${run.finishedAt}#${run.key}` },
          run: { S: JSON.stringify(run) },
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

  /** Records progress and extends the lease; only the holder of the claim may. */
  async saveCheckpoint(
    objectKey: string,
    eTag: string,
    checkpoint: ImportCheckpoint,
    leaseMs: number,
    now = Date.now(),
  ): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        UpdateExpression: 'SET checkpoint = :cp, leaseUntil = :lease',
        ConditionExpression: '#s = :processing',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':cp': { S: JSON.stringify(checkpoint) },
          ':lease': { N: String(now + leaseMs) },
          ':processing': { S: 'processing' },
        },
      }),
    );
  }

  /** Hands the rest of the file to a continuation, which may claim it at once. */
  async pause(objectKey: string, eTag: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        UpdateExpression: 'SET #s = :paused',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':paused': { S: 'paused' } },
      }),
    );
  }

  /** Gives the claim up after a failure so the retry can take it at once. */
  async fail(objectKey: string, eTag: string, reason: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(objectKey, eTag),
        UpdateExpression: 'SET #s = :error, lastError = :reason',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':error': { S: 'error' },
          ':reason': { S: reason.slice(0, 1000) },
        },
      }),
    );
  }
}
