/**
 * An order re-submitted under a known external id: the same content is a duplicate, other content
 * a conflict naming what differs (shared/domain/orders/order-diff.ts), answered 409 over HTTP
 * (shared/orders/submit.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  conflictReason,
  describeDifferences,
  hasDifferences,
  orderDifferences,
  type StoredOrder,
} from '../../shared/domain/orders/order-diff.ts';
import { newOrder, type OrderInput } from '../../shared/domain/orders/order.ts';
import type { OrderIntake, SubmitResult } from '../../shared/orders/intake.ts';
import { submitOrders } from '../../shared/orders/submit.ts';
import { sampleOrder } from '../support/order-core.ts';

const lines = [
  { sku: 'SKU-1', quantity: 1, price: 10, shippingMethod: 'STANDARD' },
  { sku: 'SKU-2', quantity: 2, price: 5.5, shippingMethod: 'STANDARD' },
  { sku: 'SKU-3', quantity: 1, price: 99.99, shippingMethod: 'EXPRESS', preOrder: true },
];
const original = sampleOrder({}, lines);
/** The order as intake stored it (header and line items, as DynamoDB gives them back). */
const stored: StoredOrder = newOrder(original, 'O1TEST', {
  now: '2025-07-02T10:16:00Z',
  source: 'http',
  actor: 'api',
});
const again = (change: (o: OrderInput) => OrderInput): OrderInput =>
  change(structuredClone(original) as OrderInput);

describe('orderDifferences', () => {
  it('finds nothing in the same order again, however its lines and payments are ordered', () => {
    expect(hasDifferences(orderDifferences(stored, original))).toBe(false);
    const reordered = again((o) => ({ ...o, lines: [...o.lines].reverse() }));
    expect(hasDifferences(orderDifferences(stored, reordered))).toBe(false);
    // Optional texts left out or sent empty, preOrder false or absent, the same instant.
    const spelled = again((o) => ({
      ...o,
      date: '2025-07-02T12:15:00.000+02:00',
      customer: { ...o.customer, phone: '', shippingAddress: { ...o.customer.shippingAddress } },
      lines: o.lines.map((l) => (l.preOrder ? l : { ...l, preOrder: false })),
    }));
    expect(orderDifferences(stored, spelled)).toEqual({
      header: [],
      lines: { added: [], removed: [], changed: [] },
    });
  });

  it('names lines changed (sku, quantity, price), added and removed, and header fields', () => {
    const changed = again((o) => ({
      ...o,
      name: '#renamed',
      customer: {
        ...o.customer,
        email: 'other@example.com',
        shippingAddress: { ...o.customer.shippingAddress, city: 'Paris' },
      },
      lines: [
        { sku: 'SKU-1', quantity: 3, price: 10, shippingMethod: 'STANDARD' },
        { sku: 'SKU-3', quantity: 1, price: 89.99, shippingMethod: 'EXPRESS', preOrder: true },
        { sku: 'SKU-9', quantity: 4, price: 1.25, shippingMethod: 'STANDARD' },
      ],
    }));
    const d = orderDifferences(stored, changed);
    expect(d.lines).toEqual({
      changed: [
        {
          lineSeq: '00001',
          line: 1,
          sku: 'SKU-1',
          fields: [{ field: 'quantity', stored: 1, submitted: 3 }],
        },
        {
          lineSeq: '00003',
          line: 2,
          sku: 'SKU-3',
          fields: [{ field: 'price', stored: 99.99, submitted: 89.99 }],
        },
      ],
      added: [
        {
          line: 3,
          sku: 'SKU-9',
          quantity: 4,
          price: 1.25,
          shippingMethod: 'STANDARD',
          preOrder: false,
        },
      ],
      removed: [
        {
          lineSeq: '00002',
          sku: 'SKU-2',
          quantity: 2,
          price: 5.5,
          shippingMethod: 'STANDARD',
          preOrder: false,
        },
      ],
    });
    expect(d.header).toEqual([
      { field: 'name', stored: original.name, submitted: '#renamed' },
      { field: 'customer.email', stored: 'ada@example.com', submitted: 'other@example.com' },
      { field: 'customer.shippingAddress.city', stored: 'London', submitted: 'Paris' },
    ]);
    expect(describeDifferences(d)).toEqual([
      'line 00001 SKU-1: quantity 1 → 3',
      'line 00003 SKU-3: price 99.99 → 89.99',
      'line added (position 3): SKU-9 ×4 at 1.25 STANDARD',
      'line 00002 removed: SKU-2 ×2 at 5.5 STANDARD',
      `name ${original.name} → #renamed`,
      'customer.email ada@example.com → other@example.com',
      'customer.shippingAddress.city London → Paris',
    ]);
  });

  it('pairs payments by reference and names a field sent only once', () => {
    const ref = original.payments[0]!.reference;
    const d = orderDifferences(
      stored,
      again((o) => ({
        ...o,
        riskLevel: 'high',
        payments: [
          { ...o.payments[0]!, amount: 1 },
          { method: 'gift_card', amount: 5, reference: 'gift-1' },
        ],
      })),
    );
    expect(d.header).toEqual([
      { field: 'riskLevel', submitted: 'high' },
      { field: `payments[${ref}].amount`, stored: original.payments[0]!.amount, submitted: 1 },
      {
        field: 'payments[gift-1]',
        submitted: { method: 'gift_card', amount: 5, reference: 'gift-1' },
      },
    ]);
    expect(d.lines).toEqual({ added: [], removed: [], changed: [] });
  });

  it('keeps the conflict reason to one bounded sentence', () => {
    const many = again((o) => ({
      ...o,
      lines: Array.from({ length: 90 }, (_, i) => ({
        sku: `NEW-${i}-${'x'.repeat(100)}`,
        quantity: 1,
        price: 1,
        shippingMethod: 'STANDARD',
      })),
    }));
    const d = orderDifferences(stored, many);
    expect(d.lines.added).toHaveLength(90);
    expect(d.lines.removed).toHaveLength(3);
    const reason = conflictReason(original.externalId, 'O1TEST', d);
    expect(reason.length).toBeLessThanOrEqual(1_000);
    expect(reason).toMatch(
      new RegExp(`^order ${original.externalId} was already received as O1TEST with other content`),
    );
  });
});

