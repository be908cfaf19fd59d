/**
 * The money cells of the sales order export, pure (docs/money.md): `shippingCost` and
 * `shippingTaxCode` on every row, the price level, each item row's `taxCode`, and the discount
 * rows NetSuite's HotWax integration sends — a line's discounts as one row of the `line` discount
 * item (applied before tax) right after the line, with the line's `orderLineId`, and the
 * order-level discounts as one row of the `order` discount item at the end, with the `orderLineId`
 * after the last line. Amounts are what the units still ordered carry: a partly cancelled line
 * keeps its discount's part, a ship group wholly cancelled drops its shipping charge.
 */
import { formatMinor, proRata } from '../money/currency.ts';
import { lineDiscountTotal, type OrderMoney } from '../money/order-money.ts';
import type { SalesOrderPayload } from './sales-order-rows.ts';
import type { MappingTable } from './mappings.ts';

/** NetSuite's "Custom" price level: the row's price is the price. */
export const CUSTOM_PRICE_LEVEL = '-1';

export const priceLevelFor = (mappings: MappingTable, channel: string): string =>
  mappings.priceLevel.get(channel) ?? mappings.priceLevel.get('*') ?? CUSTOM_PRICE_LEVEL;

const taxCodes = (m: OrderMoney): string[] => [
  ...new Set([
    ...m.lines.flatMap((l) => l.taxes.map((t) => t.code)),
    ...m.shipping.flatMap((s) => s.taxes.map((t) => t.code)),
  ]),
];

/** Why the money of an order cannot go yet (a mapping is missing), or nothing. */
export function moneyReasons(m: OrderMoney, _channel: string, mappings: MappingTable): string[] {
  const reasons = taxCodes(m)
    .filter((c) => !mappings.taxCode.has(c))
    .map((c) => `no NetSuite tax code for tax code "${c}"`);
  if (m.lines.some((l) => lineDiscountTotal(l) > 0) && !mappings.discountItem.has('line')) {
    reasons.push('no NetSuite discount item "line" (mapping discountItem line)');
  }
  if (m.orderDiscounts.some((d) => d.amount > 0) && !mappings.discountItem.has('order')) {
    reasons.push('no NetSuite discount item "order" (mapping discountItem order)');
  }
  return reasons;
}

export interface MoneyCells {
  readonly header: { shippingCost: string; shippingTaxCode: string; priceLevel: string };
  readonly lines: readonly { taxCode: string; discount?: string }[];
  readonly orderDiscount?: string;
  readonly lineDiscountItem: string;
  readonly orderDiscountItem: string;
}

export function moneyCells(
  m: OrderMoney,
  channel: string,
  mappings: MappingTable,
  lines: SalesOrderPayload['lines'],
): MoneyCells {
  const fmt = (minor: number) => formatMinor(minor, m.digits);
  const cancelled = m.lines.map((l, i) => {
    const now = lines[i];
    if (!now || now.closed) return l.quantity;
    return Math.max(0, l.quantity - now.quantity);
  });
  const gone = new Set(
    m.shipping
      .map((s) => s.shippingMethod)
      .filter((method) =>
        m.lines.every((l, i) => lines[i]?.shippingMethod !== method || cancelled[i]! >= l.quantity),
      ),
  );
  const kept = m.shipping.filter((s) => !gone.has(s.shippingMethod));
  const shippingTax = m.shipping.flatMap((s) => s.taxes.map((t) => t.code))[0];
  const untaxed = mappings.taxCode.get('*') ?? '';
  const orderShare = m.lines.reduce(
    (a, l, i) => a + proRata(l.orderDiscountShare, l.quantity - cancelled[i]!, l.quantity),
    0,
  );
  return {
    header: {
      shippingCost: fmt(kept.reduce((a, s) => a + s.amount, 0)),
      shippingTaxCode: shippingTax ? mappings.taxCode.get(shippingTax)! : untaxed,
      priceLevel: priceLevelFor(mappings, channel),
    },
    lines: m.lines.map((l, i) => {
      const tax = l.taxes[0];
      const off = lineDiscountTotal(l);
      // A closed line's discount row goes closed with it, at its full amount.
      const keptOff =
        cancelled[i]! >= l.quantity ? off : proRata(off, l.quantity - cancelled[i]!, l.quantity);
      return {
        taxCode: tax ? mappings.taxCode.get(tax.code)! : untaxed,
        ...(off > 0 ? { discount: fmt(-keptOff) } : {}),
      };
    }),
    ...(m.orderDiscounts.some((d) => d.amount > 0) ? { orderDiscount: fmt(-orderShare) } : {}),
    lineDiscountItem: mappings.discountItem.get('line') ?? '',
    orderDiscountItem: mappings.discountItem.get('order') ?? '',
  };
}
