/**
 * Streams items into one table with BatchWriteItem: 25 requests a call, keys deduplicated within a
 * call (two requests for one key fail the whole call), a bounded number of calls in flight, and
 * UnprocessedItems retried with exponential backoff and full jitter.
 */
import {
  BatchWriteItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export interface BatchWriterOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** Attribute names that form the key, used to dedupe within a call. */
  readonly keyAttributes: readonly string[];
  /** BatchWriteItem calls in flight at once. */
  readonly concurrency?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
}

export interface BatchWriterStats {
  /** Put/Delete requests acknowledged by DynamoDB. */
  written: number;
  calls: number;
  retries: number;
}

const BATCH_SIZE = 25;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class BatchWriter {
  readonly stats: BatchWriterStats = { written: 0, calls: 0, retries: 0 };
  private pending = new Map<string, WriteRequest>();
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private readonly concurrency: number;

  constructor(private readonly opts: BatchWriterOptions) {
    this.concurrency = opts.concurrency ?? 16;
  }

  private keyOf(item: Item): string {
    return this.opts.keyAttributes
      .map((k) => {
        const v = item[k];
        return v?.S ?? v?.N ?? '';
      })
      .join('\u0000');
  }

  /**
   * Queues a put. When that fills a call, returns a promise that resolves once there is room in
   * flight (the caller's backpressure); otherwise returns nothing.
   */
  put(item: Item): Promise<void> | undefined {
    // The later request for a key replaces the earlier one still waiting in the same call.
    this.pending.set(this.keyOf(item), { PutRequest: { Item: item } });
    // A promise only when a call goes out: a million rows cost 40,000 awaits, not a million.
    return this.pending.size >= BATCH_SIZE ? this.dispatch() : undefined;
  }

  delete(key: Item): Promise<void> | undefined {
    this.pending.set(this.keyOf(key), { DeleteRequest: { Key: key } });
    return this.pending.size >= BATCH_SIZE ? this.dispatch() : undefined;
  }

  /** Sends what is queued and waits for every call in flight. */
  async flush(): Promise<BatchWriterStats> {
    if (this.pending.size > 0) await this.dispatch();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    return this.stats;
  }

  private async dispatch(): Promise<void> {
    if (this.failure) throw this.failure;
    const requests = [...this.pending.values()];
    this.pending = new Map();
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const call = this.send(requests).catch((err) => {
      this.failure ??= err;
    });
    const tracked = call.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async send(requests: WriteRequest[]): Promise<void> {
    const maxRetries = this.opts.maxRetries ?? 10;
    const base = this.opts.baseDelayMs ?? 25;
    let todo = requests;
    for (let attempt = 0; ; attempt++) {
      this.stats.calls++;
      const out = await this.opts.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.opts.table]: todo } }),
      );
      const left = out.UnprocessedItems?.[this.opts.table] ?? [];
      this.stats.written += todo.length - left.length;
      if (left.length === 0) return;
      if (attempt >= maxRetries) {
        throw new Error(
          `BatchWriteItem on ${this.opts.table}: ${left.length} items still unprocessed after ${maxRetries} retries`,
        );
      }
      this.stats.retries++;
      await sleep(Math.random() * Math.min(5_000, base * 2 ** attempt));
      todo = left;
    }
  }
}