describe('POST /orders answers', () => {
  const differences = orderDifferences(
    stored,
    again((o) => ({ ...o, lines: [{ ...o.lines[0]!, quantity: 5 }, ...o.lines.slice(1)] })),
  );
  const conflict: SubmitResult = {
    status: 'conflict',
    orderId: 'O1TEST',
    externalId: original.externalId,
    message: conflictReason(original.externalId, 'O1TEST', differences),
    differences,
  };
  const intakeAnswering = (...answers: SubmitResult[]) =>
    ({ submit: async () => answers.shift()! }) as unknown as OrderIntake;
  const meta = { source: 'http', actor: 'api' };

  it('409 with what differs for a conflict; 200 for a duplicate, 201 when created', async () => {
    const out = await submitOrders(intakeAnswering(conflict), original, meta);
    expect(out.statusCode).toBe(409);
    expect(out.body).toMatchObject({
      error: 'ORDER_CONFLICT',
      status: 'conflict',
      orderId: 'O1TEST',
      externalId: original.externalId,
      differences: {
        lines: {
          changed: [
            {
              lineSeq: '00001',
              sku: 'SKU-1',
              fields: [{ field: 'quantity', stored: 1, submitted: 5 }],
            },
          ],
        },
      },
    });
    const same = { status: 'duplicate', orderId: 'O1TEST', externalId: original.externalId };
    const created = { ...same, status: 'created' };
    expect(
      (await submitOrders(intakeAnswering(same as SubmitResult), original, meta)).statusCode,
    ).toBe(200);
    expect(
      (await submitOrders(intakeAnswering(created as SubmitResult), original, meta)).statusCode,
    ).toBe(201);
  });

  it('an array: 200 with a conflict among taken orders, 409 when every one conflicts', async () => {
    const created = { status: 'created', orderId: 'O2', externalId: 'e2' } as SubmitResult;
    const mixed = await submitOrders(intakeAnswering(conflict, created), [original, {}], meta);
    expect(mixed.statusCode).toBe(200);
    expect(mixed.body).toMatchObject({
      created: 1,
      duplicate: 0,
      conflict: 1,
      rejected: 0,
      results: [{ status: 'conflict', differences }, { status: 'created' }],
    });
    const all = await submitOrders(intakeAnswering(conflict, conflict), [original, original], meta);
    expect(all.statusCode).toBe(409);
  });
});
