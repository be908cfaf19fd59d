/**
 * NetSuite's invoices of an order against what the OMS says shipped, pure: NetSuite invoices an
 * order once every open line is fulfilled, for its total over those lines, so Σ the order's
 * invoices should be the OMS's shipped total (docs/money.md). A difference is kept for
 * `oms sync status`.
 */
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from '../orders/order.ts';
import { toMinor } from '../money/currency.ts';
import { orderMoneyNow } from './header-money.ts';

export interface InvoiceDifference {
  readonly orderId: string;
  readonly name?: string;
  readonly currency: string;
  /** Σ NetSuite's invoices of the order, minor units. */
  readonly invoiced: number;
  /** What the OMS says shipped (units and shipping), minor units. */
  readonly shipped: number;
  /** invoiced − shipped. */
  readonly difference: number;
}

/** The difference of an order's invoices from what shipped, or undefined when they agree. */
export function invoiceDifference(
  header: Pick<OrderHeader, 'orderId' | 'name' | 'money' | 'payments'>,
  invoices: readonly { readonly total: number }[],
  lines: readonly LineState[],
): InvoiceDifference | undefined {
  if (!invoices.length) return undefined;
  const { money, now } = orderMoneyNow(header, lines);
  const invoiced = invoices.reduce(
    (a, i) => a + (toMinor(i.total, money.digits) ?? Math.round(i.total * 10 ** money.digits)),
    0,
  );
  if (invoiced === now.shipped) return undefined;
  return {
    orderId: header.orderId,
    ...(header.name ? { name: header.name } : {}),
    currency: money.currency,
    invoiced,
    shipped: now.shipped,
    difference: invoiced - now.shipped,
  };
}
