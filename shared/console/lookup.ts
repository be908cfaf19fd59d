/**
 * A SKU per facility, as customer service and operators look it up: NetSuite's figure (and the
 * file it came from), reserved units, reservations, adjustment holds NetSuite does not reflect
 * yet, safety stock and availability. `oms inventory show` and the console's SKU lookup print
 * this one read.
 */
import { atpOf } from '../domain/reservations/availability.ts';
import type { FacilityFigure, InventoryStore } from '../store/inventory-store.ts';
import type { PositionStore } from '../store/position-store.ts';

/** Where a lookup reads: NetSuite's figures, and the positions with their reservations. */
export interface SkuLookupDeps {
  readonly inventory: Pick<InventoryStore, 'figuresForSku'>;
  readonly positions: Pick<PositionStore, 'sku'>;
}

export type SkuFacilityRow = Partial<FacilityFigure> & {
  readonly sku: string;
  readonly facilityId: string;
  readonly nsQty: number;
  readonly reserved: number;
  readonly safety: number;
  /** Live: NetSuite's figure now − reserved − safety stock (never below 0). */
  readonly atp: number;
  /** As stored at the last reservation write (for queries); the reconcile job refreshes it. */
  readonly storedAtp?: number;
  /** Reservation rows (order lines holding units here). */
  readonly reservations: number;
  /** Units of adjustment holds (stolen, damaged) NetSuite's figure does not reflect yet. */
  readonly held: number;
};

export async function skuFacilities(sku: string, deps: SkuLookupDeps): Promise<SkuFacilityRow[]> {
  const figures = await deps.inventory.figuresForSku(sku);
  const { positions, reservations, holds } = await deps.positions.sku(sku);
  const facilities = [
    ...new Set([...figures.map((f) => f.facilityId), ...positions.keys()]),
  ].sort();
  return facilities.map((facilityId) => {
    const f = figures.find((x) => x.facilityId === facilityId);
    const p = positions.get(facilityId);
    const reserved = p?.reserved ?? 0;
    const safety = p?.safety ?? 0;
    return {
      ...f,
      sku,
      facilityId,
      nsQty: f?.nsQty ?? 0,
      reserved,
      safety,
      atp: atpOf({ nsQty: f?.nsQty ?? 0, reserved, safety }),
      storedAtp: p?.atp,
      reservations: reservations.filter((r) => r.facilityId === facilityId).length,
      held: holds.filter((h) => h.facilityId === facilityId).reduce((n, h) => n + h.qty, 0),
    };
  });
}

export async function skuLookup(
  sku: string,
  deps: SkuLookupDeps,
): Promise<{ sku: string; facilities: SkuFacilityRow[] }> {
  return { sku, facilities: await skuFacilities(sku, deps) };
}
