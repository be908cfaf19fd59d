/**
 * NetSuite's open purchase orders (`purchaseorder/fulfillment`,
 * `external-id,product-sku,quantity,external-facility-id,item-external-id,arrival-date`): one PO
 * line a row. A PO line's ATP is its quantity less the pre-order quantity allocated to it.
 */
import { accept, parseQuantity, reject, type RowResult } from '../row-result.ts';

/** Values keyed by the catalog's column names. */
export type PurchaseOrderRecord = Readonly<
  Record<
    | 'external-id'
    | 'product-sku'
    | 'quantity'
    | 'external-facility-id'
    | 'item-external-id'
    | 'arrival-date',
    string
  >
>;

export interface PurchaseOrderRow {
  /** NetSuite's PO id (`external-id`). */
  readonly poId: string;
  /** The PO line (`item-external-id`). */
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  /** NetSuite location id of the receiving facility (`external-facility-id`). */
  readonly externalFacilityId: string;
  /** `YYYY-MM-DD` (the file has `MM/DD/YYYY`). */
  readonly arrivalDate: string;
}

export type PoStatus = 'open' | 'cancelled' | 'closed';

/** A PO line as the OMS keeps it. */
export interface PurchaseOrderLine {
  readonly poId: string;
  readonly lineId: string;
  readonly sku: string;
  /** OMS facility id the PO is received at. */
  readonly facilityId: string;
  readonly quantity: number;
  /** Pre-order quantity allocated to this line (order lines in 1250 promised on it). */
  readonly allocated: number;
  /** Allocated quantity that moved on to fulfilment after the PO arrived (consumed). */
  readonly released: number;
  /**
   * quantity − allocated − released: stored, the allocation's condition; negative when a later
   * file lowered the quantity below what is allocated.
   */
  readonly atp: number;
  readonly arrivalDate: string;
  readonly status: PoStatus;
  readonly updatedAt: string;
}

export interface PurchaseOrderHeader {
  readonly poId: string;
  readonly facilityId: string;
  readonly status: PoStatus;
  /** When a file last listed the PO (absence from the open list is measured from it). */
  readonly lastSeenAt: string;
  readonly lastFile: string;
  readonly firstSeenAt: string;
  readonly closedAt?: string;
  readonly closedReason?: string;
}

/** An id as NetSuite sends it: printable, no `#` (our key separator), at most 64 characters. */
const ID = /^[^\s#][^#]{0,63}$/;

const DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** `MM/DD/YYYY` (NetSuite also writes `M/D/YYYY`) → `YYYY-MM-DD`; undefined when not a date. */
export function parseUsDate(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return undefined;
  }
  return d.toISOString().slice(0, 10);
}

export function parsePurchaseOrderRow(rec: PurchaseOrderRecord): RowResult<PurchaseOrderRow> {
  const poId = rec['external-id'].trim();
  if (!poId) return reject('external-id', 'PO id is blank');
  if (!ID.test(poId)) return reject('external-id', `PO id "${poId}" is not a valid id`);
  const sku = rec['product-sku'].trim();
  if (!sku) return reject('product-sku', 'SKU is blank');
  const quantityText = rec.quantity.trim();
  const quantity = parseQuantity(quantityText);
  if (quantity === undefined) {
    return reject('quantity', `"${quantityText}" is not a whole quantity of 0 or more`);
  }
  const externalFacilityId = rec['external-facility-id'].trim();
  if (!externalFacilityId) return reject('external-facility-id', 'facility is blank');
  const lineId = rec['item-external-id'].trim();
  if (!lineId) return reject('item-external-id', 'PO line id is blank');
  if (!ID.test(lineId)) return reject('item-external-id', `PO line id "${lineId}" is not valid`);
  const dateText = rec['arrival-date'].trim();
  const arrivalDate = parseUsDate(dateText);
  if (!arrivalDate) return reject('arrival-date', `"${dateText}" is not a date (MM/DD/YYYY)`);
  return accept({ poId, lineId, sku, quantity, externalFacilityId, arrivalDate });
}
