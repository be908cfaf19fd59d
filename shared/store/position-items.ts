/**
 * The shapes of the OMS's inventory items (positions, reservation rows, adjustment holds,
 * reservation grants), their sort keys and how a stored item decodes: pure, no AWS imports. The
 * stores that read and write them: position-store.ts, adjustment-holds.ts, reservation-grants.ts.
 */
import type { Reservation, ReservationGrant } from '../domain/reservations/reservation-records.ts';

export type { Reservation, ReservationGrant };

export const POS_PREFIX = 'POS#';
export const RES_PREFIX = 'RES#';

export interface Position {
  readonly sku: string;
  readonly facilityId: string;
  readonly reserved: number;
  readonly safety: number;
  /** nsQty − reserved − safety (floored at 0) with the nsQty seen at the last write. */
  readonly atp: number;
  readonly nsQtySeen: number;
  /** Version; every write of the position increments it. 0 = no item yet. */
  readonly v: number;
  readonly updatedAt?: string;
  /**
   * When the last group-commit grant was written here (ISO): until `GRANT_QUIET_MS` after it, a
   * grant may be turning into a reservation row without a position write, so the reconcile job
   * does not trust a count of the rows to repair reserved.
   */
  readonly lastGrantAt?: string;
}

/** What a writer reads before reserving or releasing at one facility. */
export interface FacilityState {
  readonly sku: string;
  readonly facilityId: string;
  /** NetSuite's figure; undefined when the NS# item does not exist. */
  readonly nsQty?: number;
  readonly position: Position;
}

export const emptyPosition = (sku: string, facilityId: string): Position => ({
  sku,
  facilityId,
  reserved: 0,
  safety: 0,
  atp: 0,
  nsQtySeen: 0,
  v: 0,
});

export type Row = Record<string, unknown>;

export const toPosition = (sku: string, facilityId: string, item: Row | undefined): Position =>
  item
    ? {
        sku,
        facilityId,
        reserved: Number(item.reserved ?? 0),
        safety: Number(item.safety ?? 0),
        atp: Number(item.atp ?? 0),
        nsQtySeen: Number(item.nsQtySeen ?? 0),
        v: Number(item.v ?? 0),
        updatedAt: item.updatedAt as string | undefined,
        ...(item.lastGrantAt ? { lastGrantAt: String(item.lastGrantAt) } : {}),
      }
    : emptyPosition(sku, facilityId);

/** NetSuite's figure (absent: never imported) and the position at a facility, from their items. */
export const facilityState = (
  sku: string,
  facilityId: string,
  ns: Row | undefined,
  pos: Row | undefined,
): FacilityState => ({
  sku,
  facilityId,
  nsQty: ns ? Number(ns.nsQty ?? 0) : undefined,
  position: toPosition(sku, facilityId, pos),
});

export const reservationSk = (facilityId: string, orderId: string, lineSeq: string): string =>
  `${RES_PREFIX}${facilityId}#${orderId}#${lineSeq}`;

export const reservationOf = (sku: string, i: Row): Reservation => ({
  sku,
  facilityId: String(i.facilityId),
  orderId: String(i.orderId),
  lineSeq: String(i.lineSeq),
  qty: Number(i.qty ?? 0),
});

/** `itemType` of an adjustment hold row (a line's reservation row is `reservation`). */
export const ADJUSTMENT_HOLD_TYPE = 'adjustment-hold';

export const adjustmentHoldSk = (facilityId: string, adjustmentId: string): string =>
  `${RES_PREFIX}${facilityId}#ADJ#${adjustmentId}`;

/** Units of a negative own inventory adjustment NetSuite's figure does not reflect yet. */
export interface AdjustmentHold {
  readonly sku: string;
  readonly facilityId: string;
  readonly adjustmentId: string;
  /** Units (> 0). */
  readonly qty: number;
  /** When it was placed (ISO). */
  readonly at?: string;
}

export const isHold = (i: Row): boolean => i.itemType === ADJUSTMENT_HOLD_TYPE;

export const holdOf = (sku: string, i: Row): AdjustmentHold => ({
  sku,
  facilityId: String(i.facilityId),
  adjustmentId: String(i.adjustmentId),
  qty: Number(i.qty ?? 0),
  at: i.at as string | undefined,
});

/** `itemType` of a group-commit reservation grant row. */
export const GRANT_TYPE = 'reservation-grant';

export const grantSk = (facilityId: string, grantId: string): string =>
  `${RES_PREFIX}${facilityId}#GRANT#${grantId}`;

/** How long an order's transaction may take a grant over (after that only `ReservationGrants.release` may). */
export const GRANT_TTL_MS = 5 * 60_000;

/**
 * How long after a position's last grant the reconcile job leaves its reserved quantity alone (a
 * grant turning into a row writes no position, so a count of the rows may be torn meanwhile).
 */
export const GRANT_QUIET_MS = 2 * GRANT_TTL_MS;

export const isGrant = (i: Row): boolean => i.itemType === GRANT_TYPE;

export const grantOf = (sku: string, i: Row): ReservationGrant => ({
  sku,
  facilityId: String(i.facilityId),
  grantId: String(i.grantId),
  qty: Number(i.qty ?? 0),
  orderId: String(i.orderId),
  lineSeq: String(i.lineSeq),
  expiresAt: String(i.expiresAt),
});

/** What a position's reserved quantity counts, by kind: the `RES#` items of a SKU × facility. */
export interface CountedRows {
  readonly reservations: Reservation[];
  readonly holds: AdjustmentHold[];
  readonly grants: ReservationGrant[];
}

/** Adds one `RES#` item of `sku` to its kind: an adjustment hold, a grant or a line's row. */
export function addCounted(rows: CountedRows, sku: string, i: Row): void {
  if (isHold(i)) rows.holds.push(holdOf(sku, i));
  else if (isGrant(i)) rows.grants.push(grantOf(sku, i));
  else rows.reservations.push(reservationOf(sku, i));
}

/** What a group-commit grant write came to. */
export type GrantOutcome =
  /** Every grant written, the position raised by their sum. */
  | 'granted'
  /** The position or NetSuite's figure no longer allows the sum: nothing written. */
  | 'refused'
  /** Another transaction held an item, or the table throttled: nothing written, try again. */
  | 'conflict';
