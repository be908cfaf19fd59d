/**
 * The availability rule (ATP) per SKU × facility.
 *
 *   ATP = NetSuite's available quantity (nsQty) − reserved − safety stock, never shown below 0.
 *
 * `reserved` is the quantity of lines in 1200 (Allocated) and 1500 (Scheduled) at the facility.
 * A reservation of q is allowed only when nsQty ≥ reserved + q + safety, so through brokering ATP
 * never goes below 0 (and stock never below the safety stock). DynamoDB condition expressions
 * cannot do arithmetic, so the writer computes `needed = reserved + q + safety` from the figures it
 * read, and the transaction checks `nsQty >= :needed` on NetSuite's item together with the version
 * it read on the OMS's own position item: if either moved, the write is refused and retried.
 */

export interface PositionFigures {
  /** NetSuite's quantity available (the latest snapshot); 0 when NetSuite reported none. */
  readonly nsQty: number;
  /** Quantity reserved by lines in 1200/1500 at the facility. */
  readonly reserved: number;
  readonly safety: number;
}

export const atpOf = (f: PositionFigures): number => Math.max(0, f.nsQty - f.reserved - f.safety);

/** The NetSuite figure a reservation of `q` needs, given what is reserved already. */
export const nsQtyNeeded = (f: Omit<PositionFigures, 'nsQty'>, q: number): number =>
  f.reserved + q + f.safety;

export const canReserve = (f: PositionFigures, q: number): boolean => f.nsQty >= nsQtyNeeded(f, q);
