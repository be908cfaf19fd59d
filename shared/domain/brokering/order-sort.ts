/**
 * Order filters and order sorts of a routing: which items of an order a routing brokers, and in
 * which order the job takes the orders of a queue. Pure.
 *
 * `queue`, `shippingMethod` and `productCategory` are judged per line (a line's queue is its own
 * `queue` or else the order's), the other filters per order. An order matches when every
 * order-level filter passes and at least one line (with quantity > 0) passes the line filters;
 * the routing then brokers only those lines.
 */
import type { BrokerOrder } from './broker-order.ts';
import {
  DEFAULT_ORDER_SORTS,
  type OrderFilters,
  type OrderSort,
  type PromiseDateFilter,
  type ValueFilter,
} from './routing-config.ts';

export const DAY_MS = 86_400_000;

/** A filter that did not pass and why. */
export interface FilterFailure {
  readonly filter: string;
  readonly message: string;
}

export interface SkippedLine extends FilterFailure {
  readonly lineSeq: string;
}

export interface OrderMatch {
  readonly matched: boolean;
  /** The first order-level filter that failed, or `lines` when no line passed. */
  readonly failed?: FilterFailure;
  /** Lines the routing brokers (empty unless matched). */
  readonly lines: readonly string[];
  /** Lines left out by a line filter. */
  readonly skippedLines: readonly SkippedLine[];
}

const show = (v: string | number | undefined) => (v === undefined ? '(none)' : JSON.stringify(v));

/** Why a value fails a value filter, or undefined when it passes. */
export function valueFilterFailure<T extends string | number>(
  filter: ValueFilter<T> | undefined,
  value: T | undefined,
): string | undefined {
  if (!filter) return undefined;
  if (filter.include && (value === undefined || !filter.include.includes(value))) {
    return `${show(value)} is not in [${filter.include.join(', ')}]`;
  }
  if (filter.exclude && value !== undefined && filter.exclude.includes(value)) {
    return `${show(value)} is excluded`;
  }
  return undefined;
}

function promiseDateFailure(
  f: PromiseDateFilter | undefined,
  promiseDate: string | undefined,
  now: Date,
): string | undefined {
  if (!f) return undefined;
  const cutoff = now.getTime() + f.withinDays * DAY_MS;
  const at = promiseDate === undefined ? undefined : Date.parse(promiseDate);
  const within = at !== undefined && !Number.isNaN(at) && at <= cutoff;
  const cutoffText = new Date(cutoff).toISOString();
  if (!f.exclude && !within) {
    return `${show(promiseDate)} is not within ${f.withinDays} days (by ${cutoffText})`;
  }
  if (f.exclude && within) {
    return `${show(promiseDate)} is within ${f.withinDays} days (by ${cutoffText}): excluded`;
  }
  return undefined;
}

/** Applies a routing's order filters to an order. */
export function matchOrder(order: BrokerOrder, filters: OrderFilters, now: Date): OrderMatch {
  const orderChecks: [string, string | undefined][] = [
    ['priority', valueFilterFailure(filters.priority, order.priority ?? 0)],
    ['promiseDate', promiseDateFailure(filters.promiseDate, order.promiseDate, now)],
    ['salesChannel', valueFilterFailure(filters.salesChannel, order.salesChannel)],
    [
      'originFacilityGroup',
      valueFilterFailure(filters.originFacilityGroup, order.originFacilityGroup),
    ],
  ];
  for (const [filter, message] of orderChecks) {
    if (message !== undefined) {
      return { matched: false, failed: { filter, message }, lines: [], skippedLines: [] };
    }
  }
  const lines: string[] = [];
  const skippedLines: SkippedLine[] = [];
  for (const line of order.lines) {
    if (!(line.quantity > 0)) continue;
    const checks: [string, string | undefined][] = [
      ['queue', valueFilterFailure(filters.queue, line.queue ?? order.queue)],
      ['shippingMethod', valueFilterFailure(filters.shippingMethod, line.shippingMethod)],
      ['productCategory', valueFilterFailure(filters.productCategory, line.category)],
    ];
    const failed = checks.find(([, m]) => m !== undefined);
    if (failed)
      skippedLines.push({ lineSeq: line.lineSeq, filter: failed[0], message: failed[1]! });
    else lines.push(line.lineSeq);
  }
  if (lines.length === 0) {
    const first = skippedLines[0];
    const message = first
      ? `no line passes: ${first.lineSeq} ${first.filter} ${first.message}`
      : 'no line to place';
    return { matched: false, failed: { filter: 'lines', message }, lines, skippedLines };
  }
  return { matched: true, lines, skippedLines };
}

/** True when a routing would broker at least one line of the order. */
export const matchesOrderFilters = (
  order: BrokerOrder,
  filters: OrderFilters,
  now: Date,
): boolean => matchOrder(order, filters, now).matched;

export type SortableOrder = Pick<BrokerOrder, 'orderId' | 'orderDate' | 'priority' | 'shipBy'>;

function sortValue(o: SortableOrder, by: OrderSort['by']): number | undefined {
  if (by === 'priority') return o.priority ?? 0;
  const text = by === 'shipBy' ? o.shipBy : o.orderDate;
  const t = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Orders sorted by the routing's order sorts (none: oldest order date first). Missing values come
 * last whatever the direction; ties fall to the next sort, then to the order id. Stable, new array.
 */
export function sortOrders<T extends SortableOrder>(
  orders: readonly T[],
  sorts: readonly OrderSort[],
): T[] {
  const keys = sorts.length > 0 ? sorts : DEFAULT_ORDER_SORTS;
  return [...orders].sort((a, b) => {
    for (const { by, direction } of keys) {
      const x = sortValue(a, by);
      const y = sortValue(b, by);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return direction === 'asc' ? x - y : y - x;
    }
    return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
  });
}
