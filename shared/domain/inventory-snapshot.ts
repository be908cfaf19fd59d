/**
 * The NetSuite inventory snapshot row (`Item,externalFacilityId,availableQty,idValue`): NetSuite's
 * quantity available of one item at one location, at the time of the export.
 */
import { accept, parseQuantity, reject, type RowResult } from './row-result.ts';

export interface SnapshotRow {
  /** OMS SKU (NetSuite's `Item`). */
  readonly sku: string;
  /** NetSuite location id (`externalFacilityId`). */
  readonly facilityId: string;
  /** NetSuite's quantity available, a whole number ≥ 0. */
  readonly availableQty: number;
  /** NetSuite item internal id (`idValue`); may be blank. */
  readonly itemId: string;
}

/** Values keyed by the catalog's column names. */
export type SnapshotRecord = Readonly<
  Record<'Item' | 'externalFacilityId' | 'availableQty' | 'idValue', string>
>;

export function parseSnapshotRow(rec: SnapshotRecord): RowResult<SnapshotRow> {
  const sku = rec.Item.trim();
  if (!sku) return reject('Item', 'SKU is blank');
  const facilityId = rec.externalFacilityId.trim();
  if (!facilityId) return reject('externalFacilityId', 'facility id is blank');
  const raw = rec.availableQty.trim();
  if (!raw) return reject('availableQty', 'quantity is blank');
  const availableQty = parseQuantity(raw);
  if (availableQty === undefined) {
    return reject(
      'availableQty',
      /^-\d/.test(raw)
        ? `quantity "${raw}" is negative`
        : `quantity "${raw}" is not a whole number`,
    );
  }
  const itemId = rec.idValue.trim();
  if (itemId && !/^\d+$/.test(itemId)) {
    return reject('idValue', `NetSuite item id "${itemId}" is not a numeric internal id`);
  }
  return accept({ sku, facilityId, availableQty, itemId });
}

/** The identity of a snapshot figure: one item at one location. */
export const snapshotKey = (row: Pick<SnapshotRow, 'sku' | 'facilityId'>): string =>
  `${row.sku}\u0000${row.facilityId}`;
