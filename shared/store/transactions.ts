/**
 * TransactWriteItems helpers: items carry a label so that a cancelled transaction can be read
 * reason by reason (which condition failed, or whether another transaction got in the way).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A write of another module that commits with an order command or not at all. Its label starts
 * with `linked:`; when its condition fails the command changes nothing (LinkedConditionFailed).
 * Stores build them (e.g. `SyncStore.linkedOutboxPut`); services only pass them on.
 */
export interface LinkedWrite {
  readonly label: `linked:${string}`;
  readonly item: TxItem;
}

export class LabelledTx {
  readonly items: TxItem[] = [];
  readonly labels: string[] = [];

  add(label: string, item: TxItem): this {
    this.items.push(item);
    this.labels.push(label);
    return this;
  }
}

/** Why a transaction was cancelled: the labels whose condition failed, and conflicts. */
export interface Cancellation {
  /** Labels of items whose ConditionExpression failed. */
  readonly failed: ReadonlySet<string>;
  /** Another transaction or request was working on one of the items (retry). */
  readonly conflict: boolean;
  /** Throttled or capacity exceeded (retry with backoff). */
  readonly throttled: boolean;
  readonly codes: readonly string[];
}

export function readCancellation(
  err: unknown,
  labels: readonly string[],
): Cancellation | undefined {
  if (
    !(err instanceof TransactionCanceledException) &&
    (err as { name?: string })?.name !== 'TransactionCanceledException'
  ) {
    return undefined;
  }
  const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
  const failed = new Set<string>();
  let conflict = false;
  let throttled = false;
  reasons.forEach((r, i) => {
    const code = r.Code ?? 'None';
    if (code === 'ConditionalCheckFailed') failed.add(labels[i] ?? `#${i}`);
    else if (code === 'TransactionConflict') conflict = true;
    else if (code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded')
      throttled = true;
  });
  return { failed, conflict, throttled, codes: reasons.map((r) => r.Code ?? 'None') };
}

/** Exponential backoff with full jitter. */
export function backoffMs(attempt: number, baseMs = 4, capMs = 250): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
