/**
 * Order-line status codes and the allowed moves between them, exactly as
 * `docs/order-lifecycle.md` defines them. A line's ordered quantity is split across these status
 * buckets; every transition moves a quantity from one bucket to another.
 */

export const STATUS = {
  CREATED: 1100,
  ALLOCATED: 1200,
  PRE_ORDERED: 1250,
  BACKORDERED: 1300,
  BACKORDERED_FROM_NODE: 1400,
  SCHEDULED: 1500,
  RELEASED: 3200,
  INCLUDED_IN_SHIPMENT: 3350,
  SHIPPED: 3700,
  DELIVERED: 3800,
  CANCELLED: 9000,
  REJECTED: 9100,
} as const;

export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

export const STATUS_CODES: readonly StatusCode[] = Object.values(STATUS).sort((a, b) => a - b);

export const STATUS_NAMES: Readonly<Record<StatusCode, string>> = {
  1100: 'Created',
  1200: 'Allocated',
  1250: 'Pre-ordered',
  1300: 'Backordered',
  1400: 'Backordered from node',
  1500: 'Scheduled',
  3200: 'Released',
  3350: 'Included in shipment',
  3700: 'Shipped',
  3800: 'Delivered',
  9000: 'Cancelled',
  9100: 'Rejected',
};

/**
 * The allowed-moves table of the lifecycle document (any quantity 0 < q ≤ the source bucket), plus
 * one move the document's own HotWax table needs and its allowed-moves block lacks: 1200 → 1400, a
 * NetSuite location rejecting an allocated item ("NetSuite rejection: 1200/3200 → 1400 →
 * re-brokered excluding the rejecting facility"). It releases the reservation and records the
 * facility in `rejectedBy`, like 3200 → 1400.
 */
export const ALLOWED_MOVES: Readonly<Record<StatusCode, readonly StatusCode[]>> = {
  1100: [1200, 1250, 1300, 9000, 9100],
  1200: [1500, 1300, 1100, 1400, 9000, 9100],
  1250: [1200, 1500, 1300, 9000],
  1300: [1200, 1500, 1250, 9000],
  1400: [1200, 1300, 9000],
  1500: [3200, 1200, 1100, 1300, 9000, 9100],
  3200: [3350, 1400, 9000],
  3350: [3700, 1400],
  3700: [3800],
  3800: [],
  9000: [],
  9100: [],
};

/** Buckets whose quantity holds a reservation at a facility (moving in reserves, out releases). */
export const RESERVED_STATUSES: ReadonlySet<StatusCode> = new Set([1200, 1500]);

/** Buckets whose quantity belongs to an open release (Σ open release quantity equals them). */
export const RELEASED_STATUSES: ReadonlySet<StatusCode> = new Set([3200, 3350]);

/** Terminal buckets (no move out). Delivered is an end state too, but not a "closed" one. */
export const TERMINAL_STATUSES: ReadonlySet<StatusCode> = new Set([9000, 9100]);

export const isStatusCode = (value: unknown): value is StatusCode =>
  typeof value === 'number' && (STATUS_CODES as readonly number[]).includes(value);

export const isAllowedMove = (from: StatusCode, to: StatusCode): boolean =>
  ALLOWED_MOVES[from].includes(to);

/** Per-status quantities of one line; absent or 0 means empty. */
export type Buckets = Partial<Record<StatusCode, number>>;

export const bucketOf = (buckets: Buckets, status: StatusCode): number => buckets[status] ?? 0;

export const bucketTotal = (buckets: Buckets): number =>
  STATUS_CODES.reduce((sum, s) => sum + bucketOf(buckets, s), 0);

/**
 * A line's display status: its lowest non-terminal bucket with quantity, "partially shipped" when
 * both shipped (or delivered) and unshipped open quantity exist; a fully terminal line shows its
 * lowest terminal bucket.
 */
export function displayStatus(buckets: Buckets): string {
  const open = STATUS_CODES.filter((s) => !TERMINAL_STATUSES.has(s) && bucketOf(buckets, s) > 0);
  if (open.length === 0) {
    const closed = STATUS_CODES.find((s) => bucketOf(buckets, s) > 0);
    return closed ? STATUS_NAMES[closed] : 'Empty';
  }
  const shipped = open.some((s) => s >= 3700);
  const unshipped = open.some((s) => s < 3700);
  if (shipped && unshipped) return 'Partially shipped';
  return STATUS_NAMES[open[0]!];
}
