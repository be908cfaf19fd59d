/**
 * Routing configuration: how a product store's orders are brokered, modelled on HotWax order
 * routing. Data only (validated by `parseRoutingConfig`, kept in a file and in DynamoDB).
 *
 *   RoutingConfig ─ runs[]                 one brokering run per product store
 *     BrokeringRun ─ routings[]            tried in order
 *       Routing ─ orderFilters, orderSorts, inventoryRules[]   rules tried in order
 *         InventoryRule ─ filters, sorts, partialAllocation, whenUnavailable
 *
 * Order filters pick the items a routing brokers; order sorts order the queue for the job; each
 * inventory rule filters and sorts facilities and places what it can. What a rule cannot place
 * goes to the next rule (default), or to a queue and/or gets an auto-cancel date.
 *
 * Value filters (`{include?, exclude?}`): with `include` the value must be one of the list (an
 * absent value fails); with `exclude` it must not be (an absent value passes); both may be set.
 */

/** Include and/or exclude a set of values. */
export interface ValueFilter<T extends string | number = string> {
  readonly include?: readonly T[];
  readonly exclude?: readonly T[];
}

/**
 * Promise-date cutoff: `withinDays` keeps orders promised no later than now + n days (orders
 * without a promise date fail); with `exclude: true` those orders are left out instead (orders
 * without a promise date pass).
 */
export interface PromiseDateFilter {
  readonly withinDays: number;
  readonly exclude?: boolean;
}

/**
 * Which items a routing brokers. `queue`, `shippingMethod` and `productCategory` are judged per
 * line (a routing may broker some lines of an order); the others per order.
 */
export interface OrderFilters {
  /** Queue the items are in; default `{ include: ['_BROKERING_QUEUE_'] }`. */
  readonly queue: ValueFilter;
  readonly shippingMethod?: ValueFilter;
  /** Order priority (higher = more urgent; an order without one counts as 0). */
  readonly priority?: ValueFilter<number>;
  readonly promiseDate?: PromiseDateFilter;
  readonly salesChannel?: ValueFilter;
  readonly originFacilityGroup?: ValueFilter;
  readonly productCategory?: ValueFilter;
}

export const ORDER_SORT_FIELDS = ['shipBy', 'orderDate', 'priority'] as const;
export type OrderSortField = (typeof ORDER_SORT_FIELDS)[number];
export type SortDirection = 'asc' | 'desc';

/**
 * One order sort key. Default direction: `asc` for dates (oldest first), `desc` for priority
 * (most urgent first). Orders without the value come last.
 */
export interface OrderSort {
  readonly by: OrderSortField;
  readonly direction: SortDirection;
}

export const defaultDirection = (by: OrderSortField): SortDirection =>
  by === 'priority' ? 'desc' : 'asc';

/** Used when a routing lists no order sorts. */
export const DEFAULT_ORDER_SORTS: readonly OrderSort[] = [{ by: 'orderDate', direction: 'asc' }];

/** Which facilities an inventory rule may use. Every filter is off unless set. */
export interface FacilityFilters {
  readonly facilityGroup?: ValueFilter;
  /** Great-circle distance from the ship-to address; needs coordinates on both sides. */
  readonly maxDistanceKm?: number;
  /** Brokering safety stock: usable stock = ATP − this, must be > 0. Default 0. */
  readonly safetyStock: number;
  /** Skip facilities that reached their daily order limit. Default false. */
  readonly respectDailyOrderLimit: boolean;
  /** Σ price × quantity of the items placed at a facility must reach this. */
  readonly minShipmentValue?: number;
  /** The facility must have usable stock for every item being brokered, in full. Default false. */
  readonly allItemsAvailable: boolean;
}

/**
 * Facility sorts, applied in order (ties fall to the next key, then to the facility id):
 * `distance` nearest first (unknown last), `inventoryBalance` most usable stock of the items
 * first, `customSequence` lowest `sequence` first (none last).
 */
export const FACILITY_SORTS = ['distance', 'inventoryBalance', 'customSequence'] as const;
export type FacilitySort = (typeof FACILITY_SORTS)[number];

/**
 * What happens to what a rule could not place: `next-rule` (try the following rule, and after
 * the last rule the following routings), or stop brokering it in this run and move it to a queue
 * and/or give it an auto-cancel date (`queue` absent: it stays in the queue it is in).
 */
export type WhenUnavailable =
  'next-rule' | { readonly moveToQueue?: string; readonly autoCancelDays?: number };

export interface InventoryRule {
  readonly name: string;
  readonly active: boolean;
  readonly filters: FacilityFilters;
  readonly sorts: readonly FacilitySort[];
  /**
   * false: one facility takes the whole order; true: the order's lines may go to several
   * facilities (one ship group per facility), each line whole at one of them.
   */
  readonly partialAllocation: boolean;
  readonly whenUnavailable: WhenUnavailable;
}

export interface Routing {
  readonly name: string;
  readonly active: boolean;
  readonly orderFilters: OrderFilters;
  readonly orderSorts: readonly OrderSort[];
  readonly inventoryRules: readonly InventoryRule[];
}

export interface BrokeringRun {
  readonly productStoreId: string;
  readonly name: string;
  readonly routings: readonly Routing[];
}

export interface RoutingConfig {
  readonly runs: readonly BrokeringRun[];
}

/** The run configured for a product store, if any. */
export const runFor = (config: RoutingConfig, productStoreId: string): BrokeringRun | undefined =>
  config.runs.find((r) => r.productStoreId === productStoreId);
