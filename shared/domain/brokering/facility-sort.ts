/**
 * An inventory rule's facility sorts, applied in the order listed; ties fall to the next sort and
 * finally to the facility id, so the order is deterministic. Pure.
 *
 * - `distance`: nearest to the ship-to address first; unknown distance last.
 * - `inventoryBalance`: most usable stock of the pending lines (summed) first.
 * - `customSequence`: lowest facility `sequence` first; none last.
 */
import type { Candidate } from './facility-filter.ts';
import type { FacilitySort } from './routing-config.ts';

const balance = (c: Candidate) => c.stock.reduce((n, s) => n + s.usable, 0);

/** Compares two optional numbers, missing last; `desc` reverses present values only. */
function compareOptional(x: number | undefined, y: number | undefined, desc = false): number {
  if (x === y) return 0;
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return desc ? y - x : x - y;
}

const comparators: Record<FacilitySort, (a: Candidate, b: Candidate) => number> = {
  distance: (a, b) => compareOptional(a.distanceKm, b.distanceKm),
  inventoryBalance: (a, b) => compareOptional(balance(a), balance(b), true),
  customSequence: (a, b) => compareOptional(a.facility.sequence, b.facility.sequence),
};

/** The candidates in the rule's sort order (a new array). */
export function sortFacilities(
  candidates: readonly Candidate[],
  sorts: readonly FacilitySort[],
): Candidate[] {
  return [...candidates].sort((a, b) => {
    for (const s of sorts) {
      const d = comparators[s](a, b);
      if (d !== 0) return d;
    }
    const x = a.facility.facilityId;
    const y = b.facility.facilityId;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
