/**
 * The operator console's third view, "waiting records": customers, orders and deposits waiting
 * for their NetSuite id (oldest first, with why: a mapping missing, a required field, refused by
 * NetSuite, or sent and not answered yet); orders a release gate holds, and by which gate; orders
 * parked as unfillable or backordered, with their auto-cancel date. Read only.
 */
import {
  BACKORDER_PARKING,
  UNFILLABLE_HOLD,
  UNFILLABLE_PARKING,
} from '../domain/brokering/queues.ts';
import type { BrokeringStore } from '../store/brokering-store.ts';
import type { ReleaseQueueStore } from '../store/release-queue-store.ts';
import type { OutboxFeed, SyncStore } from '../store/sync-store.ts';

export interface WaitingIdRecord {
  readonly id: string;
  readonly since: string;
  readonly sends: number;
  readonly lastSentAt?: string;
  readonly why: string;
  /** `mapping`, `required-field`, `refused`, `sent`, `not-sent` (for filtering). */
  readonly cause:
    'mapping' | 'item-unknown' | 'required-field' | 'refused' | 'sent' | 'not-sent' | 'held';
}

export interface WaitingView {
  readonly at: string;
  readonly ids: ReadonlyArray<{
    readonly outbox: OutboxFeed;
    readonly title: string;
    readonly total: number;
    /** Oldest first, at most `LIMIT`. */
    readonly records: readonly WaitingIdRecord[];
  }>;
  readonly held: ReadonlyArray<{
    readonly orderId: string;
    readonly orderDate: string;
    readonly heldSince?: string;
    readonly gates: string;
    readonly attempts: number;
  }>;
  readonly parked: ReadonlyArray<{
    readonly queue: string;
    readonly orderId: string;
    readonly orderDate: string;
    readonly since: string;
    readonly autoCancelAt?: string;
    readonly reason?: string;
  }>;
}

const LIMIT = 100;

const ID_OUTBOXES: ReadonlyArray<{ outbox: OutboxFeed; title: string }> = [
  { outbox: 'customer', title: 'Customers' },
  { outbox: 'salesorder', title: 'Orders' },
  { outbox: 'deposit', title: 'Deposits' },
];

/** Why a record waits, in words, and the kind of cause. */
export function waitingCause(e: {
  sends: number;
  heldBack?: string;
  refused?: string;
}): Pick<WaitingIdRecord, 'why' | 'cause'> {
  if (e.refused) return { why: e.refused, cause: 'refused' };
  if (e.heldBack) {
    const h = e.heldBack;
    const cause = /item id for SKU/i.test(h)
      ? 'item-unknown'
      : /mapping|no netsuite id/i.test(h)
        ? 'mapping'
        : /required field|missing/i.test(h)
          ? 'required-field'
          : 'held';
    return { why: h, cause };
  }
  return e.sends > 0
    ? { why: `sent ${e.sends} time(s); NetSuite has not returned its id yet`, cause: 'sent' }
    : { why: 'not sent yet (next export run)', cause: 'not-sent' };
}

/** Where the view reads: the NetSuite outboxes, the release queue, the brokering queues. */
export interface WaitingDeps {
  readonly sync: Pick<SyncStore, 'entries'>;
  readonly release: Pick<ReleaseQueueStore, 'entries'>;
  readonly brokering: Pick<BrokeringStore, 'queue'>;
}

export async function consoleWaiting(deps: WaitingDeps, now = new Date()): Promise<WaitingView> {
  const [ids, releaseEntries, parked] = await Promise.all([
    Promise.all(
      ID_OUTBOXES.map(async ({ outbox, title }) => {
        const records: WaitingIdRecord[] = [];
        for await (const page of deps.sync.entries(outbox)) {
          for (const e of page) {
            records.push({
              id: e.id,
              since: e.createdAt,
              sends: e.state.sends,
              lastSentAt: e.state.lastSentAt,
              ...waitingCause({
                sends: e.state.sends,
                heldBack: e.state.heldBack,
                refused:
                  e.refusal && !e.refusal.resentAt
                    ? `refused by NetSuite: ${e.refusal.message}`
                    : undefined,
              }),
            });
          }
        }
        records.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
        return { outbox, title, total: records.length, records: records.slice(0, LIMIT) };
      }),
    ),
    deps.release.entries(),
    Promise.all(
      [UNFILLABLE_PARKING, UNFILLABLE_HOLD, BACKORDER_PARKING].map(async (q) =>
        (await deps.brokering.queue(q)).map((e) => ({
          queue: e.queue,
          orderId: e.orderId,
          orderDate: e.orderDate,
          since: e.enqueuedAt,
          autoCancelAt: e.autoCancelAt,
          reason: e.reason,
        })),
      ),
    ),
  ]);
  const held = releaseEntries
    .filter((e) => e.heldSince || e.waitingFor)
    .map((e) => ({
      orderId: e.orderId,
      orderDate: e.orderDate,
      heldSince: e.heldSince,
      gates: e.waitingFor ?? e.reason ?? 'a release gate',
      attempts: e.attempts ?? 0,
    }))
    .sort((a, b) => ((a.heldSince ?? a.orderDate) < (b.heldSince ?? b.orderDate) ? -1 : 1))
    .slice(0, LIMIT);
  return {
    at: now.toISOString(),
    ids,
    held,
    parked: parked
      .flat()
      .sort((a, b) => (a.orderDate < b.orderDate ? -1 : 1))
      .slice(0, LIMIT),
  };
}
