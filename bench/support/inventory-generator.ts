/**
 * A NetSuite-style inventory snapshot: SKU-major rows over F facilities, deterministic figures,
 * and a sprinkling of bad rows (one in a thousand) of the kinds NetSuite files do carry.
 */
import type { SnapshotRow } from '../../shared/domain/inventory-snapshot.ts';

export const HEADER = 'Item,externalFacilityId,availableQty,idValue';
export const FACILITIES = 100;

export const facilityExternalId = (f: number) => String(1000 + f);
export const skuOf = (s: number) => `SKU-${String(s).padStart(7, '0')}`;

/** The quantity of SKU s at facility f in snapshot generation g (g changes a share of figures). */
export const quantityOf = (s: number, f: number, g = 0) =>
  ((s * 7919 + f * 104729 + g * 31) % 500) + 1;

const BAD = [
  (s: number, f: number) => `,${facilityExternalId(f)},5,${200000 + s}`, // blank SKU
  (s: number, f: number) => `${skuOf(s)},${facilityExternalId(f)},-3,${200000 + s}`, // negative
  (s: number) => `${skuOf(s)},999999,5,${200000 + s}`, // unknown facility
  (s: number, f: number) => `${skuOf(s)},${facilityExternalId(f)},ten,${200000 + s}`, // not a number
];

export const isBadRow = (i: number) => i % 1000 === 999;

export interface GeneratedRow {
  readonly index: number;
  readonly line: string;
  /** Set for a good row. */
  readonly row?: SnapshotRow;
}

export function* snapshotRows(rows: number, generation = 0): Generator<GeneratedRow> {
  for (let i = 0; i < rows; i++) {
    const s = Math.floor(i / FACILITIES);
    const f = i % FACILITIES;
    if (isBadRow(i)) {
      yield { index: i, line: BAD[Math.floor(i / 1000) % BAD.length]!(s, f) };
      continue;
    }
    const row: SnapshotRow = {
      sku: skuOf(s),
      facilityId: facilityExternalId(f),
      availableQty: quantityOf(s, f, generation),
      itemId: String(200000 + s),
    };
    yield { index: i, line: `${row.sku},${row.facilityId},${row.availableQty},${row.itemId}`, row };
  }
}

export const goodRowCount = (rows: number) => {
  let n = 0;
  for (let i = 0; i < rows; i++) if (!isBadRow(i)) n++;
  return n;
};

/** NetSuite names its export files with JavaScript's Date.toString(). */
export const netsuiteFileName = (date: Date, suffix = 'InventoryItemExport') =>
  `${date.toString()}-${suffix}.csv`;
