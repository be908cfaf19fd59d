/**
 * Invoices on the order, pure: what the header keeps of each NetSuite invoice (keyed by the
 * invoice's internal id, so a repeated row changes nothing and a later row of the same invoice —
 * e.g. its amount due once paid — replaces it), and when an order is fully shipped and so due for
 * an invoice.
 */
import type { LineState } from '../lifecycle/line.ts';
import type { InvoiceRecord } from '../fulfillment/invoice-rows.ts';
import { openQuantity } from './line-close-rows.ts';
import { STATUS } from '../lifecycle/status.ts';

/** One invoice as the order header keeps it (`invoices.<invoiceId>`). */
export interface OrderInvoice {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly netsuiteOrderId: string;
  readonly total: number;
  readonly amountDue: number;
  /** `YYYY-MM-DD`. */
  readonly invoiceDate: string;
  /** The file (and line) it last came from, and when. */
  readonly file: string;
  readonly line: number;
  readonly importedAt: string;
}

export const orderInvoice = (
  r: InvoiceRecord,
  source: { file: string; line: number; at: string },
): OrderInvoice => ({
  invoiceId: r.invoiceId,
  invoiceNumber: r.invoiceNumber,
  netsuiteOrderId: r.netsuiteOrderId,
  total: r.total,
  amountDue: r.amountDue,
  invoiceDate: r.invoiceDate,
  file: source.file,
  line: source.line,
  importedAt: source.at,
});

/** True when the invoice says the same as the one kept (where it came from aside). */
export const sameInvoice = (a: OrderInvoice | undefined, b: OrderInvoice): boolean =>
  !!a &&
  a.invoiceId === b.invoiceId &&
  a.invoiceNumber === b.invoiceNumber &&
  a.netsuiteOrderId === b.netsuiteOrderId &&
  a.total === b.total &&
  a.amountDue === b.amountDue &&
  a.invoiceDate === b.invoiceDate;

/**
 * Every unit of every line shipped (3700/3800), cancelled or rejected, and at least one shipped:
 * NetSuite invoices the order now (the order-level step after all lines are 3700).
 */
export function orderFullyShipped(
  lines: readonly Pick<LineState, 'buckets' | 'quantity'>[],
): boolean {
  let shipped = 0;
  for (const l of lines) {
    if (openQuantity(l) > 0) return false;
    shipped += (l.buckets[STATUS.SHIPPED] ?? 0) + (l.buckets[STATUS.DELIVERED] ?? 0);
  }
  return lines.length > 0 && shipped > 0;
}

/** Whole hours from `since` to `now`. */
export const hoursSince = (since: string, now: Date): number =>
  Math.floor((now.getTime() - Date.parse(since)) / 3_600_000);
