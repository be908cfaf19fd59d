/**
 * The money of an order as `oms order show` and `GET /orders/{orderId}` give it: per line its
 * price, discounts (its own and its share of the order's), tax and what cancellations took off;
 * the order's discounts, shipping, taxes and grand total; what is expected now, paid, invoiced
 * (NetSuite's invoices), the difference between the invoices and what shipped, and the refund due.
 * Amounts as text in the order's currency (`12.34`) and, beside each, exact minor units (`…Cents`).
 */
import { formatMinor, toMinor } from '../domain/money/currency.ts';
import { orderMoneyNow } from '../domain/order-money/header-money.ts';
import { lineDiscountTotal, lineTaxTotal, moneyTotals } from '../domain/money/order-money.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import type { LineState } from '../domain/lifecycle/line.ts';

export interface MoneyView {
  readonly currency: string;
  readonly lines: ReadonlyArray<{
    readonly lineSeq: string;
    readonly price: string;
    readonly quantity: number;
    readonly amount: string;
    readonly discounts: string;
    readonly orderDiscountShare: string;
    readonly tax: string;
    readonly cancelled: string;
  }>;
  readonly discountCodes: readonly string[];
  readonly lineAmounts: string;
  readonly discounts: string;
  readonly shipping: string;
  readonly taxes: string;
  readonly total: string;
  readonly cancelled: string;
  readonly expected: string;
  readonly shipped: string;
  readonly paid: string;
  /** Σ NetSuite's invoice totals (absent while nothing is invoiced). */
  readonly invoiced?: string;
  /** invoiced − what shipped, when NetSuite invoiced and the two differ. */
  readonly invoiceDifference?: string;
  readonly refundDue: string;
  readonly cents: Readonly<Record<string, number>>;
}

/** Σ the invoices kept on the header, in minor units, or undefined when there is none. */
export function invoicedMinor(header: OrderHeader, digits: number): number | undefined {
  const invoices = Object.values(
    (header as { invoices?: Record<string, { total: number }> }).invoices ?? {},
  );
  if (!invoices.length) return undefined;
  return invoices.reduce(
    (a, i) => a + (toMinor(i.total, digits) ?? Math.round(i.total * 10 ** digits)),
    0,
  );
}

export function moneyView(header: OrderHeader, lines: readonly LineState[]): MoneyView {
  const { money, now } = orderMoneyNow(header, lines);
  const fmt = (minor: number) => formatMinor(minor, money.digits);
  const totals = moneyTotals(money);
  const sorted = [...lines].sort((a, b) => a.lineSeq.localeCompare(b.lineSeq));
  const invoiced = invoicedMinor(header, money.digits);
  const difference = invoiced === undefined ? 0 : invoiced - now.shipped;
  return {
    currency: money.currency,
    lines: money.lines.map((l, i) => ({
      lineSeq: sorted[i]?.lineSeq ?? '',
      price: fmt(l.unitPrice),
      quantity: l.quantity,
      amount: fmt(l.gross),
      discounts: fmt(lineDiscountTotal(l)),
      orderDiscountShare: fmt(l.orderDiscountShare),
      tax: fmt(lineTaxTotal(l)),
      cancelled: fmt(now.lines[i]?.cancelled.total ?? 0),
    })),
    discountCodes: [
      ...new Set([
        ...money.lines.flatMap((l) => l.discounts.map((d) => d.code)),
        ...money.orderDiscounts.map((d) => d.code),
      ]),
    ],
    lineAmounts: fmt(totals.lines),
    discounts: fmt(totals.discounts),
    shipping: fmt(totals.shipping),
    taxes: fmt(totals.taxes),
    total: fmt(money.grandTotal),
    cancelled: fmt(now.cancelled),
    expected: fmt(now.expected),
    shipped: fmt(now.shipped),
    paid: fmt(now.paid),
    ...(invoiced !== undefined ? { invoiced: fmt(invoiced) } : {}),
    ...(difference ? { invoiceDifference: fmt(difference) } : {}),
    refundDue: fmt(now.refundDue),
    cents: {
      lineAmounts: totals.lines,
      discounts: totals.discounts,
      shipping: totals.shipping,
      taxes: totals.taxes,
      total: money.grandTotal,
      cancelled: now.cancelled,
      expected: now.expected,
      shipped: now.shipped,
      paid: now.paid,
      ...(invoiced !== undefined ? { invoiced } : {}),
      refundDue: now.refundDue,
    },
  };
}
