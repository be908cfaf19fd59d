/**
 * Stands in for S3 → SQS → Lambda: each ObjectCreated event in a watched inbound folder becomes an
 * SQS message of the real shape, delivered to the feed's handler. Like SQS:
 * - a message the handler reports as failed (or that throws) becomes visible again after a
 *   visibility timeout — 2 s, doubling at each receive, at most a minute — and after
 *   `maxReceives` receives (5) it is parked in the dead-letter queue, on disk
 *   (`<data>/dead-letters/`, `npx oms dlq list|redrive`);
 * - a message can be sent delayed (a handler hands a message back until another worker's lease
 *   ends), without using up receives.
 * Unlike a plain timer, it knows the local services: while DynamoDB Local or the S3 emulator does
 * not answer, deliveries wait for it, and a delivery that failed because of an outage does not
 * count as a receive — queued messages outlive the outage instead of being dead-lettered in it.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { implementedFeeds, type FeedDefinition } from '../shared/feeds/catalog.ts';
import { locateInbound } from '../shared/feeds/paths.ts';
import { objectRefsFromS3Event } from '../shared/feeds/s3-event.ts';
import type { DeadLetter, DeadLetterStore } from './dead-letters.ts';
import { invoke } from './handlers.ts';
import type { CloudHealth } from './health.ts';
import type { S3EmulatorEvent } from './s3-emulator.ts';

export interface DispatchOptions {
  readonly user: string;
  /** Where messages that failed every receive are parked, and re-driven from. */
  readonly deadLetters: DeadLetterStore;
  /** Receives before a message is parked (SQS maxReceiveCount). Default 5. */
  readonly maxReceives?: number;
  /** Visibility timeout after the first failed receive; doubles at each. Default 2 s. */
  readonly retryDelayMs?: number;
  /** Longest visibility timeout. Default 60 s. */
  readonly maxRetryDelayMs?: number;
  /** The services the handlers need; deliveries wait while one is down. */
  readonly health?: CloudHealth;
  /** How often re-driven messages are looked for (0: never). Default 1 s. */
  readonly redrivePollMs?: number;
  /**
   * How long `idle()` waits before it says what it waits for (default 60 s; 0: never). The line
   * goes to `log`, or to stderr when there is none (a hang must never be silent).
   */
  readonly stallReportMs?: number;
  /** What the import ledger holds for an object key (for the stall report). */
  readonly describeKey?: (key: string) => Promise<unknown>;
  readonly log?: (line: string) => void;
}

interface Message {
  readonly id: string;
  readonly feed: FeedDefinition;
  readonly body: string;
  readonly key: string;
  /** SQS message attributes (strings). */
  readonly attributes?: Readonly<Record<string, string>>;
  receives: number;
  /** Failed deliveries that met an outage (not counted as receives). */
  outageFailures: number;
}

/** Failures during outages a message may have before they count as receives. */
const MAX_OUTAGE_FAILURES = 5;

