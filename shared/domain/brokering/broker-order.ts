/**
 * What the brokering engine reads: the order (the items to place now) and the facilities as the
 * job sees them at the start of the decision. Plain data, JSON-friendly; the job builds these
 * from the order lines and the facility and inventory records.
 */
import type { Facility } from '../facility.ts';
import { isNetsuiteFulfilled } from '../sync/allocation-rows.ts';

export interface BrokerLine {
  /** OMS order line id (`00001`). */
  readonly lineSeq: string;
  readonly sku: string;
  /** Quantity to place now (whole, ≥ 0); a line with 0 is ignored. */
  readonly quantity: number;
  /** Unit price, for the minimum shipment value. */
  readonly price: number;
  readonly shippingMethod: string;
  readonly category?: string;
  /** The queue this line waits in, when it differs from the order's `queue`. */
  readonly queue?: string;
  /** Facilities that rejected this line: never allocated to again (`LineState.rejectedBy`). */
  readonly excludedFacilities: readonly string[];
  /**
   * The one-location-per-line facility (see FacilityView.oneLocationPerLine) this line already
   * has quantity at: no other such facility may take any of it.
   */
  readonly oneLocationAt?: string;
  /**
   * A facility of another kind (not one location per line: a store) that holds or shipped units
   * of this line: no one-location-per-line facility may take the rest, since NetSuite would
   * commit — and ship — the whole line there (its allocation update carries the line's quantity).
   */
  readonly otherKindAt?: string;
}

export interface BrokerOrder {
  readonly orderId: string;
  /** ISO timestamp the order was placed. */
  readonly orderDate: string;
  /** Higher = more urgent; absent counts as 0. */
  readonly priority?: number;
  /** ISO timestamps. */
  readonly shipBy?: string;
  readonly promiseDate?: string;
  readonly salesChannel: string;
  readonly originFacilityGroup?: string;
  readonly shipTo: { readonly lat?: number; readonly lon?: number };
  /** The queue the lines wait in (default for every line). */
  readonly queue: string;
  readonly lines: readonly BrokerLine[];
}

export interface FacilityView {
  readonly facilityId: string;
  readonly kind: string;
  readonly groups: readonly string[];
  readonly lat?: number;
  readonly lon?: number;
  readonly dailyOrderLimit?: number;
  /** Orders brokered to it today before this decision. */
  readonly ordersToday: number;
  /** Position in the custom sequence sort (lower first). */
  readonly sequence?: number;
  /**
   * A line may hold quantity at only one facility of this kind (NetSuite-fulfilled facilities:
   * NetSuite keeps one location per sales-order line, and a rejection names no location).
   */
  readonly oneLocationPerLine?: boolean;
}

/** ATP of a SKU at a facility (NetSuite quantity − reserved − safety), read before the decision. */
export type StockLookup = (sku: string, facilityId: string) => number;

/** The engine's view of a facility record. */
export const facilityView = (f: Facility, ordersToday: number): FacilityView => ({
  facilityId: f.facilityId,
  kind: f.kind,
  groups: f.groups,
  ...(f.latitude !== undefined && f.longitude !== undefined
    ? { lat: f.latitude, lon: f.longitude }
    : {}),
  ...(f.dailyOrderLimit !== undefined ? { dailyOrderLimit: f.dailyOrderLimit } : {}),
  ...(f.sequence !== undefined ? { sequence: f.sequence } : {}),
  ...(isNetsuiteFulfilled(f) ? { oneLocationPerLine: true } : {}),
  ordersToday,
});
