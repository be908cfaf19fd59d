/**
 * The money of a stored order, and where it stands now, pure: an order created with money fields
 * keeps them (`header.money`); an order from before derives them from its line prices and
 * payments (USD, no discount, shipping or tax), so every order has money to show and compare.
 */
import { closedQuantity, shippedQuantity } from '../sync/line-close-rows.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from '../orders/order.ts';
import { CURRENCY_DIGITS, DEFAULT_CURRENCY, toMinor } from '../money/currency.ts';
import { expectedMoney, type ExpectedMoney } from '../money/expected.ts';
import { moneyTotals, type OrderMoney } from '../money/order-money.ts';

const minor = (n: number, digits: number): number =>
  toMinor(n, digits) ?? Math.round(n * 10 ** digits);

export function headerMoney(
  header: Pick<OrderHeader, 'money' | 'payments'>,
  lines: readonly Pick<LineState, 'lineSeq' | 'quantity' | 'price'>[],
): OrderMoney {
  if (header.money) return header.money;
  const digits = CURRENCY_DIGITS[DEFAULT_CURRENCY]!;
  const sorted = [...lines].sort((a, b) => a.lineSeq.localeCompare(b.lineSeq));
  const money: OrderMoney = {
    currency: DEFAULT_CURRENCY,
    digits,
    lines: sorted.map((l) => {
      const unitPrice = minor(l.price, digits);
      return {
        quantity: l.quantity,
        unitPrice,
        gross: unitPrice * l.quantity,
        discounts: [],
        taxes: [],
        orderDiscountShare: 0,
      };
    }),
    orderDiscounts: [],
    shipping: [],
    grandTotal: 0,
    paid: header.payments.reduce((a, p) => a + minor(p.amount, digits), 0),
  };
  return { ...money, grandTotal: moneyTotals(money).total };
}

/** The order's money now: what cancellations took off, what shipped, the refund due. */
export function orderMoneyNow(
  header: Pick<OrderHeader, 'money' | 'payments'>,
  lines: readonly Pick<
    LineState,
    'lineSeq' | 'quantity' | 'price' | 'buckets' | 'shippingMethod'
  >[],
): { money: OrderMoney; now: ExpectedMoney } {
  const money = headerMoney(header, lines);
  const sorted = [...lines].sort((a, b) => a.lineSeq.localeCompare(b.lineSeq));
  const now = expectedMoney(
    money,
    sorted.map((l) => ({
      shippingMethod: l.shippingMethod,
      cancelled: closedQuantity(l),
      shipped: shippedQuantity(l),
    })),
  );
  return { money, now };
}
