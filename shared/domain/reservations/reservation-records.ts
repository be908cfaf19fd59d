/**
 * The records that hold units at a facility for an order line, as the order commands plan them
 * and the inventory store keeps them: a line's reservation row, and a group commit's grant (units
 * reserved ahead for one order's move until its own transaction takes them over).
 */

/** A line's reservation at a facility: `qty` units counted in the position's reserved. */
export interface Reservation {
  readonly sku: string;
  readonly facilityId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly qty: number;
}

/** Units reserved by a group commit for one order's move, until its transaction takes them over. */
export interface ReservationGrant {
  readonly sku: string;
  readonly facilityId: string;
  readonly grantId: string;
  /** Units (> 0). */
  readonly qty: number;
  readonly orderId: string;
  readonly lineSeq: string;
  /** After this (ISO) the order's transaction can no longer take it over. */
  readonly expiresAt: string;
}
