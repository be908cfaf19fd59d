/**
 * Reconcile reservations: for every SKU × facility the OMS holds a position or reservations for,
 * recompute the reserved quantity from the reservation rows, repair the position when it drifted,
 * and refresh its stored ATP from NetSuite's latest figure. Each position is read, its rows
 * counted, and the position read again; only when its version did not move in between is the sum
 * trusted, and the repair is written under that version — so the job can run beside live traffic.
 */
import { atpOf } from '../domain/reservations/availability.ts';
import type { PositionStore } from '../store/position-store.ts';
import { backoffMs, sleep } from '../store/transactions.ts';

export interface ReconcileFix {
  readonly sku: string;
  readonly facilityId: string;
  /** Reserved quantity on the position before the repair. */
  readonly was: number;
  /** Σ of the reservation rows, now on the position. */
  readonly now: number;
  readonly rows: number;
}

export interface ReconcileReport {
  /** SKU × facility pairs checked. */
  readonly checked: number;
  /** Positions whose reserved quantity drifted from their reservation rows, now repaired. */
  readonly fixed: ReconcileFix[];
  /** Positions whose stored ATP was stale (NetSuite's figure changed) and was recomputed. */
  readonly atpRefreshed: number;
  /** Pairs that kept changing while being checked (live traffic); checked again next run. */
  readonly busy: Array<{ sku: string; facilityId: string }>;
  readonly ms: number;
}

export interface ReconcileOptions {
  /** Only these SKUs (default: every SKU with a position or reservation). */
  readonly skus?: readonly string[];
  readonly now?: () => string;
  readonly attempts?: number;
  readonly concurrency?: number;
}

export async function reconcileReservations(
  positions: PositionStore,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date().toISOString());
  const attempts = options.attempts ?? 8;
  let keys: Array<{ sku: string; facilityId: string }>;
  if (options.skus) {
    keys = [];
    for (const sku of options.skus) {
      const { positions: pos, reservations } = await positions.sku(sku);
      const facilities = new Set([...pos.keys(), ...reservations.map((r) => r.facilityId)]);
      for (const facilityId of [...facilities].sort()) keys.push({ sku, facilityId });
    }
  } else {
    keys = await positions.scanPositionKeys();
  }

  const fixed: ReconcileFix[] = [];
  const busy: Array<{ sku: string; facilityId: string }> = [];
  let atpRefreshed = 0;

  const check = async ({ sku, facilityId }: { sku: string; facilityId: string }) => {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 10, 500));
      const before = await positions.facility(sku, facilityId);
      const rows = await positions.reservationsAt(sku, facilityId);
      const after = await positions.facility(sku, facilityId);
      if (before.position.v !== after.position.v) continue;
      const sum = rows.reduce((n, r) => n + r.qty, 0);
      const p = after.position;
      const nsQty = after.nsQty ?? 0;
      const atp = atpOf({ nsQty, reserved: sum, safety: p.safety });
      if (sum === p.reserved && p.atp === atp && p.nsQtySeen === nsQty) return;
      if (p.v === 0 && sum === 0) return;
      if (!(await positions.writePosition(after, { reserved: sum }, now()))) continue;
      if (sum !== p.reserved) {
        fixed.push({ sku, facilityId, was: p.reserved, now: sum, rows: rows.length });
      } else {
        atpRefreshed++;
      }
      return;
    }
    busy.push({ sku, facilityId });
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 8, keys.length) }, async () => {
      for (let i = next++; i < keys.length; i = next++) await check(keys[i]!);
    }),
  );
  const order = (a: { sku: string; facilityId: string }, b: { sku: string; facilityId: string }) =>
    a.sku === b.sku ? a.facilityId.localeCompare(b.facilityId) : a.sku.localeCompare(b.sku);
  return {
    checked: keys.length,
    fixed: fixed.sort(order),
    atpRefreshed,
    busy: busy.sort(order),
    ms: Date.now() - started,
  };
}
