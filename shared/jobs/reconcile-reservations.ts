/**
 * Reconcile reservations: for every SKU × facility the OMS holds a position or reservations for,
 * recompute the reserved quantity from the rows counted in it — the lines' reservation rows and the
 * adjustment holds (`RES#<facility>#ADJ#<adjustmentId>`, units a store reported stolen or damaged
 * that NetSuite's figure does not reflect yet) — repair the position when it drifted,
 * and refresh its stored ATP from NetSuite's latest figure. Each position is read, its rows
 * counted, and the position read again; only when its version did not move in between is the sum
 * trusted, and the repair is written under that version — so the job can run beside live traffic.
 *
 * Group-commit grants (`RES#<facility>#GRANT#<grantId>`, shared/orders/group-commit.ts) are counted
 * like the rows. A grant past its expiry was taken over by no order's transaction (its process
 * stopped between the two writes) and no transaction can take it any more: the job gives it back
 * (grant row deleted and reserved lowered in one transaction, idempotent) before counting. While a
 * position had a grant written within `GRANT_QUIET_MS`, an order's transaction may be turning a
 * grant into its reservation row without a position write, so a count of the rows could be torn:
 * the job then repairs nothing there (it reports the pair busy) and checks it again next run.
 *
 * It also lists the holds that outlive `OMS_HOLD_MAX_AGE_HOURS` (line reservation rows and
 * adjustment holds with units, not written for that long; `shared/inventory/stale-holds.ts`):
 * every hold should end once NetSuite's figure reflects it, so an old one needs a person.
 */
import { atpOf } from '../domain/reservations/availability.ts';
import type { HoldAgeReader, StaleHold } from '../inventory/stale-holds.ts';
import { GRANT_QUIET_MS, type PositionStore } from '../store/position-store.ts';
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
  /** Expired group-commit grants given back (their order never took them over). */
  readonly grantsReleased: number;
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
  let grantsReleased = 0;

  const check = async ({ sku, facilityId }: { sku: string; facilityId: string }) => {
    let swept = false;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 10, 500));
      const before = await positions.facility(sku, facilityId);
      const { reservations, holds, grants } = await positions.rowsAt(sku, facilityId);
      const nowMs = Date.parse(now());
      const expired = grants.filter((g) => Date.parse(g.expiresAt) < nowMs);
      if (expired.length && !swept) {
        swept = true;
        try {
          for (const g of expired) {
            if ((await positions.grants.release(g, now())) === 'released') grantsReleased++;
          }
        } catch {
          break;
        }
        attempt--;
        continue;
      }
      const after = await positions.facility(sku, facilityId);
      if (before.position.v !== after.position.v) continue;
      const rows = [...reservations, ...holds, ...grants];
      const sum = rows.reduce((n, r) => n + r.qty, 0);
      const p = after.position;
      const nsQty = after.nsQty ?? 0;
      const atp = atpOf({ nsQty, reserved: sum, safety: p.safety });
      if (sum === p.reserved && p.atp === atp && p.nsQtySeen === nsQty) return;
      if (p.v === 0 && sum === 0) return;
      // A grant may be turning into a row right now without a position write: no repair yet.
      if (sum !== p.reserved && p.lastGrantAt && nowMs - Date.parse(p.lastGrantAt) < GRANT_QUIET_MS)
        break;
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
    grantsReleased,
    busy: busy.sort(order),
    ...(staleHolds ? { staleHolds } : {}),
    ms: Date.now() - started,
  };
}
