/**
 * What the OMS expects NetSuite to hold and to invoice, and what it owes the customer back, once
 * lines are (partly) cancelled or rejected and shipped, pure. Per line, the units that will never
 * ship (cancelled 9000, rejected by the seller 9100) take their part of everything the line
 * carries: its price, its own discounts and its share of the order-level discounts (what the kept
 * units keep is `amount × kept / quantity` rounded half up) and its tax (computed again on what the
 * kept units cost, as NetSuite does on the lowered line). A
 * ship group's shipping charge is given back only when every unit of every line shipped that way
 * is cancelled; the shipping tax is the rate on the shipping left, as NetSuite taxes its one
 * shipping cost. See docs/money.md.
 */
import { proRata, taxOf } from './currency.ts';
import { lineDiscountTotal, type LineMoney, type OrderMoney } from './order-money.ts';

/** What the money needs to know of a line now: units cancelled or rejected, and shipped. */
export interface LineProgress {
  readonly shippingMethod?: string;
  readonly cancelled: number;
  readonly shipped: number;
}

/** A line's amounts for a number of its units. */
export interface LinePart {
  readonly gross: number;
  /** Its own discounts' part and its order-level discount share's part. */
  readonly discounts: number;
  readonly tax: number;
  readonly total: number;
}

/**
 * The part of a line that `units` of its units carry: the price of those units, each discount's
 * part `amount × units / quantity` rounded half up, and the tax computed again on what those units
 * cost after their line discounts (the way NetSuite computes it on a line of that quantity).
 */
export function linePart(l: LineMoney, units: number): LinePart {
  const n = Math.max(0, Math.min(units, l.quantity));
  const gross = l.unitPrice * n;
  const own = proRata(lineDiscountTotal(l), n, l.quantity);
  const discounts = own + proRata(l.orderDiscountShare, n, l.quantity);
  const tax = n === 0 ? 0 : l.taxes.reduce((a, t) => a + taxOf(gross - own, t.micros), 0);
  return { gross, discounts, tax, total: gross - discounts + tax };
}

export interface ExpectedMoney {
  /** The grand total as ordered. */
  readonly ordered: number;
  /** What cancellations and rejections took off (lines and, for groups wholly gone, shipping). */
  readonly cancelled: number;
  /** ordered − cancelled: what NetSuite's order should come to. */
  readonly expected: number;
  /** What the shipped units (and the shipping of groups with a shipped unit) come to. */
  readonly shipped: number;
  readonly paid: number;
  /** paid − expected, when above 0: the storefront pays it back. */
  readonly refundDue: number;
  readonly lines: readonly { readonly kept: LinePart; readonly cancelled: LinePart }[];
}

export function expectedMoney(m: OrderMoney, progress: readonly LineProgress[]): ExpectedMoney {
  const lines = m.lines.map((l, i) => {
    const p = progress[i] ?? { cancelled: 0, shipped: 0 };
    // The kept units are computed as NetSuite holds them; the cancelled part is the rest.
    const kept = linePart(l, l.quantity - p.cancelled);
    const all = linePart(l, l.quantity);
    const cancelled = {
      gross: all.gross - kept.gross,
      discounts: all.discounts - kept.discounts,
      tax: all.tax - kept.tax,
      total: all.total - kept.total,
    };
    return { kept, cancelled };
  });
  let cancelled = lines.reduce((a, l) => a + l.cancelled.total, 0);
  let shipped = 0;
  m.lines.forEach((l, i) => {
    const p = progress[i] ?? { cancelled: 0, shipped: 0 };
    // The shipped units' part, computed like the cancelled part, from the units not cancelled.
    const kept = l.quantity - p.cancelled;
    shipped += p.shipped >= kept ? lines[i]!.kept.total : linePart(l, p.shipped).total;
  });
  // NetSuite has one shipping cost per order and taxes it as a whole: the shipping of the groups
  // still there (or shipped), taxed at the shipping tax rate, rounded once.
  const micros = m.shipping.flatMap((s) => s.taxes)[0]?.micros ?? 0;
  const withTax = (amount: number) => amount + taxOf(amount, micros);
  let keptShipping = 0;
  let shippedShipping = 0;
  for (const s of m.shipping) {
    const group = m.lines
      .map((l, i) => ({ l, p: progress[i] }))
      .filter(({ p }) => (p?.shippingMethod ?? '') === s.shippingMethod);
    const allGone =
      group.length > 0 && group.every(({ l, p }) => (p?.cancelled ?? 0) >= l.quantity);
    if (!allGone) keptShipping += s.amount;
    if (group.some(({ p }) => (p?.shipped ?? 0) > 0)) shippedShipping += s.amount;
  }
  cancelled += withTax(m.shipping.reduce((a, s) => a + s.amount, 0)) - withTax(keptShipping);
  shipped += shippedShipping > 0 ? withTax(shippedShipping) : 0;
  const expected = m.grandTotal - cancelled;
  return {
    ordered: m.grandTotal,
    cancelled,
    expected,
    shipped,
    paid: m.paid,
    refundDue: Math.max(0, m.paid - expected),
    lines,
  };
}
