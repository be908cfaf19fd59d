/**
 * History events: one immutable record per command that changed something, written in the same
 * transaction as the change and keyed by the command's idempotency key (so the event is also the
 * record that makes a replay change nothing). Buckets can be rebuilt from them.
 */
import { STATUS, type Buckets, type StatusCode } from './status.ts';

export type EventType =
  | 'created'
  | 'moved'
  | 'release-held'
  | 'hold-added'
  | 'hold-lifted'
  | 'netsuite-ids'
  /** Several moves of one line in one write (a fulfillment, a cancellation): see `steps`. */
  | 'fulfilled'
  | 'cancelled'
  | 'backordered'
  /** Moves of several lines of one order in one write (a brokering decision). */
  | 'moved-lines'
  /** A shipment being picked was packed (no quantity moves). */
  | 'packed'
  /**
   * NetSuite's figure in force now reflects `quantity` promised units of the line at `facilityId`:
   * they stop counting against its availability (no quantity moves).
   */
  | 'reflected';

/** One move of a multi-step event. */
export interface EventStep {
  /** The line, in an order-wide event (`moved-lines`); else the event's line. */
  readonly lineSeq?: string;
  readonly from: StatusCode;
  readonly to: StatusCode;
  readonly quantity: number;
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
}

export interface LifecycleEvent {
  readonly type: EventType;
  readonly orderId: string;
  /** The line, for line events; absent for order-wide ones. */
  readonly lineSeq?: string;
  readonly from?: StatusCode;
  readonly to?: StatusCode;
  readonly quantity?: number;
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
  /** Hold codes added, lifted, or (release-held) the failing gates. */
  readonly holds?: readonly string[];
  /** For `fulfilled` / `cancelled`: the moves, in order. */
  readonly steps?: readonly EventStep[];
  /** For `created`: each line's ordered quantity, which starts in 1100. */
  readonly lines?: ReadonlyArray<{ readonly lineSeq: string; readonly quantity: number }>;
  readonly reason?: string;
  readonly actor: string;
  readonly idempotencyKey: string;
  readonly at: string;
  /** The line's version after the change (line events). */
  readonly lineVersion?: number;
}

/** Rebuilds every line's buckets from an order's events (in any order: moves commute on sums). */
export function bucketsFromEvents(events: readonly LifecycleEvent[]): Map<string, Buckets> {
  const out = new Map<string, Record<number, number>>();
  const add = (seq: string, status: number, q: number) => {
    const b = out.get(seq) ?? {};
    b[status] = (b[status] ?? 0) + q;
    if (b[status] === 0) delete b[status];
    out.set(seq, b);
  };
  for (const e of events) {
    if (e.type === 'created')
      for (const l of e.lines ?? []) add(l.lineSeq, STATUS.CREATED, l.quantity);
    if (e.type === 'moved' && e.lineSeq && e.from && e.to && e.quantity) {
      add(e.lineSeq, e.from, -e.quantity);
      add(e.lineSeq, e.to, e.quantity);
    }
    for (const step of e.steps ?? []) {
      const seq = step.lineSeq ?? e.lineSeq;
      if (!seq) continue;
      add(seq, step.from, -step.quantity);
      add(seq, step.to, step.quantity);
    }
  }
  return out as Map<string, Buckets>;
}