export interface EnqueueOptions {
  /** The object key, for logs (read from the body when absent). */
  readonly key?: string;
  /** Delivered after this long (SQS DelaySeconds). */
  readonly delayMs?: number;
  readonly attributes?: Readonly<Record<string, string>>;
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
export function sqsEvent(
  body: string,
  receives = 1,
  source = 'local',
  messageId: string = randomUUID(),
  attributes: Readonly<Record<string, string>> = {},
): SQSEvent {
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
        messageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }]),
        ),
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${source}`,
        awsRegion: 'local',
      },
    ],
  };
}

/** The object key a message body is about, for logs and dead letters. */
function keyOfBody(body: string): string | undefined {
  try {
    return objectRefsFromS3Event(JSON.parse(body) as never)[0]?.key;
  } catch {
    return undefined;
  }
}

/** What a feed's drain is doing now (for the stall report). */
interface Activity {
  readonly message: Message;
  phase: 'waiting for the services' | 'delivering' | 'waiting out an outage';
  since: number;
}

/** A delayed message or a retry (for the stall report). */
interface PendingTimer {
  readonly why: string;
  readonly feed: string;
  readonly key: string;
  readonly dueAt: number;
}

export class EventDispatcher {
  private readonly queues = new Map<string, Message[]>();
  private readonly running = new Set<string>();
  private readonly activity = new Map<string, Activity>();
  private readonly waiters: Array<() => void> = [];
  private readonly timers = new Map<NodeJS.Timeout, PendingTimer>();
  /** Why the handler failed a message, as it said (by message id). */
  private readonly failures = new Map<string, string>();
  private pendingTimers = 0;
  private stopped = false;
  private onStop: () => void = () => undefined;
  private readonly stopping = new Promise<void>((r) => (this.onStop = r));
  private readonly redriveTimer?: NodeJS.Timeout;
  /** Messages parked since this dispatcher started. */
  readonly deadLetters: Array<{ id: string; key: string; feed: string; error: string }> = [];

  constructor(private readonly opts: DispatchOptions) {
    const every = opts.redrivePollMs ?? 1_000;
    if (every > 0) {
      this.takeRedriven();
      this.redriveTimer = setInterval(() => this.takeRedriven(), every);
      this.redriveTimer.unref();
    }
  }

  /** The handler's reason for failing a message being delivered (`noteMessageFailure`). */
  noteFailure(messageId: string, error: string): void {
    this.failures.set(messageId, error);
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
    this.push(this.message(where.feed, s3EventBody(bucket, key, size, eTag), key));
    return true;
  }

  /**
   * Enqueues a message body for a feed's handler: a continuation of a long import, or a message
   * handed back (delayed) until another worker's lease ends. A new message: receives start at 0.
   */
  enqueueBody(feedId: string, body: string, options: EnqueueOptions = {}): void {
    const feed = implementedFeeds().find((f) => f.id === feedId);
    if (!feed?.handler) throw new Error(`no handler for feed ${feedId}`);
    if (this.stopped) return;
    const message: Message = {
      ...this.message(feed, body, options.key ?? keyOfBody(body) ?? '(continuation)'),
      attributes: options.attributes,
    };
    if (options.delayMs && options.delayMs > 0)
      this.later(options.delayMs, message, 'sent delayed', () => this.push(message));
    else this.push(message);
  }

  private message(feed: FeedDefinition, body: string, key: string): Message {
    return { id: randomUUID(), feed, body, key, receives: 0, outageFailures: 0 };
  }

  /** Messages the operator re-drove (`npx oms dlq redrive`): back to their feed's queue. */
  takeRedriven(): DeadLetter[] {
    if (this.stopped) return [];
    const taken = this.opts.deadLetters.takeRedriven();
    for (const d of taken) {
      const feed = implementedFeeds().find((f) => f.id === d.feed);
      if (!feed?.handler) {
        this.opts.log?.(
          `re-driven dead letter ${d.id} names no feed handler (${d.feed}); parked again`,
        );
        this.opts.deadLetters.add({ ...d, error: `no handler for feed ${d.feed}` });
        continue;
      }
      this.opts.log?.(`re-driven ${d.feed} ${d.key} (dead letter ${d.id})`);
      this.push({ id: d.id, feed, body: d.body, key: d.key, receives: 0, outageFailures: 0 });
    }
    return taken;
  }

  private later(ms: number, message: Message, why: string, run: () => void): void {
    this.pendingTimers++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pendingTimers--;
      run();
      this.notifyIfIdle();
    }, ms);
    timer.unref();
    this.timers.set(timer, {
      why,
      feed: message.feed.id,
      key: message.key,
      dueAt: Date.now() + ms,
    });
  }

  private push(message: Message): void {
    if (this.stopped) return;
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
      for (let m = queue.shift(); m && !this.stopped; m = queue.shift()) {
        // While a service is down, messages wait in their queue (SQS keeps them too).
        this.doing(m, 'waiting for the services');
        await this.healthy();
        if (this.stopped) break;
        await this.deliver(m);
      }
    } finally {
      this.activity.delete(feedId);
      this.running.delete(feedId);
      this.notifyIfIdle();
    }
  }

  private doing(message: Message, phase: Activity['phase']): void {
    this.activity.set(message.feed.id, { message, phase, since: Date.now() });
  }

  private async deliver(message: Message): Promise<void> {
    this.doing(message, 'delivering');
    message.receives++;
    const outagesBefore = this.opts.health?.outages ?? 0;
    const event = sqsEvent(
      message.body,
      message.receives,
      message.feed.id,
      message.id,
      message.attributes,
    );
    let error: string | undefined;
    try {
      const out = await invoke<SQSBatchResponse | undefined>(message.feed.handler!, event);
      if (out?.batchItemFailures?.length) {
        error = this.failures.get(message.id) ?? 'handler reported the message as failed';
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      this.failures.delete(message.id);
    }
    if (!error) return;
    const health = this.opts.health;
    if (
      health &&
      message.outageFailures < MAX_OUTAGE_FAILURES &&
      (!(await health.check()) || health.outages !== outagesBefore)
    ) {
      // The failure is the outage's: the receive does not count. The message waits, at the head
      // of its queue (the order of files is kept), for the services to answer, then goes again.
      // (A message whose every delivery meets an outage — one that brings a service down — counts
      // its receives after MAX_OUTAGE_FAILURES, and ends in the dead-letter queue.)
      message.receives--;
      message.outageFailures++;
      this.opts.log?.(
        `${message.feed.id} ${message.key}: failed during an outage (${error}); delivered again once it is over`,
      );
      this.doing(message, 'waiting out an outage');
      await this.healthy();
      if (this.stopped) return;
      return this.deliver(message);
    }
    const max = this.opts.maxReceives ?? 5;
    if (message.receives >= max) {
      const parked = this.opts.deadLetters.add({
        id: message.id,
        feed: message.feed.id,
        key: message.key,
        body: message.body,
        error,
        receives: message.receives,
      });
      this.deadLetters.push({ id: parked.id, key: parked.key, feed: parked.feed, error });
      this.opts.log?.(
        `dead-letter ${message.feed.id} ${message.key} after ${message.receives} receives: ${error} ` +
          `(\`npx oms dlq redrive ${parked.id}\` once fixed)`,
      );
      return;
    }
    const delay = Math.min(
      (this.opts.retryDelayMs ?? 2_000) * 2 ** (message.receives - 1),
      this.opts.maxRetryDelayMs ?? 60_000,
    );
    this.opts.log?.(
      `${message.feed.id} ${message.key}: receive ${message.receives} of ${max} failed (${error}); again in ${delay / 1000} s`,
    );
    this.later(delay, message, `retry after receive ${message.receives}`, () => this.push(message));
  }

  /** Resolves once the services answer, or the dispatcher stops. */
  private async healthy(): Promise<void> {
    if (this.opts.health) await Promise.race([this.opts.health.whenHealthy(), this.stopping]);
  }

  private busy(): boolean {
    if (this.running.size > 0 || this.pendingTimers > 0) return true;
    return [...this.queues.values()].some((q) => q.length > 0);
  }

  private notifyIfIdle(): void {
    if (this.busy()) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Resolves once every queued message was delivered (or parked), delayed ones included. One that
   * waits longer than `stallReportMs` says what it waits for (and again at each such interval).
   */
  async idle(): Promise<void> {
    if (!this.busy()) return;
    const idle = new Promise<void>((r) => this.waiters.push(r));
    const every = this.opts.stallReportMs ?? 60_000;
    if (every <= 0) return idle;
    const started = Date.now();
    let report: NodeJS.Timeout | undefined;
    const schedule = () => {
      report = setTimeout(() => {
        void this.describe().then((state) => {
          if (!this.busy() || this.stopped) return;
          const line = `event dispatch: idle() has waited ${Math.round((Date.now() - started) / 1000)} s for ${JSON.stringify(state)}`;
          (this.opts.log ?? ((l: string) => console.warn(l)))(line);
        });
        schedule();
      }, every);
      report.unref();
    };
    schedule();
    try {
      await idle;
    } finally {
      clearTimeout(report);
    }
  }

  /**
   * What the dispatch is busy with: queued messages, the delivery under way per feed (and since
   * when), pending delayed messages and retries, the services thought down, and what the ledger
   * holds for each file named. For the stall report; cheap enough to call any time.
   */
  async describe(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const keys = new Set<string>();
    const queued = Object.fromEntries(
      [...this.queues]
        .filter(([, q]) => q.length > 0)
        .map(([feed, q]) => {
          q.forEach((m) => keys.add(m.key));
          return [feed, q.map((m) => m.key)];
        }),
    );
    const running = [...this.running].map((feed) => {
      const a = this.activity.get(feed);
      if (a) keys.add(a.message.key);
      return a
        ? {
            feed,
            key: a.message.key,
            phase: a.phase,
            forS: Math.round((now - a.since) / 1000),
            receives: a.message.receives,
            outageFailures: a.message.outageFailures,
          }
        : { feed };
    });
    const timers = [...this.timers.values()].map((t) => {
      keys.add(t.key);
      return { why: t.why, feed: t.feed, key: t.key, inS: Math.round((t.dueAt - now) / 1000) };
    });
    const health = this.opts.health;
    const ledger: Record<string, unknown> = {};
    const describeKey = this.opts.describeKey;
    if (describeKey) {
      // Bounded: the store the ledger lives in may be the very thing that does not answer.
      await Promise.all(
        [...keys].slice(0, 10).map(async (key) => {
          let timer: NodeJS.Timeout | undefined;
          ledger[key] = await Promise.race([
            describeKey(key).catch((err: unknown) => `unreadable: ${String(err)}`),
            new Promise((r) => (timer = setTimeout(() => r('no answer within 5 s'), 5_000))),
          ]).finally(() => clearTimeout(timer));
        }),
      );
    }
    return {
      queued,
      running,
      pendingTimers: this.pendingTimers,
      timers,
      health: health
        ? { healthy: health.healthy(), outages: health.outages, ...health.state?.() }
        : undefined,
      ledger,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.onStop();
    if (this.redriveTimer) clearInterval(this.redriveTimer);
    for (const t of this.timers.keys()) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues.values()) q.length = 0;
    await new Promise<void>((r) => {
      const check = () => (this.running.size === 0 ? r() : setTimeout(check, 50));
      check();
    });
    this.pendingTimers = 0;
    for (const w of this.waiters.splice(0)) w();
  }
}
