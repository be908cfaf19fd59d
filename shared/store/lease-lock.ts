/**
 * A named lease lock in the control table, with a "dirty" marker that says which holder was
 * interrupted mid-work. Used to run the inventory snapshot files one at a time.
 */
import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { log } from '../platform/log.ts';

export class LockBusyError extends Error {
  constructor(name: string, holder: string) {
    super(`lock ${name} is held by ${holder}`);
    this.name = 'LockBusyError';
  }
}

export interface Acquired {
  /** The holder that marked the protected state dirty and did not finish, if any. */
  readonly dirtyBy?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LeaseLock {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly name: string,
  ) {}

  private get key() {
    return { pk: { S: `LOCK#${this.name}` }, sk: { S: 'LOCK' } };
  }

  /** Takes the lock, waiting up to `waitMs` for another holder's lease to end. */
  async acquire(owner: string, leaseMs: number, waitMs = 0): Promise<Acquired> {
    const deadline = Date.now() + waitMs;
    let waiting = false;
    for (;;) {
      const now = Date.now();
      try {
        const out = await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: this.key,
            UpdateExpression: 'SET holder = :owner, leaseUntil = :until',
            ConditionExpression:
              'attribute_not_exists(holder) OR holder = :owner OR leaseUntil < :now',
            ExpressionAttributeValues: {
              ':owner': { S: owner },
              ':until': { N: String(now + leaseMs) },
              ':now': { N: String(now) },
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { dirtyBy: out.Attributes?.dirtyBy?.S };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        const holder = err.Item?.holder?.S ?? 'another import';
        if (!waiting) {
          // Said once per wait: a file that waits here holds its queue, and must not do so silently.
          waiting = true;
          log.info('waiting for a lock', {
            lock: this.name,
            owner,
            holder,
            leaseUntil: new Date(Number(err.Item?.leaseUntil?.N ?? 0)).toISOString(),
          });
        }
        if (Date.now() > deadline) throw new LockBusyError(this.name, holder);
        await sleep(500 + Math.random() * 500);
      }
    }
  }

  /** Extends the lease and records that `owner` is changing the protected state. */
  async markDirty(owner: string, leaseMs: number): Promise<void> {
    await this.update(owner, 'SET dirtyBy = :owner, leaseUntil = :until', leaseMs);
  }

  async renew(owner: string, leaseMs: number): Promise<void> {
    await this.update(owner, 'SET leaseUntil = :until', leaseMs);
  }

  /** Releases the lock; `clean` also clears the dirty marker. */
  async release(owner: string, clean: boolean): Promise<void> {
    await this.update(owner, clean ? 'REMOVE holder, dirtyBy' : 'REMOVE holder', 0).catch(
      (err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      },
    );
  }

  private async update(owner: string, expression: string, leaseMs: number): Promise<void> {
    const values: Record<string, { S: string } | { N: string }> = { ':owner': { S: owner } };
    if (expression.includes(':until')) values[':until'] = { N: String(Date.now() + leaseMs) };
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key,
        UpdateExpression: expression,
        ConditionExpression: 'holder = :owner',
        ExpressionAttributeValues: values,
      }),
    );
  }
}
