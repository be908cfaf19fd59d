/**
 * Cancelled lines and NetSuite, pure:
 *
 * - the **line close** (`salesorder/update`, `internalId,lineId,closed` with `closed`=`true`): one
 *   row per cancelled line, sent once, when NetSuite knows the line (its order and line ids came
 *   back) and **nothing of it shipped**: every unit cancelled or rejected. A line with units still
 *   on their way waits (they may be cancelled too, or ship). A line with a shipped part is never
 *   closed — its NetSuite quantity is lowered instead (the allocation re-quote for a line NetSuite
 *   fulfils, the OMS-fulfilled row's quantity for a store line) — so a close never reaches NetSuite
 *   before the fulfillment of the shipped part (NetSuite cannot fulfil a closed line).
 * - the **sales order row** of a line that is (partly) cancelled before its order went to NetSuite:
 *   a wholly cancelled line is sent closed (`closed`=`true`, with its ordered quantity: NetSuite
 *   refuses a line of quantity 0, and every line must come back with a line id for the order to be
 *   approved); a partly cancelled line is sent with the quantity that is left.
 * - what a cancellation will take from a line (`cancellationPreview`), so that the writes of other
 *   modules that go with it (a pre-order allocation given back, a store queue item removed) can be
 *   put in the same transaction.
 */
import type { LineState } from '../lifecycle/line.ts';
import { STATUS, type StatusCode } from '../lifecycle/status.ts';
import type { OrderHeader } from '../orders/order.ts';

/** What the line-close export needs: the line, and when and why it was cancelled. */
export interface LineClosePayload {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly cancelledAt: string;
  /** The cancellation's reason code, e.g. `CUSTOMER_REQUEST`. */
  readonly reason: string;
}

export const lineCloseEntryId = (p: Pick<LineClosePayload, 'orderId' | 'lineSeq'>): string =>
  `${p.orderId}#${p.lineSeq}`;

const q = (line: Pick<LineState, 'buckets'>, s: StatusCode): number => line.buckets[s] ?? 0;

/** Units of the line still on their way (neither shipped nor cancelled nor rejected). */
export const openQuantity = (line: Pick<LineState, 'buckets' | 'quantity'>): number =>
  line.quantity -
  q(line, STATUS.SHIPPED) -
  q(line, STATUS.DELIVERED) -
  q(line, STATUS.CANCELLED) -
  q(line, STATUS.REJECTED);

/** Units cancelled (9000) or rejected by the seller (9100): they will never ship. */
export const closedQuantity = (line: Pick<LineState, 'buckets'>): number =>
  q(line, STATUS.CANCELLED) + q(line, STATUS.REJECTED);

/** Every unit of the line is cancelled or rejected (nothing shipped, nothing open). */
export const isWhollyCancelled = (line: Pick<LineState, 'buckets' | 'quantity'>): boolean =>
  line.quantity > 0 && closedQuantity(line) === line.quantity;

/** Units of the line shipped (3700, 3800). */
export const shippedQuantity = (line: Pick<LineState, 'buckets'>): number =>
  q(line, STATUS.SHIPPED) + q(line, STATUS.DELIVERED);

export type LineCloseRow =
  | { readonly kind: 'ready'; readonly row: Record<string, string> }
  | { readonly kind: 'waiting'; readonly reason: string }
  /**
   * Nothing to send: the order or line is gone, nothing of it was cancelled, or part of it shipped
   * (never closed: its quantity is lowered instead).
   */
  | { readonly kind: 'gone' };

export function lineCloseRow(
  p: LineClosePayload,
  ctx: { readonly line?: LineState; readonly header?: OrderHeader },
): LineCloseRow {
  const { line, header } = ctx;
  if (!line || !header || q(line, STATUS.CANCELLED) <= 0 || shippedQuantity(line) > 0)
    return { kind: 'gone' };
  const open = openQuantity(line);
  if (open > 0) {
    return {
      kind: 'waiting',
      reason: `line ${p.lineSeq} has ${open} unit(s) still open; it closes only if they are cancelled too`,
    };
  }
  if (!header.netsuiteOrderId || !line.netsuiteLineId) {
    return { kind: 'waiting', reason: 'NetSuite order and line ids not back yet' };
  }
  return {
    kind: 'ready',
    row: { internalId: header.netsuiteOrderId, lineId: line.netsuiteLineId, closed: 'true' },
  };
}

/** How a line goes in the sales order export: closed, or the quantity still wanted. */
export function salesOrderLineState(line: Pick<LineState, 'buckets' | 'quantity'>): {
  readonly closed: boolean;
  readonly quantity: number;
} {
  if (isWhollyCancelled(line)) return { closed: true, quantity: line.quantity };
  return { closed: false, quantity: line.quantity - closedQuantity(line) };
}

/** Statuses a cancellation takes quantity from, in the order the order core takes them. */
export const CANCELLABLE_STATUSES: readonly StatusCode[] = [
  STATUS.CREATED,
  STATUS.BACKORDERED,
  STATUS.PRE_ORDERED,
  STATUS.BACKORDERED_FROM_NODE,
  STATUS.ALLOCATED,
  STATUS.SCHEDULED,
  STATUS.RELEASED,
];

export const cancellableQuantity = (line: Pick<LineState, 'buckets'>): number =>
  CANCELLABLE_STATUSES.reduce((n, s) => n + q(line, s), 0);

export interface CancellationPreview {
  /** Units that will be cancelled (0 when the line has fewer cancellable units than asked). */
  readonly quantity: number;
  /** Taken from pre-ordered quantity (1250). */
  readonly preOrdered: number;
  /** Per facility: reserved units (1200 + 1500) taken, and what stays reserved there. */
  readonly reserved: ReadonlyArray<{ facilityId: string; taken: number; left: number }>;
}

/**
 * What cancelling `quantity` (default: everything cancellable) takes from the line as read, least
 * advanced first — 1100, 1300, 1250, 1400, then allocated (1200) and scheduled (1500) quantity
 * facility by facility, then released (3200) — the order `OrderService.cancelLine` follows.
 */
export function cancellationPreview(
  line: Pick<LineState, 'buckets' | 'alloc'>,
  quantity?: number,
): CancellationPreview {
  const cancellable = cancellableQuantity(line);
  const want = quantity ?? cancellable;
  if (want <= 0 || want > cancellable) return { quantity: 0, preOrdered: 0, reserved: [] };
  let need = want;
  let preOrdered = 0;
  const taken = new Map<string, number>();
  const facilities = Object.keys(line.alloc).sort();
  for (const s of CANCELLABLE_STATUSES) {
    if (need === 0) break;
    if (s === STATUS.ALLOCATED || s === STATUS.SCHEDULED) {
      for (const f of facilities) {
        const n = Math.min(need, line.alloc[f]?.[s] ?? 0);
        if (n > 0) taken.set(f, (taken.get(f) ?? 0) + n);
        need -= n;
      }
    } else {
      const n = Math.min(need, q(line, s));
      if (s === STATUS.PRE_ORDERED) preOrdered = n;
      need -= n;
    }
  }
  return {
    quantity: want,
    preOrdered,
    reserved: [...taken].map(([facilityId, n]) => ({
      facilityId,
      taken: n,
      left:
        (line.alloc[facilityId]?.[STATUS.ALLOCATED] ?? 0) +
        (line.alloc[facilityId]?.[STATUS.SCHEDULED] ?? 0) -
        n,
    })),
  };
}
