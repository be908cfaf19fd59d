/**
 * Money end to end, pure, as properties: random orders with line and order discounts, shipping
 * charges and taxes, partly cancelled before they go to NetSuite and partly shipped. The OMS's
 * sales-order rows are imported by the NetSuite simulator, which totals them with its own
 * arithmetic (local/netsuite/money.ts); its total must be the OMS's expected total to the cent,
 * the deposits the payments, and the invoice what shipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordContext } from '../../local/netsuite/context.ts';
import { salesOrderTotals } from '../../local/netsuite/money.ts';
import { invoiceDecision } from '../../local/netsuite/scripts/invoicing.ts';
import { applySalesOrderRows } from '../../local/netsuite/scripts/sales-order-import.ts';
import { emptyState, type SimState } from '../../local/netsuite/state.ts';
import { padLineSeq } from '../../shared/domain/lifecycle/line.ts';
import { shareByLargestRemainder } from '../../shared/domain/money/currency.ts';
import { expectedMoney } from '../../shared/domain/money/expected.ts';
import { moneyTotals } from '../../shared/domain/money/order-money.ts';
import { newOrder, validateOrder } from '../../shared/domain/orders/order.ts';
import { depositRecords } from '../../shared/domain/sync/deposits.ts';
import { depositPayload, salesOrderPayload } from '../../shared/domain/sync/payloads.ts';
import { salesOrderRows } from '../../shared/domain/sync/sales-order-rows.ts';
import {
  DISCOUNT_ITEMS,
  ITEM_IDS,
  moneyMappings,
  moneyOrder,
  moneyOrderArb,
  TAX_CODES,
} from '../support/money-orders.ts';

const NOW = '2025-07-02T10:15:00.000Z';

function account(): SimState {
  const state = emptyState();
  for (const [, itemId] of ITEM_IDS) state.items[itemId] = { itemId };
  for (const d of DISCOUNT_ITEMS) state.items[d.itemId] = { ...d };
  state.taxCodes = Object.fromEntries(
    TAX_CODES.map((t) => [t.netsuiteId, { id: t.netsuiteId, rate: t.netsuiteRate }]),
  );
  state.customers['1001'] = {
    internalId: '1001',
    externalId: 'S1',
    fields: {},
    rev: 0,
  } as unknown as SimState['customers'][string];
  return state;
}

const context = (state: SimState): RecordContext => ({
  state,
  options: { reexportUpdated: true },
  now: () => new Date(NOW),
  log: () => undefined,
});

/** A random order, the units cancelled per line, and per line the share of the rest shipped. */
const scenario = moneyOrderArb.chain((choices) =>
  fc.record({
    choices: fc.constant(choices),
    cancelled: fc.tuple(...choices.lines.map((l) => fc.integer({ min: 0, max: l.quantity }))),
    shippedShare: fc.tuple(...choices.lines.map(() => fc.integer({ min: 0, max: 100 }))),
  }),
);

describe('order money, property', () => {
  it('NetSuite totals the rows to the OMS expected total; deposits = payments; invoice = what shipped', () => {
    fc.assert(
      fc.property(scenario, ({ choices, cancelled, shippedShare }) => {
        const input = moneyOrder(choices);
        const checked = validateOrder(input);
        expect(checked.ok ? [] : checked.errors).toEqual([]);
        const { header, lines } = newOrder(input, 'O1', { now: NOW, source: 'http', actor: 't' });
        const money = header.money!;
        expect(moneyTotals(money).total).toBe(Math.round(input.grandTotal! * 100));

        // Deposits: one per payment, together the grand total.
        const deposits = depositRecords(depositPayload(header, '50001'), moneyMappings());
        if (deposits.kind !== 'ready') throw new Error(deposits.reasons.join('; '));
        const deposited = deposits.deposits.reduce(
          (a, d) => a + Math.round(d.totalAmount * 100),
          0,
        );
        expect(deposited).toBe(money.grandTotal);

        // Cancelled before the order went: the export sends what is left (closed when nothing).
        const payload = salesOrderPayload(header, lines);
        const sent = {
          ...payload,
          lines: payload.lines.map((l, i) =>
            cancelled[i]! >= l.quantity
              ? { ...l, closed: true }
              : { ...l, quantity: l.quantity - cancelled[i]! },
          ),
        };
        const kept = lines.map((l, i) => l.quantity - cancelled[i]!);
        const shipped = kept.map((k, i) => Math.floor((k * shippedShare[i]!) / 100));
        const progress = lines.map((l, i) => ({
          shippingMethod: l.shippingMethod,
          cancelled: cancelled[i]!,
          shipped: shipped[i]!,
        }));
        const oms = expectedMoney(money, progress);
        expect(oms.expected + oms.cancelled).toBe(money.grandTotal);
        expect(oms.refundDue).toBe(Math.max(0, money.paid - oms.expected));
        if (kept.every((k) => k === 0)) {
          // Nothing left: the order never goes (the export drops it), and nothing is owed.
          expect(oms.expected).toBe(0);
          return;
        }
        const built = salesOrderRows(sent, {
          customerNetsuiteId: '1001',
          itemIds: ITEM_IDS,
          mappings: moneyMappings(),
        });
        if (built.kind !== 'ready') throw new Error(JSON.stringify(built));
        const rows = built.rows.map((r) =>
          sent.lines.some((l) => l.closed && l.seq === r.orderLineId)
            ? { ...r, closed: 'true' }
            : r,
        );
        const state = account();
        expect(applySalesOrderRows(context(state), 'so.csv', rows)).toEqual([]);
        const order = Object.values(state.salesOrders)[0]!;
        const netsuite = salesOrderTotals(state, order);
        expect(netsuite.total).toBe(oms.expected);

        // NetSuite fulfils what shipped; it invoices once every open line is fulfilled.
        for (const line of order.lines) {
          const i = lines.findIndex((l) => l.lineSeq === line.orderLineId);
          if (line.discount || i < 0 || !shipped[i]) continue;
          line.itemFulfillments = [
            {
              internalId: `F${i}`,
              source: 'netsuite',
              quantity: shipped[i]!,
              location: '7',
              at: NOW,
              rev: 0,
            },
          ];
        }
        const decision = invoiceDecision(order, money.paid / 100, false, state);
        const allShipped = kept.every((k, i) => shipped[i] === k);
        // NetSuite invoices a fulfilled order that has a customer deposit: an order whose
        // discounts leave nothing to pay has none, and is never invoiced.
        expect(decision.invoice).toBe(allShipped && money.paid > 0);
        if (decision.invoice) {
          expect(Math.round(decision.total * 100)).toBe(oms.shipped);
          expect(oms.shipped).toBe(oms.expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('largest remainder: shares add up exactly and follow the weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const shares = shareByLargestRemainder(total, weights);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0);
          shares.forEach((s, i) => {
            const exact = sum ? (total * weights[i]!) / sum : total / weights.length;
            expect(Math.abs(s - exact)).toBeLessThan(1);
          });
        },
      ),
    );
  });

  it('an order-level discount is shared pro rata by net line amount', () => {
    // 10.00 off lines of 30.00 and 10.00 (net) and 0.00: 7.50 and 2.50, nothing on the free line.
    expect(shareByLargestRemainder(1000, [3000, 1000, 0])).toEqual([750, 250, 0]);
    // 0.10 off three equal lines: 0.04, 0.03, 0.03 (the first of the tied remainders gets the cent).
    expect(shareByLargestRemainder(10, [100, 100, 100])).toEqual([4, 3, 3]);
    expect(padLineSeq(4)).toBe('00004');
  });
});
