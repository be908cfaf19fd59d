/**
 * Commits an order command's writes (OrderWrites, described by the domain planners) as one
 * TransactWriteItems: the order-table items from OrderStore, the inventory items (position change,
 * NetSuite-figure checks, reservation rows) from PositionStore, the caller's linked writes. Each
 * item carries a label; a cancelled transaction comes back as a CommitFailure that names the
 * conditions that failed:
 *
 *   event                         the idempotency key was used already (a replay)
 *   line:<seq>                    the line's version moved
 *   position:<sku>:<facility>     the position no longer allows the change (reserved by others,
 *                                 safety stock changed)
 *   ns:<sku>:<facility>           NetSuite's figure no longer covers it / is not the one read
 *   reservation:<seq>:<facility>  the line's reservation row (no condition)
 *   grant:<sku>:<facility>        a group-commit grant the command takes over is gone or expired
 *   linked:…                      a linked write's own condition
 */
import type { InventoryWrite, OrderWrites } from '../domain/orders/order-writes.ts';
import { TxCancelled, type OrderStore } from './order-store.ts';
import type { PositionStore } from './position-store.ts';
import type { LinkedWrite, TxItem } from './transactions.ts';

/** Why a command's transaction was cancelled, by condition. */
export interface CommitFailure {
  /** The cancellation as the store threw it (rethrown when the command cannot go on). */
  readonly error: TxCancelled;
  /** Labels of every condition that failed. */
  readonly failed: ReadonlySet<string>;
  /** The idempotency key is taken: the command may be a replay. */
  readonly keyTaken: boolean;
  /** Lines whose version moved. */
  readonly lines: readonly string[];
  /** Facilities whose position or NetSuite figure moved. */
  readonly inventory: ReadonlyArray<{ readonly sku: string; readonly facilityId: string }>;
  /** Linked writes whose condition failed. */
  readonly linked: ReadonlyArray<`linked:${string}`>;
  /** Another transaction held an item, or the table throttled: a lost race. */
  readonly raced: boolean;
}

export class OrderTransactions {
  constructor(
    private readonly orders: OrderStore,
    private readonly positions: PositionStore,
  ) {}

  /**
   * Commits the writes (inventory items stamped with the event's time); a cancelled transaction
   * is returned (what failed), not thrown.
   */
  async commit(writes: OrderWrites<LinkedWrite>): Promise<CommitFailure | undefined> {
    const now = writes.event.at;
    const facilities = new Map<string, { sku: string; facilityId: string }>();
    const extra: Array<{ label: string; item: TxItem }> = [];
    for (const w of writes.inventory ?? []) {
      for (const x of this.inventoryItems(w, now)) {
        if (x.facility) facilities.set(x.label, x.facility);
        extra.push(x);
      }
    }
    extra.push(...(writes.linked ?? []));
    try {
      await this.orders.commit({
        lines: writes.lines,
        event: writes.event,
        releases: writes.releases,
        shipments: writes.shipments,
        headerSet: writes.headerSet,
        extra,
      });
      return undefined;
    } catch (err) {
      if (!(err instanceof TxCancelled)) throw err;
      const c = err.cancellation;
      const failed = [...c.failed];
      return {
        error: err,
        failed: c.failed,
        keyTaken: c.failed.has('event'),
        lines: failed.filter((l) => l.startsWith('line:')).map((l) => l.slice('line:'.length)),
        inventory: [
          ...new Map(
            failed.flatMap((l) => {
              const f = facilities.get(l);
              return f ? [[`${f.sku}\u0000${f.facilityId}`, f] as const] : [];
            }),
          ).values(),
        ],
        linked: failed.filter((l): l is `linked:${string}` => l.startsWith('linked:')),
        raced: c.conflict || c.throttled,
      };
    }
  }

  /**
   * A commit refused before any write: the group commit could not reserve at the facility (its
   * figures no longer allow it), read as the position's condition failing in the transaction.
   */
  refused(f: { readonly sku: string; readonly facilityId: string }): CommitFailure {
    const label = `position:${f.sku}:${f.facilityId}`;
    const failed = new Set([label]);
    const error = new TxCancelled({
      failed,
      conflict: false,
      throttled: false,
      codes: ['ConditionalCheckFailed'],
    });
    return {
      error,
      failed,
      keyTaken: false,
      lines: [],
      inventory: [{ sku: f.sku, facilityId: f.facilityId }],
      linked: [],
      raced: false,
    };
  }

  private inventoryItems(
    w: InventoryWrite,
    now: string,
  ): Array<{ label: string; item: TxItem; facility?: { sku: string; facilityId: string } }> {
    if (w.kind === 'reservation') {
      return [
        {
          label: `reservation:${w.lineSeq}:${w.facilityId}`,
          item: this.positions.reservationItem(w, now),
        },
      ];
    }
    if (w.kind === 'grant') {
      const f = { sku: w.sku, facilityId: w.facilityId };
      return [
        {
          label: `grant:${f.sku}:${f.facilityId}`,
          // The clock when sent, not the event's time (taken before the grant): a transaction
          // sent after the grant expired must not take it over.
          item: this.positions.consumeGrantItem(w, new Date().toISOString()),
          facility: f,
        },
      ];
    }
    const f = { sku: w.facility.sku, facilityId: w.facility.facilityId };
    const at = `${f.sku}:${f.facilityId}`;
    if (w.kind === 'netsuite-unchanged') {
      return [{ label: `ns:${at}`, item: this.positions.netsuiteCheck(w.facility), facility: f }];
    }
    const { position, nsCheck } = this.positions.reserveItems(w.facility, w.delta, now);
    return [
      { label: `position:${at}`, item: position, facility: f },
      ...(nsCheck ? [{ label: `ns:${at}`, item: nsCheck, facility: f }] : []),
    ];
  }
}
