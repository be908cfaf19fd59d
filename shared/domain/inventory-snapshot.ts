/**
 * The NetSuite inventory snapshot row (`Item,externalFacilityId,availableQty,idValue`): NetSuite's
 * quantity available of one item at one location, at the time of the export.
 */
import { keyPartTooLong, PARTITION_KEY_MAX_BYTES } from './key-limits.ts';
import { accept, parseQuantity, reject, type RowResult } from './row-result.ts';

/**
 * A NetSuite internal id as NetSuite writes it: a whole number from 1, no sign, no leading zero,
 * at most 18 digits (item internal ids are record numbers: `5001`, `103333`).
 */
export const NETSUITE_INTERNAL_ID = /^[1-9][0-9]{0,17}$/;

export interface SnapshotRow {
  /** OMS SKU (NetSuite's `Item`). */
  readonly sku: string;
  /** NetSuite location id (`externalFacilityId`). */
  readonly facilityId: string;
  /** NetSuite's quantity available, a whole number ≥ 0. */
  readonly availableQty: number;
  /**
   * NetSuite item internal id (`idValue`); may be blank — NetSuite leaves a field it has no value
   * for empty, and an empty cell leaves the stored id as it is (the import never erases one).
   */
  readonly itemId: string;
}

/** Values keyed by the catalog's column names. */
export type SnapshotRecord = Readonly<
  Record<'Item' | 'externalFacilityId' | 'availableQty' | 'idValue', string>
>;

export function parseSnapshotRow(rec: SnapshotRecord): RowResult<SnapshotRow> {
  const sku = rec.Item.trim();
  if (!sku) return reject('Item', 'SKU is blank');
  // The SKU is the inventory item's partition key, whole (docs/inventory.md, "Limits").
  const long = keyPartTooLong('SKU', sku, PARTITION_KEY_MAX_BYTES);
  if (long) return reject('Item', long);
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
  if (itemId && !NETSUITE_INTERNAL_ID.test(itemId)) {
    return reject(
      'idValue',
      `NetSuite item id "${itemId.length > 40 ? `${itemId.slice(0, 40)}…` : itemId}" is not a NetSuite internal id (a whole number from 1, at most 18 digits, no leading zero)`,
    );
  }
  return accept({ sku, facilityId, availableQty, itemId });
}

/** The identity of a snapshot figure: one item at one location. */
export const snapshotKey = (row: Pick<SnapshotRow, 'sku' | 'facilityId'>): string =>
  `${row.sku}\u0000${row.facilityId}`;
