/** Order money at intake and in the sales-order rows: refusals naming the field, and the rows. */
import { describe, expect, it } from 'vitest';
import { formatMinor, toMinor } from '../../shared/domain/money/currency.ts';
import { expectedMoney } from '../../shared/domain/money/expected.ts';
import { hasDifferences, orderDifferences } from '../../shared/domain/orders/order-diff.ts';
import { newOrder, validateOrder, type OrderInput } from '../../shared/domain/orders/order.ts';
import { salesOrderPayload } from '../../shared/domain/sync/payloads.ts';
import { salesOrderRows } from '../../shared/domain/sync/sales-order-rows.ts';
import { ITEM_IDS, moneyMappings } from '../support/money-orders.ts';

const address = { name: 'Ada', address1: '1 Main St', city: 'LA', country: 'US', zip: '90001' };

/**
 * Two lines: 2 × 10.00 with 3.00 off, taxed CA 8.25 % on 17.00 = 1.40; 1 × 5.00 untaxed. Shipping
 * 4.99 (STANDARD) taxed 0.41; 2.00 off the order. Total 20 − 3 + 1.40 + 5 + 4.99 + 0.41 − 2 = 26.80.
 */
const order = (change: (o: Record<string, unknown>) => void = () => {}): OrderInput => {
  const o: Record<string, unknown> = {
    externalId: 'M1',
    name: '#M1',
    date: '2025-07-02T10:15:00Z',
    salesChannel: 'web',
    currency: 'USD',
    customer: {
      shopCustomerId: 'S1',
      email: 'a@b.co',
      shippingAddress: address,
      billingAddress: address,
    },
    payments: [
      { method: 'gift_card', amount: 10, reference: 'p1' },
      { method: 'card', amount: 16.8, reference: 'p2' },
    ],
    lines: [
      {
        sku: 'SKU-1',
        quantity: 2,
        price: 10,
        shippingMethod: 'STANDARD',
        discounts: [{ code: 'SUMMER', amount: 3 }],
        taxes: [{ code: 'CA', jurisdiction: 'California', rate: 0.0825, amount: 1.4 }],
      },
      { sku: 'SKU-2', quantity: 1, price: 5, shippingMethod: 'STANDARD' },
    ],
    orderDiscounts: [{ code: 'WELCOME', description: 'first order', amount: 2 }],
    shippingCharges: [
      {
        shippingMethod: 'STANDARD',
        amount: 4.99,
        taxes: [{ code: 'CA', rate: 0.0825, amount: 0.41 }],
      },
    ],
    grandTotal: 26.8,
  };
  change(o);
  return o as unknown as OrderInput;
};

const lines = (o: Record<string, unknown>) => o.lines as Record<string, unknown>[];

const refusal = (input: unknown) => {
  const r = validateOrder(input);
  if (r.ok) throw new Error('accepted');
  return r.errors.map((e) => `${e.field}: ${e.message}`);
};

describe('order money at intake', () => {
  it('accepts an order that adds up and keeps its money in minor units', () => {
    const input = order();
    expect(validateOrder(input).ok).toBe(true);
    const { header } = newOrder(input, 'O1', { now: 'n', source: 'http', actor: 't' });
    expect(header.money).toMatchObject({ currency: 'USD', grandTotal: 2680, paid: 2680 });
    // 2.00 off shared by net line amount: 17.00 and 5.00 → 1.55 and 0.45.
    expect(header.money!.lines.map((l) => l.orderDiscountShare)).toEqual([155, 45]);
    expect(header.orderTotal).toBe(26.8);
  });

  it('keeps an order without money fields valid, and without money kept', () => {
    const input = order((o) => {
      for (const k of ['currency', 'orderDiscounts', 'shippingCharges', 'grandTotal']) delete o[k];
      for (const l of lines(o)) {
        delete l.discounts;
        delete l.taxes;
      }
    });
    expect(validateOrder(input).ok).toBe(true);
    expect(
      newOrder(input, 'O1', { now: 'n', source: 'http', actor: 't' }).header.money,
    ).toBeUndefined();
  });

  it('refuses a grand total that does not add up, naming the difference', () => {
    expect(refusal(order((o) => (o.grandTotal = 27)))).toEqual([
      'grandTotal: 27.00 does not add up: lines 25.00 + shipping 4.99 + taxes 1.81 − discounts 5.00 = 26.80 (difference 0.20)',
    ]);
  });

  it('refuses a negative discount', () => {
    expect(
      refusal(order((o) => ((lines(o)[0]!.discounts as { amount: number }[])[0]!.amount = -3))),
    ).toEqual(['lines[0].discounts[0].amount: -3 is below 0']);
  });

  it('refuses a discount larger than its line', () => {
    const r = refusal(order((o) => (lines(o)[1]!.discounts = [{ code: 'X', amount: 5.01 }])));
    expect(r).toContain("lines[1].discounts: 5.01 off is more than the line's 5.00 (1 × 5.00)");
  });

  it('refuses an order-level discount larger than the lines', () => {
    const r = refusal(order((o) => (o.orderDiscounts = [{ code: 'X', amount: 22.01 }])));
    expect(r[0]).toBe(
      "orderDiscounts: 22.01 off is more than the lines' 22.00 after their own discounts",
    );
  });

  it('refuses an unknown currency', () => {
    expect(refusal(order((o) => (o.currency = 'XYZ')))).toEqual([
      'currency: "XYZ" is not a currency the OMS knows (ISO 4217, e.g. USD, EUR)',
    ]);
  });

  it('refuses more decimals than the currency has', () => {
    expect(refusal(order((o) => (lines(o)[1]!.price = 5.001)))).toContain(
      'lines[1].price: 5.001 has more than 2 decimals (USD)',
    );
    expect(refusal(order((o) => (o.currency = 'JPY')))).toContain(
      'payments[1].amount: 16.8 has more than 0 decimals (JPY)',
    );
  });

  it('refuses a tax NetSuite would compute differently', () => {
    const r = refusal(
      order((o) => ((lines(o)[0]!.taxes as { amount: number }[])[0]!.amount = 1.41)),
    );
    expect(r[0]).toMatch(/^lines\[0\]\.taxes\[0\]\.amount: 1\.41 is not 0\.0825 × 17\.00 = 1\.40/);
  });

  it('refuses a shipping charge for a ship group no line is in', () => {
    const r = refusal(
      order(
        (o) => ((o.shippingCharges as { shippingMethod: string }[])[0]!.shippingMethod = 'EXPRESS'),
      ),
    );
    expect(r[0]).toMatch(
      /^shippingCharges\[0\]\.shippingMethod: "EXPRESS" is the shipping method of no line/,
    );
  });
});

