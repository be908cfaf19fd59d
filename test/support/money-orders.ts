/**
 * Random storefront orders with money (line and order discounts, shipping charges per ship group,
 * taxes per line and per shipping charge) that add up, for the money property tests, and the
 * NetSuite records (tax codes with their rates, the two discount items) the simulator needs to
 * total them. Amounts are generated in cents and written as the storefront would (19.99).
 */
import fc from 'fast-check';
import { taxOf } from '../../shared/domain/money/currency.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import { mappingTable, type Mapping } from '../../shared/domain/sync/mappings.ts';

/** Storefront tax codes, their rates, and NetSuite's tax codes for them (rate as NetSuite shows it). */
export const TAX_CODES = [
  { code: 'CA', rate: 0.0825, micros: 82_500, netsuiteId: '11', netsuiteRate: '8.25%' },
  { code: 'NY', rate: 0.08875, micros: 88_750, netsuiteId: '12', netsuiteRate: '8.875%' },
  { code: 'VAT20', rate: 0.2, micros: 200_000, netsuiteId: '13', netsuiteRate: '20%' },
  { code: 'EXEMPT', rate: 0, micros: 0, netsuiteId: '14', netsuiteRate: '0%' },
] as const;

export const LINE_DISCOUNT_ITEM = '901';
export const ORDER_DISCOUNT_ITEM = '902';

/** NetSuite's discount items: the line one applies before tax, the order one after. */
export const DISCOUNT_ITEMS = [
  { itemId: LINE_DISCOUNT_ITEM, type: 'discount', preTax: true },
  { itemId: ORDER_DISCOUNT_ITEM, type: 'discount', preTax: false },
] as const;

export const SKUS = ['SKU-1', 'SKU-2', 'SKU-3'] as const;
export const ITEM_IDS: ReadonlyMap<string, string> = new Map(SKUS.map((s, i) => [s, `50${i + 1}`]));

export const MONEY_MAPPINGS: Mapping[] = [
  { kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' },
  { kind: 'shippingMethod', value: 'EXPRESS', netsuiteId: '5' },
  { kind: 'salesChannel', value: 'web', netsuiteId: '2' },
  { kind: 'paymentMethod', value: 'card', netsuiteId: '7' },
  { kind: 'paymentMethod', value: 'gift_card', netsuiteId: '8' },
  { kind: 'discountItem', value: 'line', netsuiteId: LINE_DISCOUNT_ITEM },
  { kind: 'discountItem', value: 'order', netsuiteId: ORDER_DISCOUNT_ITEM },
  ...TAX_CODES.map((t) => ({ kind: 'taxCode' as const, value: t.code, netsuiteId: t.netsuiteId })),
];
export const moneyMappings = () => mappingTable(MONEY_MAPPINGS);

const asAmount = (cents: number): number => cents / 100;

const address = {
  name: 'Ada Lovelace',
  address1: '1 Main St',
  city: 'Springfield',
  state: 'CA',
  country: 'US',
  zip: '90001',
};

const lineArb = fc.record({
  sku: fc.constantFrom(...SKUS),
  quantity: fc.integer({ min: 1, max: 5 }),
  priceCents: fc.integer({ min: 0, max: 50_000 }),
  discountShare: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  tax: fc.option(fc.integer({ min: 0, max: TAX_CODES.length - 1 }), { nil: undefined }),
  shippingMethod: fc.constantFrom('STANDARD', 'EXPRESS'),
});

/** The generator's choices; `order` builds the storefront JSON from them. */
export const moneyOrderArb = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
  orderDiscountShare: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  shippingCents: fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 0, maxLength: 2 }),
  shippingTax: fc.option(fc.integer({ min: 0, max: TAX_CODES.length - 1 }), { nil: undefined }),
  payments: fc.integer({ min: 1, max: 3 }),
});

export type MoneyOrderChoices = typeof moneyOrderArb extends fc.Arbitrary<infer T> ? T : never;

/** A storefront order that adds up (its grand total is right), from the generator's choices. */
export function moneyOrder(c: MoneyOrderChoices, externalId = 'ext-1'): OrderInput {
  let total = 0;
  let net = 0;
  const lines = c.lines.map((l) => {
    const gross = l.priceCents * l.quantity;
    const off = l.discountShare === undefined ? 0 : Math.floor((gross * l.discountShare) / 100);
    const tax = l.tax === undefined ? undefined : TAX_CODES[l.tax]!;
    const taxCents = tax ? taxOf(gross - off, tax.micros) : 0;
    total += gross - off + taxCents;
    net += gross - off;
    return {
      sku: l.sku,
      quantity: l.quantity,
      price: asAmount(l.priceCents),
      shippingMethod: l.shippingMethod,
      ...(off
        ? { discounts: [{ code: 'LINE10', description: 'line promo', amount: asAmount(off) }] }
        : {}),
      ...(tax
        ? {
            taxes: [
              { code: tax.code, jurisdiction: 'US', rate: tax.rate, amount: asAmount(taxCents) },
            ],
          }
        : {}),
    };
  });
  const orderOff =
    c.orderDiscountShare === undefined ? 0 : Math.floor((net * c.orderDiscountShare) / 100);
  total -= orderOff;
  const methods = [...new Set(c.lines.map((l) => l.shippingMethod))];
  const shipTax = c.shippingTax === undefined ? undefined : TAX_CODES[c.shippingTax]!;
  // NetSuite taxes the order's one shipping cost: the tax of the whole, split over the charges.
  const charges = c.shippingCents.slice(0, methods.length);
  const shippingCents = charges.reduce((a, b) => a + b, 0);
  const shippingTaxCents = shipTax ? taxOf(shippingCents, shipTax.micros) : 0;
  total += shippingCents + shippingTaxCents;
  const shippingCharges = charges.map((cents, i) => {
    const taxCents = i === 0 ? shippingTaxCents : 0;
    return {
      shippingMethod: methods[i]!,
      amount: asAmount(cents),
      ...(shipTax
        ? { taxes: [{ code: shipTax.code, rate: shipTax.rate, amount: asAmount(taxCents) }] }
        : {}),
    };
  });
  // The grand total paid in up to three payments (a gift card, then cards).
  const parts = Array.from({ length: c.payments }, (_, i) =>
    i < c.payments - 1
      ? Math.floor(total / c.payments)
      : total - Math.floor(total / c.payments) * (c.payments - 1),
  );
  return {
    externalId,
    name: `#${externalId}`,
    date: '2025-07-02T10:15:00Z',
    salesChannel: 'web',
    currency: 'USD',
    customer: {
      shopCustomerId: 'S1',
      email: 'ada@example.com',
      shippingAddress: address,
      billingAddress: address,
    },
    payments: parts.map((cents, i) => ({
      method: i === 0 && c.payments > 1 ? 'gift_card' : 'card',
      amount: asAmount(cents),
      reference: `${externalId}-pay-${i + 1}`,
    })),
    lines,
    ...(orderOff ? { orderDiscounts: [{ code: 'ORDER5', amount: asAmount(orderOff) }] } : {}),
    ...(shippingCharges.length ? { shippingCharges } : {}),
    grandTotal: asAmount(total),
  };
}
