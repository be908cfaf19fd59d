/**
 * The release queue (control table): orders with quantity allocated (1200) or scheduled (1500) that
 * the schedule-and-release job must schedule and release. pk `RQ#<shard>` (8 shards, by order id),
 * sk `<order date>#<order id>`: oldest order first, one entry per order.
 *
 * Brokering enqueues an order when it allocates it (`releaseQueuePutItems`, written in the batch
 * that removes the order's brokering-queue entry); anyone else may `enqueue` it. Writing the entry
 * again replaces it with a fresh `ticket` and no retry bookkeeping, so the next run looks at the
 * order at once. The job records its retry bookkeeping and removes the entry only under the ticket
 * it read: an entry written again meanwhile (a new allocation) is never lost.
 */
import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { hash32 } from '../domain/hash64.ts';
import { documentClient } from './document-client.ts';
import { queueEntries } from './query-all.ts';

export const RELEASE_QUEUE_SHARDS = 8;
const shardOf = (orderId: string) => hash32(orderId) % RELEASE_QUEUE_SHARDS;
const pkOf = (orderId: string) => `RQ#${shardOf(orderId)}`;
const skOf = (orderId: string, orderDate: string) => `${orderDate}#${orderId}`;

/** What enqueues an order. */
export interface ReleaseQueueInput {
  readonly orderId: string;
  /** The order's date (sorts the queue oldest first). */
  readonly orderDate: string;
  readonly enqueuedAt: string;
  /** Why it was queued, e.g. `allocated by brokering run 3f2a`. */
  readonly reason?: string;
}

/** An entry as stored, with the job's retry bookkeeping. */
export interface ReleaseQueueEntry extends ReleaseQueueInput {
  /** Changes every time the entry is written by an enqueue: the job's writes are conditioned on it. */
  readonly ticket: string;
  /** Runs that looked at the order since it was queued. */
  readonly attempts?: number;
  /** Since when a release gate has held some of its quantity. */
  readonly heldSince?: string;
  /** The job skips the entry until then. */
  readonly nextAttemptAt?: string;
  /** What the order waited for at the last run (hold codes, `allocation sync`). */
  readonly waitingFor?: string;
  /** When the job last read the order. */
  readonly lookedAt?: string;
  /**
   * Set when the order waited for nothing but allocation updates not yet written for NetSuite:
   * their outbox entry ids. While every one of them still waits, nothing of the order can move.
   */
  readonly awaiting?: readonly string[];
  /** With `awaiting`: each line's version after that look (`lineSeq` → version). */
  readonly lineVersions?: Readonly<Record<string, number>>;
}

const itemOf = (e: ReleaseQueueInput) => ({
  pk: pkOf(e.orderId),
  sk: skOf(e.orderId, e.orderDate),
  orderId: e.orderId,
  orderDate: e.orderDate,
  enqueuedAt: e.enqueuedAt,
  ticket: randomBytes(6).toString('hex'),
  ...(e.reason ? { reason: e.reason } : {}),
});

/**
 * The BatchWriteItem put item(s) that queue an order for scheduling and release, marshalled for
 * `BatchWriter.put` (or a `PutRequest`) on the control table. Idempotent: writing them again only
 * asks the next run to look at the order at once.
 */
export function releaseQueuePutItems(e: ReleaseQueueInput): Record<string, AttributeValue>[] {
  return [marshall(itemOf(e))];
}

export class ReleaseQueueStore {
  private readonly doc;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = documentClient(client);
  }

  /** The Put that queues an order, for a transaction (e.g. a move's `linked` items). */
  queuePut(e: ReleaseQueueInput) {
    return { Put: { TableName: this.table, Item: itemOf(e) } };
  }

  async enqueue(e: ReleaseQueueInput): Promise<void> {
    await this.doc.send(new PutCommand(this.queuePut(e).Put));
  }

  /** Every entry, oldest order first. */
  entries(): Promise<ReleaseQueueEntry[]> {
    return queueEntries<ReleaseQueueEntry>(this.client, this.table, 'RQ#', RELEASE_QUEUE_SHARDS);
  }

  /**
   * Records a run's look at the order (it stays queued). False when the entry was written again
   * or removed since it was read (the newer entry stands).
   */
  async retryLater(
    e: ReleaseQueueEntry,
    next: {
      readonly attempts: number;
      readonly nextAttemptAt: string;
      readonly heldSince?: string;
      readonly waitingFor?: string;
      readonly lookedAt?: string;
      readonly awaiting?: readonly string[];
      readonly lineVersions?: Readonly<Record<string, number>>;
    },
  ): Promise<boolean> {
    const set = ['attempts = :a', 'nextAttemptAt = :n'];
    const remove: string[] = [];
    const values: Record<string, unknown> = {
      ':a': next.attempts,
      ':n': next.nextAttemptAt,
      ':t': e.ticket,
    };
    for (const [name, value] of [
      ['heldSince', next.heldSince],
      ['waitingFor', next.waitingFor],
      ['lookedAt', next.lookedAt],
      ['awaiting', next.awaiting?.length ? next.awaiting : undefined],
      ['lineVersions', next.awaiting?.length ? next.lineVersions : undefined],
    ] as const) {
      if (value === undefined) remove.push(name);
      else {
        set.push(`${name} = :${name}`);
        values[`:${name}`] = value;
      }
    }
    return this.conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pkOf(e.orderId), sk: skOf(e.orderId, e.orderDate) },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'ticket = :t',
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** Removes the entry unless it was written again since it was read. */
  async remove(e: ReleaseQueueEntry): Promise<boolean> {
    return this.conditional(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: pkOf(e.orderId), sk: skOf(e.orderId, e.orderDate) },
          ConditionExpression: 'ticket = :t',
          ExpressionAttributeValues: { ':t': e.ticket },
        }),
      ),
    );
  }

  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
