/**
 * Stands in for S3 → SQS → Lambda: each ObjectCreated event in a watched inbound folder becomes an
 * SQS message of the real shape, delivered to the feed's handler; a message the handler reports as
 * failed (or that throws) is retried with backoff, then parked in a dead-letter list on disk.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { implementedFeeds, type FeedDefinition } from '../shared/feeds/catalog.ts';
import { locateInbound } from '../shared/feeds/paths.ts';
import { invoke } from './handlers.ts';
import type { S3EmulatorEvent } from './s3-emulator.ts';

export interface DispatchOptions {
  readonly user: string;
  /** JSON-lines file for messages that failed every attempt. */
  readonly deadLetterFile: string;
  /** Attempts before a message is parked (SQS maxReceiveCount). */
  readonly maxReceives?: number;
  readonly retryDelayMs?: number;
  readonly log?: (line: string) => void;
}

interface Message {
  readonly feed: FeedDefinition;
  readonly body: string;
  readonly key: string;
  receives: number;
}

/** S3 URL-encodes keys in events, with `+` for a space; the handlers decode them. */
export const encodeEventKey = (key: string): string =>
  key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%20/g, '+'))
    .join('/');

/** The S3 ObjectCreated notification of one object, as S3 puts it in an SQS message body. */
export function s3EventBody(bucket: string, key: string, size: number, eTag: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: new Date().toISOString(),
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeEventKey(key), size, eTag },
        },
      },
    ],
  });
}

/** An SQS event carrying one message, as Lambda's SQS event source delivers it. */
export function sqsEvent(body: string, receives = 1, source = 'local'): SQSEvent {
  const messageId = crypto.randomUUID();
  return {
    Records: [
      {
        messageId,
        receiptHandle: messageId,
        body,
        attributes: {
          ApproximateReceiveCount: String(receives),
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${source}`,
        awsRegion: 'local',
      },
    ],
  };
}

export class EventDispatcher {
  private readonly queues = new Map<string, Message[]>();
  private readonly running = new Set<string>();
  private readonly waiters: Array<() => void> = [];
  private pendingTimers = 0;
  private stopped = false;
  readonly deadLetters: Array<{ key: string; feed: string; error: string }> = [];

  constructor(private readonly opts: DispatchOptions) {
    mkdirSync(dirname(opts.deadLetterFile), { recursive: true });
  }

  /** Routes one S3 event from the emulator. */
  onS3Event(event: S3EmulatorEvent): void {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated')) continue;
      this.enqueueKey(
        record.s3.bucket.name,
        record.s3.object.key,
        record.s3.object.size ?? 0,
        record.s3.object.eTag ?? '',
      );
    }
  }

  /** Enqueues an object as if S3 had just notified it (used by the start-up sweep too). */
  enqueueKey(bucket: string, key: string, size: number, eTag: string): boolean {
    if (this.stopped) return false;
    const where = locateInbound(key, this.opts.user, implementedFeeds());
    if (where.kind !== 'feed-file' || !where.feed.handler) return false;
    this.push({ feed: where.feed, body: s3EventBody(bucket, key, size, eTag), key, receives: 0 });
    return true;
  }

  /** Enqueues a message body for a feed's handler (a continuation of a long import). */
  enqueueBody(feedId: string, body: string, key = '(continuation)'): void {
    const feed = implementedFeeds().find((f) => f.id === feedId);
    if (!feed?.handler) throw new Error(`no handler for feed ${feedId}`);
    this.push({ feed, body, key, receives: 0 });
  }

  private push(message: Message): void {
    const queue = this.queues.get(message.feed.id) ?? [];
    queue.push(message);
    this.queues.set(message.feed.id, queue);
    void this.drain(message.feed.id);
  }

  private async drain(feedId: string): Promise<void> {
    if (this.running.has(feedId)) return;
    this.running.add(feedId);
    try {
      const queue = this.queues.get(feedId) ?? [];
      for (let m = queue.shift(); m; m = queue.shift()) await this.deliver(m);
    } finally {
      this.running.delete(feedId);
      this.notifyIfIdle();
    }
  }

  private async deliver(message: Message): Promise<void> {
    message.receives++;
    const event = sqsEvent(message.body, message.receives, message.feed.id);
    let error: string | undefined;
    try {
      const out = await invoke<SQSBatchResponse | undefined>(message.feed.handler!, event);
      if (out?.batchItemFailures?.length) error = 'handler reported the message as failed';
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (!error) return;
    const max = this.opts.maxReceives ?? 3;
    if (message.receives >= max) {
      const parked = {
        key: message.key,
        feed: message.feed.id,
        error,
        at: new Date().toISOString(),
      };
      this.deadLetters.push(parked);
      appendFileSync(
        this.opts.deadLetterFile,
        `${JSON.stringify({ ...parked, body: message.body })}\n`,
      );
      this.opts.log?.(`dead-letter ${message.feed.id} ${message.key}: ${error}`);
      return;
    }
    const delay = (this.opts.retryDelayMs ?? 1_000) * 2 ** (message.receives - 1);
    this.pendingTimers++;
    setTimeout(() => {
      this.pendingTimers--;
      this.push(message);
    }, delay).unref();
  }

  private busy(): boolean {
    if (this.running.size > 0 || this.pendingTimers > 0) return true;
    return [...this.queues.values()].some((q) => q.length > 0);
  }

  private notifyIfIdle(): void {
    if (this.busy()) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once every queued message was delivered (or parked). */
  async idle(): Promise<void> {
    if (!this.busy()) return;
    await new Promise<void>((r) => this.waiters.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) q.length = 0;
    await new Promise<void>((r) => {
      const check = () => (this.running.size === 0 ? r() : setTimeout(check, 50));
      check();
    });
  }
}
