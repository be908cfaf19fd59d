/**
 * Reconcile reservations: for every SKU × facility the OMS holds a position or reservations for,
 * recompute the reserved quantity from the rows counted in it — the lines' reservation rows and the
 * adjustment holds (`RES#<facility>#ADJ#<adjustmentId>`, units a store reported stolen or damaged
 * that NetSuite's figure does not reflect yet) — repair the position when it drifted,
 * and refresh its stored ATP from NetSuite's latest figure. Each position is read, its rows
 * counted, and the position read again; only when its version did not move in between is the sum
 * trusted, and the repair is written under that version — so the job can run beside live traffic.
 *
 * It also lists the holds that outlive `OMS_HOLD_MAX_AGE_HOURS` (line reservation rows and
 * adjustment holds with units, not written for that long; `shared/inventory/stale-holds.ts`):
 * every hold should end once NetSuite's figure reflects it, so an old one needs a person.
 */
import { atpOf } from '../domain/reservations/availability.ts';
import type { HoldAgeReader, StaleHold } from '../inventory/stale-holds.ts';
import type { PositionStore } from '../store/position-store.ts';
import { backoffMs, sleep } from '../store/transactions.ts';

export interface ReconcileFix {
  readonly sku: string;
  readonly facilityId: string;
  /** Reserved quantity on the position before the repair. */
  readonly was: number;
  /** Σ of the reservation rows and adjustment holds, now on the position. */
  readonly now: number;
  /** Reservation rows and adjustment holds counted. */
  readonly rows: number;
  /** Of which adjustment holds (left out when none). */
  readonly holds?: number;
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
  /** Holds older than the maximum age (when asked: `holdAges`). */
  readonly staleHolds?: StaleHoldsReport;
  readonly ms: number;
}

export interface StaleHoldsReport {
  readonly maxAgeHours: number;
  /** Holds (rows) older than that, and their units. */
  readonly count: number;
  readonly units: number;
  /** The oldest first, at most 50. */
  readonly holds: readonly StaleHold[];
}

export interface ReconcileOptions {
  /** Only these SKUs (default: every SKU with a position or reservation). */
  readonly skus?: readonly string[];
  readonly now?: () => string;
  readonly attempts?: number;
  readonly concurrency?: number;
  /** Also list holds older than `maxAgeHours` (`OMS_HOLD_MAX_AGE_HOURS`). */
  readonly holdAges?: {
    readonly reader: Pick<HoldAgeReader, 'olderThan'>;
    readonly maxAgeHours: number;
  };
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
      const { positions: pos, reservations, holds } = await positions.sku(sku);
      const facilities = new Set([
        ...pos.keys(),
        ...reservations.map((r) => r.facilityId),
        ...holds.map((h) => h.facilityId),
      ]);
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
      const { reservations, holds } = await positions.rowsAt(sku, facilityId);
      const after = await positions.facility(sku, facilityId);
      if (before.position.v !== after.position.v) continue;
      const rows = [...reservations, ...holds];
      const sum = rows.reduce((n, r) => n + r.qty, 0);
      const p = after.position;
      const nsQty = after.nsQty ?? 0;
      const atp = atpOf({ nsQty, reserved: sum, safety: p.safety });
      if (sum === p.reserved && p.atp === atp && p.nsQtySeen === nsQty) return;
      if (p.v === 0 && sum === 0) return;
      if (!(await positions.writePosition(after, { reserved: sum }, now()))) continue;
      if (sum !== p.reserved) {
        fixed.push({
          sku,
          facilityId,
          was: p.reserved,
          now: sum,
          rows: rows.length,
          ...(holds.length ? { holds: holds.length } : {}),
        });
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
  let staleHolds: StaleHoldsReport | undefined;
  if (options.holdAges) {
    const { reader, maxAgeHours } = options.holdAges;
    const nowMs = Date.parse(now());
    const holds = await reader.olderThan(new Date(nowMs - maxAgeHours * 3_600_000).toISOString(), {
      skus: options.skus,
      nowMs,
    });
    staleHolds = {
      maxAgeHours,
      count: holds.length,
      units: holds.reduce((n, h) => n + h.units, 0),
      holds: holds.slice(0, 50),
    };
  }
  return {
    checked: keys.length,
    fixed: fixed.sort(order),
    atpRefreshed,
    busy: busy.sort(order),
    ...(staleHolds ? { staleHolds } : {}),
    ms: Date.now() - started,
  };
}