describe('minor units', () => {
  it('reads the digits written and never rounds', () => {
    expect(toMinor(19.99, 2)).toBe(1999);
    expect(toMinor(0.1, 2)).toBe(10);
    expect(toMinor(1e-7, 2)).toBeUndefined();
    expect(toMinor(0.125, 3)).toBe(125);
    expect(formatMinor(-5, 2)).toBe('-0.05');
    expect(formatMinor(1234, 0)).toBe('1234');
  });
});

describe('cancellations take the money off', () => {
  it('a wholly cancelled line gives back its price, discounts, share and tax', () => {
    const { header } = newOrder(order(), 'O1', { now: 'n', source: 'http', actor: 't' });
    const now = expectedMoney(header.money!, [
      { shippingMethod: 'STANDARD', cancelled: 2, shipped: 0 },
      { shippingMethod: 'STANDARD', cancelled: 0, shipped: 1 },
    ]);
    // Line 1: 20.00 − 3.00 − 1.55 + 1.40 = 16.85 back.
    expect(now).toMatchObject({ ordered: 2680, cancelled: 1685, expected: 995, refundDue: 1685 });
  });

  it('a cancelled ship group gives back its shipping and the shipping tax', () => {
    const { header } = newOrder(order(), 'O1', { now: 'n', source: 'http', actor: 't' });
    const now = expectedMoney(header.money!, [
      { shippingMethod: 'STANDARD', cancelled: 2, shipped: 0 },
      { shippingMethod: 'STANDARD', cancelled: 1, shipped: 0 },
    ]);
    expect(now).toMatchObject({ cancelled: 2680, expected: 0, refundDue: 2680 });
  });
});

describe('the sales-order rows of an order with money', () => {
  it('sends tax codes, shipping, the price level and discount rows after their lines', () => {
    const { header, lines: created } = newOrder(order(), 'O1', {
      now: 'n',
      source: 'http',
      actor: 't',
    });
    const built = salesOrderRows(salesOrderPayload(header, created), {
      customerNetsuiteId: '1001',
      itemIds: ITEM_IDS,
      mappings: moneyMappings(),
    });
    if (built.kind !== 'ready') throw new Error(JSON.stringify(built));
    const pick = [
      'item',
      'orderLineId',
      'quantity',
      'price',
      'taxCode',
      'priceLevel',
      'shippingCost',
      'shippingTaxCode',
    ];
    expect(built.rows.map((r) => pick.map((k) => r[k]).join(','))).toEqual([
      '501,00001,2,10,11,-1,4.99,11',
      '901,00001,,-3.00,,,4.99,11',
      '502,00002,1,5,,-1,4.99,11',
      '902,00003,,-2.00,,,4.99,11',
    ]);
  });

  it('holds an order whose tax code or discount item has no NetSuite id', () => {
    const { header, lines: created } = newOrder(order(), 'O1', {
      now: 'n',
      source: 'http',
      actor: 't',
    });
    const built = salesOrderRows(salesOrderPayload(header, created), {
      customerNetsuiteId: '1001',
      itemIds: ITEM_IDS,
      mappings: { ...moneyMappings(), taxCode: new Map(), discountItem: new Map() },
    });
    expect(built).toEqual({
      kind: 'blocked',
      reasons: [
        'no NetSuite tax code for tax code "CA"',
        'no NetSuite discount item "line" (mapping discountItem line)',
        'no NetSuite discount item "order" (mapping discountItem order)',
      ],
    });
  });
});

describe('the same order submitted again', () => {
  it('is a conflict when its money differs, naming it; the same money is no difference', () => {
    const { header, lines: created } = newOrder(order(), 'O1', {
      now: 'n',
      source: 'http',
      actor: 't',
    });
    const stored = { header, lines: created };
    expect(hasDifferences(orderDifferences(stored, order()))).toBe(false);
    const cheaper = order((o) => {
      (o.shippingCharges as { amount: number; taxes: unknown }[])[0]!.amount = 0;
      (o.shippingCharges as { taxes: unknown }[])[0]!.taxes = [];
      o.grandTotal = 21.4;
    });
    expect(validateOrder(cheaper).ok).toBe(true);
    expect(orderDifferences(stored, cheaper).header).toEqual([
      { field: 'money.grandTotal', stored: '26.80', submitted: '21.40' },
      { field: 'money.shipping', stored: '4.99', submitted: '0.00' },
      { field: 'money.taxes', stored: '1.81', submitted: '1.40' },
    ]);
  });
});
