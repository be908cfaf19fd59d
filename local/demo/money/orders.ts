/**
 * The demo storefront's money: every order gets shipping per ship group (free on some), sales tax
 * by the shipping address's state (on the lines after their discounts, and on the shipping), a
 * line discount on every third order and an order-level discount on every fifth, and its grand
 * total paid in one payment. The storefront computes with exact cents, the way the OMS checks it
 * (docs/money.md); NetSuite gets the tax codes and its own rates (`DEMO_TAX_CODES`).
 */
import { taxOf, toMinor } from '../../../shared/domain/money/currency.ts';
import type { OrderInput } from '../../../shared/domain/orders/order.ts';
import type { Mapping } from '../../../shared/domain/sync/mappings.ts';

/** Sales tax per state of the sample's cities: the storefront's code and rate, NetSuite's id. */
export const DEMO_TAX_CODES = [
  { state: 'TX', code: 'US-TX', rate: 0.0625, netsuiteId: '31', netsuiteRate: '6.25%' },
  { state: 'OR', code: 'US-OR', rate: 0, netsuiteId: '32', netsuiteRate: '0%' },
  { state: 'MA', code: 'US-MA', rate: 0.0625, netsuiteId: '33', netsuiteRate: '6.25%' },
  { state: 'CO', code: 'US-CO', rate: 0.029, netsuiteId: '34', netsuiteRate: '2.9%' },
  { state: 'IL', code: 'US-IL', rate: 0.1025, netsuiteId: '35', netsuiteRate: '10.25%' },
] as const;

/** NetSuite's discount items: the line one before tax, the order one after. */
export const DEMO_DISCOUNT_ITEMS = [
  { itemId: '9101', type: 'discount', preTax: true },
  { itemId: '9102', type: 'discount', preTax: false },
] as const;

export const DEMO_MONEY_MAPPINGS: Mapping[] = [
  ...DEMO_TAX_CODES.map((t) => ({
    kind: 'taxCode' as const,
    value: t.code,
    netsuiteId: t.netsuiteId,
  })),
  { kind: 'discountItem', value: 'line', netsuiteId: DEMO_DISCOUNT_ITEMS[0].itemId },
  { kind: 'discountItem', value: 'order', netsuiteId: DEMO_DISCOUNT_ITEMS[1].itemId },
];

const SHIPPING_CENTS: Readonly<Record<string, number>> = { STANDARD: 499, EXPRESS: 1499 };

const amount = (cents: number) => cents / 100;

/** The order `i` of the day with its money (its lines, customer and payment reference kept). */
export function withMoney(order: OrderInput, i: number): OrderInput {
  const state = order.customer.shippingAddress.state ?? '';
  const tax = DEMO_TAX_CODES.find((t) => t.state === state) ?? DEMO_TAX_CODES[0];
  const micros = toMinor(tax.rate, 6)!;
  let total = 0;
  let net = 0;
  const lines = order.lines.map((l, n) => {
    const gross = toMinor(l.price, 2)! * l.quantity;
    const off = i % 3 === 0 && n === 0 ? Math.floor(gross / 10) : 0;
    const taxed = taxOf(gross - off, micros);
    total += gross - off + taxed;
    net += gross - off;
    return {
      ...l,
      ...(off
        ? { discounts: [{ code: 'SUMMER10', description: '10 % off', amount: amount(off) }] }
        : {}),
      taxes: [{ code: tax.code, jurisdiction: state, rate: tax.rate, amount: amount(taxed) }],
    };
  });
  const orderOff = i % 5 === 2 ? Math.min(500, net) : 0;
  total -= orderOff;
  const methods = [...new Set(order.lines.map((l) => l.shippingMethod))];
  const free = i % 4 === 1;
  const charges = methods.map((m) => ({
    shippingMethod: m,
    cents: free ? 0 : (SHIPPING_CENTS[m] ?? 999),
  }));
  const shipping = charges.reduce((a, c) => a + c.cents, 0);
  const shippingTax = taxOf(shipping, micros);
  total += shipping + shippingTax;
  return {
    ...order,
    currency: 'USD',
    lines,
    ...(orderOff
      ? { orderDiscounts: [{ code: 'WELCOME5', description: '5 off', amount: amount(orderOff) }] }
      : {}),
    shippingCharges: charges.map((c, n) => ({
      shippingMethod: c.shippingMethod,
      amount: amount(c.cents),
      taxes: [{ code: tax.code, rate: tax.rate, amount: amount(n === 0 ? shippingTax : 0) }],
    })),
    payments: order.payments.map((p, n) => ({ ...p, amount: n === 0 ? amount(total) : 0 })),
    grandTotal: amount(total),
  };
}
