import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORDER_SCHEMA } from '../../shared/domain/orders/order-schema.ts';
import {
  formatValidationError,
  newOrder,
  validateOrder,
} from '../../shared/domain/orders/order.ts';
import { validateAgainst } from '../../shared/domain/orders/schema-validator.ts';

const address = { name: 'Ada', address1: '1 St', city: 'London', country: 'GB', zip: 'N1' };
const valid = () => ({
  externalId: 'shop-1001',
  name: '#1001',
  date: '2025-07-02T10:15:00+02:00',
  salesChannel: 'web',
  customer: {
    shopCustomerId: 'c-1',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+44 20 0000',
    shippingAddress: address,
    billingAddress: { ...address, address2: '' },
  },
  payments: [{ method: 'card', amount: 25, reference: 'pay-1' }],
  lines: [
    { sku: 'A', quantity: 2, price: 10, shippingMethod: 'STANDARD' },
    { sku: 'B', quantity: 1, price: 5, shippingMethod: 'STANDARD', preOrder: true },
  ],
});

describe('the published order schema', () => {
  it('docs/order.schema.json is the schema the validator uses', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../docs/order.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(published).toEqual(JSON.parse(JSON.stringify(ORDER_SCHEMA)));
  });
});

describe('validateOrder', () => {
  it('accepts a complete order', () => {
    expect(validateOrder(valid())).toEqual({ ok: true, order: valid() });
  });

  it('names the order and the field of every problem', () => {
    const order = valid() as Record<string, unknown>;
    order.date = '2025-07-02 10:15';
    order.extra = 1;
    (order.customer as Record<string, unknown>).email = 'not-an-email';
    delete (order.customer as Record<string, unknown>).shippingAddress;
    (order.lines as Array<Record<string, unknown>>)[0]!.quantity = 0;
    (order.lines as Array<Record<string, unknown>>)[1]!.quantity = 1.5;
    (order.lines as Array<Record<string, unknown>>)[1]!.sku = '  ';
    (order.payments as Array<Record<string, unknown>>)[0]!.amount = 'ten';
    const out = validateOrder(order);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.map(formatValidationError).sort()).toEqual(
      [
        'order shop-1001: date "2025-07-02 10:15" is not an ISO 8601 date-time with a time zone',
        'order shop-1001: extra is not a known field',
        'order shop-1001: customer.shippingAddress is required',
        'order shop-1001: customer.email "not-an-email" is not an e-mail address',
        'order shop-1001: payments[0].amount must be a number, found string',
        'order shop-1001: lines[0].quantity 0 is below 1',
        'order shop-1001: lines[1].sku must not be blank',
        'order shop-1001: lines[1].quantity 1.5 is not a whole number',
      ].sort(),
    );
  });

  it('names an order without a usable id by its position', () => {
    const out = validateOrder({ ...valid(), externalId: undefined, lines: [] }, 3);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.order).toBe('#3');
    expect(out.errors.map((e) => e.field)).toEqual(['externalId', 'lines']);
    expect(validateOrder(null, 1)).toMatchObject({
      ok: false,
      errors: [{ order: '#1', field: '(order)', message: 'must be an object, found null' }],
    });
    expect(validateOrder([valid()])).toMatchObject({ ok: false });
  });

  it('caps lines per order at what one transaction can create', () => {
    const many = { ...valid(), lines: Array.from({ length: 91 }, () => valid().lines[0]) };
    const out = validateOrder(many);
    expect(out.ok ? '' : formatValidationError(out.errors[0]!)).toBe(
      'order shop-1001: lines has 91 items, more than 90',
    );
  });

  it('builds lines in 1100 with the AWAITING_NETSUITE_IDS hold and the order total', () => {
    const { header, lines } = newOrder(valid(), 'O1', { now: 'T', source: 'http', actor: 'api' });
    expect(header).toMatchObject({
      orderId: 'O1',
      externalId: 'shop-1001',
      orderTotal: 25,
      lineCount: 2,
    });
    expect(
      lines.map((l) => [l.lineSeq, l.sku, l.buckets, l.preOrder, Object.keys(l.holds)]),
    ).toEqual([
      ['00001', 'A', { 1100: 2 }, false, ['AWAITING_NETSUITE_IDS']],
      ['00002', 'B', { 1100: 1 }, true, ['AWAITING_NETSUITE_IDS']],
    ]);
  });
});

describe('validateAgainst', () => {
  it('resolves $defs references and checks enums', () => {
    const schema = {
      $defs: { size: { enum: ['S', 'M'] } },
      type: 'object',
      properties: { size: { $ref: '#/$defs/size' } },
    } as const;
    expect(validateAgainst(schema, { size: 'S' })).toEqual([]);
    expect(validateAgainst(schema, { size: 'XL' })).toEqual([
      { field: 'size', message: 'must be one of "S", "M"' },
    ]);
    expect(() => validateAgainst({ $ref: '#/$defs/none' }, 1)).toThrow(/cannot resolve/);
  });
});
