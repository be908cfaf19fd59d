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
 *
 * `commitShared` writes several orders' commands that reserve at one SKU × facility in one
 * transaction (the group commit, shared/orders/group-commit.ts): the position once, for their
 * sum, then each order's own items with its labels prefixed `<member>|`.
 */
import type { InventoryWrite, OrderWrites } from '../domain/orders/order-writes.ts';
import type { FacilityFigures } from '../domain/reservations/facility-figures.ts';
import { TxCancelled, type OrderStore } from './order-store.ts';
import type { PositionStore } from './position-store.ts';
import { LabelledTx, type LinkedWrite, type TxItem } from './transactions.ts';

/** DynamoDB's limit of items in one transaction. */
const TX_ITEMS = 100;

/** How a shared transaction (`commitShared`) ended. */
export type SharedCommit = {
  /** The members (indexes into those given) that were in the transaction. */
  readonly included: readonly number[];
} & (
  | { readonly outcome: 'committed' }
  /** The position's bound (or NetSuite's figure) no longer allows the sum: nothing written. */
  | { readonly outcome: 'refused' }
  /** Another writer held the position (or DynamoDB throttled): nothing written, try again. */
  | { readonly outcome: 'raced' }
  /**
   * Conditions of some members' own items failed (or their items raced): nothing written. Those
   * members' failures, as `commit` would have answered them; the others may go again at once.
   */
  | { readonly outcome: 'members'; readonly failures: ReadonlyMap<number, CommitFailure> }
);

/** The one reservation of a command's writes, when it reserves at one SKU × facility only. */
export function soleReservation(
  writes: OrderWrites<LinkedWrite>,
): { readonly facility: FacilityFigures; readonly qty: number } | undefined {
  const inventory = writes.inventory ?? [];
  const reserves = inventory.filter((w) => w.kind === 'reserve');
  const others = inventory.filter((w) => w.kind !== 'reserve' && w.kind !== 'reservation');
  const only = reserves[0];
  if (reserves.length !== 1 || others.length || only?.kind !== 'reserve' || only.delta <= 0) {
    return undefined;
  }
  return { facility: only.facility, qty: only.delta };
}

/** An item's table and key, to tell whether two writes touch the same item. */
function itemKey(item: TxItem): string {
  const [table, key] = item.Put
    ? [item.Put.TableName, item.Put.Item]
    : item.Update
      ? [item.Update.TableName, item.Update.Key]
      : item.Delete
        ? [item.Delete.TableName, item.Delete.Key]
        : [item.ConditionCheck?.TableName, item.ConditionCheck?.Key];
  const k = key as Record<string, unknown> | undefined;
  return `${table}\u0000${String(k?.pk)}\u0000${String(k?.sk)}`;
}

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
      await this.orders.commit(this.changeOf(writes, extra));
      return undefined;
    } catch (err) {
      if (!(err instanceof TxCancelled)) throw err;
      const c = err.cancellation;
      return failureOf(err, c.failed, c.conflict || c.throttled, facilities);
    }
  }

  /**
   * Commits the writes of several commands that each reserve at the same SKU × facility
   * (`soleReservation`) in one transaction: the position raised once by the sum of their units
   * under the bound of one reservation, with NetSuite's check (`PositionStore.reserveItems`), then
   * each member's own items as `commit` writes them, less its position write. Every unit is still
   * reserved under DynamoDB's condition on the position, and each order's rows are written in the
   * same transaction as the units they count (Σ rows = reserved at every commit).
   *
   * A member that would write an item an earlier member writes (two commands on one order line),
   * or that does not fit in the transaction's 100 items, is left out: not in `included`, for the
   * next transaction. Throws what the store throws when the outcome is unknown.
   */
  async commitShared(
    figures: FacilityFigures,
    members: readonly OrderWrites<LinkedWrite>[],
  ): Promise<SharedCommit> {
    const touched = new Set<string>();
    const memberTx = new LabelledTx();
    const included: number[] = [];
    let sum = 0;
    members.forEach((writes, i) => {
      const own = this.orders.changeTx(
        this.changeOf(writes, [
          ...(writes.inventory ?? []).flatMap((w) =>
            w.kind === 'reserve' ? [] : this.inventoryItems(w, writes.event.at),
          ),
          ...(writes.linked ?? []),
        ]),
        new LabelledTx(),
        `${i}|`,
      );
      const keys = own.items.map(itemKey);
      if (
        keys.some((k) => touched.has(k)) ||
        memberTx.items.length + own.items.length > TX_ITEMS - 2
      ) {
        return;
      }
      keys.forEach((k) => touched.add(k));
      own.items.forEach((item, n) => memberTx.add(own.labels[n]!, item));
      included.push(i);
      sum += soleReservation(writes)?.qty ?? 0;
    });
    if (!included.length) return { included, outcome: 'raced' };
    const { position, nsCheck } = this.positions.reserveItems(
      figures,
      sum,
      members[included[0]!]!.event.at,
    );
    const tx = new LabelledTx().add('position', position);
    if (nsCheck) tx.add('ns', nsCheck);
    memberTx.items.forEach((item, n) => tx.add(memberTx.labels[n]!, item));
    try {
      await this.orders.commitTx(tx);
      return { included, outcome: 'committed' };
    } catch (err) {
      if (!(err instanceof TxCancelled)) throw err;
      const c = err.cancellation;
      if (c.failed.has('position') || c.failed.has('ns')) return { included, outcome: 'refused' };
      const failures = new Map<number, CommitFailure>();
      for (const i of included) {
        const prefix = `${i}|`;
        const own = (labels: Iterable<string>) =>
          new Set(
            [...labels].filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)),
          );
        const failed = own(c.failed);
        const raced = own(tx.labels.filter((_, n) => c.codes[n] === 'TransactionConflict'));
        if (failed.size || raced.size) {
          failures.set(i, failureOf(err, failed, raced.size > 0, new Map()));
        }
      }
      if (failures.size) return { included, outcome: 'members', failures };
      return { included, outcome: 'raced' };
    }
  }

  private changeOf(
    writes: OrderWrites<LinkedWrite>,
    extra: ReadonlyArray<{ label: string; item: TxItem }>,
  ) {
    return {
      lines: writes.lines,
      event: writes.event,
      releases: writes.releases,
      shipments: writes.shipments,
      headerSet: writes.headerSet,
      extra,
    };
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
          item: this.positions.grants.consumeItem(w, new Date().toISOString()),
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

/** A cancelled transaction read for one command: the labels of its conditions that failed. */
function failureOf(
  error: TxCancelled,
  failedLabels: ReadonlySet<string>,
  raced: boolean,
  facilities: ReadonlyMap<string, { sku: string; facilityId: string }>,
): CommitFailure {
  const failed = [...failedLabels];
  return {
    error,
    failed: failedLabels,
    keyTaken: failedLabels.has('event'),
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
    raced,
  };
}
