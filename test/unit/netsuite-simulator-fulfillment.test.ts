/**
 * The NetSuite simulator's fulfillment, item fulfillments from the OMS, line closes and invoicing:
 * the pure parts. NetSuite's warehouse staff ship what their location committed (the books); the
 * OMS's rows only set quantity, location and tag, and the item fulfillment script fulfils them.
 * What it writes is read back with the OMS's own row parsers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseFulfillmentCsvRow,
  parseFulfillmentJson,
  parseInvoiceRow,
  parseNetsuiteDateTime,
} from '../../shared/domain/fulfillment/index.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { accountDate, accountDateTime, accountStamp } from '../../local/netsuite/account-time.ts';
import type {
  FulfillmentOptions,
  InventoryOptions,
  RecordContext,
} from '../../local/netsuite/context.ts';
import { readCsv, rowObjects } from '../../local/netsuite/csv-file.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { loadState, saveState } from '../../local/netsuite/persistence.ts';
import {
  COMMA_CARRIERS,
  checkFulfillmentOptions,
  drawShipmentText,
  fulfilLines,
  fulfillmentFileName,
  fulfillmentJson,
  fulfillmentRow,
  planFulfillmentExport,
} from '../../local/netsuite/scripts/fulfillment.ts';
import {
  commitInvoices,
  draftInvoices,
  invoiceDecision,
  invoiceRow,
} from '../../local/netsuite/scripts/invoicing.ts';
import { fulfilOmsLines } from '../../local/netsuite/scripts/oms-item-fulfillment.ts';
import { applySalesOrderRows } from '../../local/netsuite/scripts/sales-order-import.ts';
import { applyUpdateRows } from '../../local/netsuite/scripts/sales-order-update-import.ts';
import {
  emptyState,
  nextId,
  type SimItemFulfillment,
  type SimSalesOrder,
  type SimState,
} from '../../local/netsuite/state.ts';
import { unescapedCsv } from '../../local/netsuite/unescaped-csv.ts';

const FULFILLMENT = feedById('fulfillment-csv-import').columns;
const INVOICE = feedById('invoice-import').columns;
const ALLOCATION = feedById('allocation-update-export').columns;
const NOW = new Date('2025-07-02T10:15:42.123Z');

/** Stock is not the point here: every location × item has 100 on hand unless a test says so. */
const context = (
  state: SimState,
  fulfillment?: FulfillmentOptions,
  now: Date = NOW,
  inventory: InventoryOptions = { defaultOnHand: 100 },
): RecordContext => ({
  state,
  options: { reexportUpdated: true, fulfillment, inventory },
  now: () => now,
  log: (entry) => state.log.push({ at: now.toISOString(), ...entry }),
});

/**
 * An account with order HC-O1 (50001): line 1 item 501 ×1 at 19.90, line 2 item 502 ×3 at 5.00,
 * line 3 item 503 ×2 at 7.25; ship item 4.
 */
const withOrder = (): SimState => {
  const state = emptyState();
  state.customers['1001'] = {
    internalId: '1001',
    externalId: 'S1',
    fields: {},
    rev: 0,
    createdAt: '',
    updatedAt: '',
  };
  for (const item of ['501', '502', '503']) state.items[item] = { itemId: item };
  const row = (orderLineId: string, item: string, quantity: string, price: string) => ({
    ...Object.fromEntries(feedById('sales-order-export').columns.map((c) => [c, ''])),
    orderId: '#1001',
    HCOrderId: 'HC-O1',
    HCShopifySalesOrderId: '5550001',
    externalId: 'SHOP-O1',
    salesChannel: '2',
    customer: '1001',
    date: '7/2/2025',
    country: 'US',
    shippingMethod: '4',
    item,
    orderLineId,
    quantity,
    price,
  });
  applySalesOrderRows(context(state), 'o.csv', [
    row('00101', '501', '1', '19.90'),
    row('00102', '502', '3', '5.00'),
    row('00103', '503', '2', '7.25'),
  ]);
  return state;
};

const allocate = (state: SimState, lineId: string, item: string, location: string, quantity = '') =>
  applyUpdateRows(context(state), 'a.csv', 'allocation', [
    {
      ...Object.fromEntries(ALLOCATION.map((c) => [c, ''])),
      internalId: '50001',
      lineId,
      item,
      location,
      quantity,
      shippingMethod: '4',
    },
  ]);

const omsFulfilled = (lineId: string, item: string, quantity: string) => ({
  lineId,
  internalId: '50001',
  item,
  quantity,
  location: '21',
  tags: 'hotwax-fulfilled',
});

/** The OMS shipped these: its rows, then the item fulfillment script's run. */
const omsShip = (state: SimState, rows: ReturnType<typeof omsFulfilled>[]) => {
  applyUpdateRows(context(state), 'f.csv', 'fulfilled', rows);
  return fulfilOmsLines(context(state));
};

const order = (state: SimState): SimSalesOrder => state.salesOrders['50001']!;
const netsuiteMade = (state: SimState, lineId: string) =>
  order(state)
    .lines.find((l) => l.lineId === lineId)!
    .itemFulfillments?.filter((f) => f.source === 'netsuite')
    .map((f) => f.quantity) ?? [];

describe('account dates', () => {
  it('writes shippedDate as M/D/YYYY h:mm am/pm, invoice dates MM/dd/yyyy, stamps yyyy-MM-dd-HH-mm-ss', () => {
    const at = new Date('2024-01-04T16:23:09Z');
    expect(accountDateTime(at)).toBe('1/4/2024 4:23 pm');
    expect(accountDateTime(new Date('2024-01-04T00:05:00Z'))).toBe('1/4/2024 12:05 am');
    expect(accountDateTime(new Date('2024-11-14T12:00:00Z'))).toBe('11/14/2024 12:00 pm');
    expect(accountDateTime(at, '-08:00')).toBe('1/4/2024 8:23 am');
    expect(accountDateTime(new Date('2024-01-01T02:00:00Z'), '-05:00')).toBe('12/31/2023 9:00 pm');
    expect(accountDate(at)).toBe('01/04/2024');
    expect(accountDate(new Date('2024-01-04T20:00:00Z'), '+05:30')).toBe('01/05/2024');
    expect(accountStamp(at)).toBe('2024-01-04-16-23-09');
    expect(accountStamp(at, '+02:00')).toBe('2024-01-04-18-23-09');
  });

  it('reads back, with the OMS parser at the same offset, as the instant to the minute', () => {
    for (const offset of ['Z', '-07:00', '+05:30', '+14:00']) {
      for (let i = 0; i < 200; i++) {
        const at = new Date(Date.UTC(2024, 0, 1) + i * 7_654_321_123);
        const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
        const read = parseNetsuiteDateTime(accountDateTime(at, offset), 'shippedDate', offset);
        expect(read).toEqual({ ok: true, row: minute });
      }
    }
  });
});

describe('fulfillment file names', () => {
  const at = new Date('2025-07-02T10:15:00Z');
  it('uses the newer dated style by default, Date.toString() on request, both when mixed', () => {
    expect(fulfillmentFileName({}, at)).toBe('2025-07-02-10-15-00-SalesOrderFulfillment.csv');
    expect(fulfillmentFileName({ accountUtcOffset: '-07:00', fulfillmentFormat: 'json' }, at)).toBe(
      '2025-07-02-03-15-00-SalesOrderFulfillment.json',
    );
    expect(fulfillmentFileName({ fulfillmentFileNames: 'date-string' }, at)).toBe(
      `${at.toString()}-SalesOrderFulfillment.csv`,
    );
    const mixed = Array.from({ length: 40 }, (_, i) =>
      fulfillmentFileName(
        { fulfillmentFileNames: 'mixed', seed: 3 },
        new Date(at.getTime() + i * 1000),
      ),
    );
    expect(mixed.filter((n) => /^\d{4}-\d\d-\d\d-/.test(n)).length).toBeGreaterThan(5);
    expect(mixed.filter((n) => n.includes('GMT')).length).toBeGreaterThan(5);
  });
});

describe('which lines NetSuite fulfils', () => {
  it('fulfils only lines allocated to a location, not rejected, not closed, with quantity left', () => {
    const state = withOrder();
    const everything = { fulfilShare: 1 };
    expect(fulfilLines(context(state, everything))).toEqual([]); // nothing allocated yet

    allocate(state, '1', '501', '7');
    allocate(state, '2', '502', '8');
    allocate(state, '3', '503', '7');
    order(state).lines[1]!.rejected = true; // a location rejected line 2
    order(state).lines[1]!.location = 'REJECTED';
    applyUpdateRows(context(state), 'c.csv', 'close', [
      { internalId: '50001', lineId: '3', closed: 'true' },
    ]);
    const made = fulfilLines(context(state, everything));
    expect(made.map((f) => [f.quantity, f.location, f.source])).toEqual([[1, '7', 'netsuite']]);
    expect(fulfilLines(context(state, everything))).toEqual([]); // line 1 has nothing left
    expect(order(state).lines[0]!.history!.map((e) => e.kind)).toEqual(['allocated', 'fulfilled']);
    expect(state.log.filter((e) => e.kind === 'fulfilled').map((e) => e.message)).toEqual([
      'line 1: 1 of 1 fulfilled at location 7 (item fulfillment 70001)',
    ]);
  });

  it('ships nothing by default; fulfilWhen picks lines; never a tagged line nor one at a store', () => {
    const state = withOrder();
    allocate(state, '1', '501', '7');
    allocate(state, '2', '502', '7');
    allocate(state, '3', '503', '22');
    expect(fulfilLines(context(state))).toEqual([]);
    // The OMS shipped line 1 itself: its row tags the line and moves it to store 21.
    applyUpdateRows(context(state), 'f.csv', 'fulfilled', [omsFulfilled('1', '501', '1')]);
    const seen: string[] = [];
    const storeCtx = context(state, {
      fulfilWhen: (l) => {
        seen.push(`${l.lineId}:${l.open}/${l.quantity}@${l.location}#${l.run}`);
        return true;
      },
    });
    const made = fulfilLines({
      ...storeCtx,
      options: { ...storeCtx.options, inventory: { defaultOnHand: 100, storeLocations: ['22'] } },
    });
    expect(seen).toEqual(['2:3/3@7#2']); // line 1 is tagged, line 3 is at store 22
    expect(made.map((f) => f.quantity)).toEqual([3]);
    expect(netsuiteMade(state, '1')).toEqual([]);
    expect(netsuiteMade(state, '3')).toEqual([]);
  });

  it('ships partialShare of the multi-unit lines in two parts, the rest on the next run', () => {
    const state = withOrder();
    allocate(state, '1', '501', '7');
    allocate(state, '2', '502', '7');
    const options: FulfillmentOptions = { fulfilWhen: (l) => l.run === 1, partialShare: 1 };
    fulfilLines(context(state, options));
    expect(netsuiteMade(state, '1')).toEqual([1]); // one unit cannot be split
    expect(netsuiteMade(state, '2')).toEqual([1]);
    fulfilLines(context(state, options)); // run 2: fulfilWhen says no, the rest ships anyway
    expect(netsuiteMade(state, '2')).toEqual([1, 2]);
    expect(fulfilLines(context(state, options))).toEqual([]);
  });

  it('ships only what the location committed; the backordered rest ships once stock arrives', () => {
    const state = withOrder();
    state.onHand['8'] = { '502': 1 };
    allocate(state, '2', '502', '8'); // line 2 (×3): 1 committed, 2 backordered at 8
    const always = { fulfilShare: 1 };
    const stock = { defaultOnHand: 0 };
    fulfilLines(context(state, always, NOW, stock));
    fulfilLines(context(state, always, NOW, stock));
    expect(netsuiteMade(state, '2')).toEqual([1]);
    expect(state.onHand['8']).toEqual({ '502': 0 });
    state.onHand['8']['502'] = 5; // received
    fulfilLines(context(state, {}, NOW, stock)); // started: the rest ships whatever the draws say
    expect(netsuiteMade(state, '2')).toEqual([1, 2]);
    expect(state.onHand['8']).toEqual({ '502': 3 });
    expect(fulfilLines(context(state, always, NOW, stock))).toEqual([]);

    // The update overwrote the quantity: NetSuite ships the new quantity, never more.
    const other = withOrder();
    allocate(other, '2', '502', '9', '2');
    fulfilLines(context(other, always));
    expect(order(other).lines[1]!.itemFulfillments!.map((f) => [f.location, f.quantity])).toEqual([
      ['9', 2],
    ]);
    expect(fulfilLines(context(other, always))).toEqual([]);
  });

  it('draws deterministically from the seed, near fulfilShare', () => {
    const run = (seed: number) => {
      const state = withOrder();
      for (let i = 0; i < 300; i++) {
        order(state).lines.push({
          ...structuredClone(order(state).lines[0]!),
          lineId: String(10 + i),
          location: '7',
        });
      }
      fulfilLines(context(state, { fulfilShare: 0.3, seed }, NOW, { defaultOnHand: 1000 }));
      return order(state)
        .lines.filter((l) => l.itemFulfillments?.length)
        .map((l) => l.lineId);
    };
    const picked = run(5);
    expect(picked.length).toBeGreaterThan(60);
    expect(picked.length).toBeLessThan(120);
    expect(run(5)).toEqual(picked);
    expect(run(6)).not.toEqual(picked);
  });
});

describe('fulfillment rows', () => {
  const fulfillment = (over: Partial<SimItemFulfillment> = {}): SimItemFulfillment => ({
    internalId: '70001',
    source: 'netsuite',
    quantity: 2,
    location: '7',
    at: '2024-01-04T16:23:00.000Z',
    shipment: {
      shippedAt: '2024-01-04T16:23:00.000Z',
      trackingNumbers: ['1Z001', '1Z002'],
      carrier: 'FedEx, Inc.',
      shippingMethod: 'Ground, 3-5 days',
      shippingMethodId: '4',
    },
    rev: 1,
    ...over,
  });

  it('are written unescaped, tracking numbers joined with " | ", and the OMS recovers them', () => {
    const state = withOrder();
    const line = order(state).lines[1]!;
    const row = fulfillmentRow(order(state), line, fulfillment(), '-08:00');
    expect(row).toEqual([
      'HC-O1',
      '00102',
      '7',
      '1/4/2024 8:23 am',
      '2',
      '1Z001 | 1Z002',
      'FedEx, Inc.',
      'Ground, 3-5 days',
      '4',
    ]);
    const text = unescapedCsv(FULFILLMENT, [row]);
    expect(text).toBe(
      'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId\n' +
        'HC-O1,00102,7,1/4/2024 8:23 am,2,1Z001 | 1Z002,FedEx, Inc.,Ground, 3-5 days,4\n',
    );
    const values = text.split('\n')[1]!.split(',');
    expect(values).toHaveLength(11); // two columns shifted
    expect(parseFulfillmentCsvRow(values, FULFILLMENT, { utcOffset: '-08:00' })).toEqual({
      ok: true,
      row: {
        orderId: 'HC-O1',
        lineSeq: '00102',
        facilityExternalId: '7',
        shippedAt: '2024-01-04T16:23:00.000Z',
        quantity: 2,
        trackingNumbers: ['1Z001', '1Z002'],
        carrier: 'FedEx, Inc.',
        shippingMethod: 'Ground, 3-5 days',
        shippingMethodId: '4',
      },
    });
  });

  it('draws carriers with commas for commaShare of the shipments, every one readable by the OMS', () => {
    const state = withOrder();
    const texts = Array.from({ length: 200 }, (_, i) =>
      drawShipmentText({ commaShare: 0.5, multiTrackingShare: 0.5, seed: 9 }, String(70001 + i)),
    );
    const commas = texts.filter((t) => COMMA_CARRIERS.some((c) => c.carrier === t.carrier));
    expect(commas.length).toBeGreaterThan(60);
    expect(commas.length).toBeLessThan(140);
    expect(texts.filter((t) => t.trackingNumbers.length === 2).length).toBeGreaterThan(60);
    expect(texts.filter((t) => t.trackingNumbers.length === 1).length).toBeGreaterThan(60);
    expect(texts.filter((t) => t.carrier.includes(',') || t.shippingMethod.includes(','))).toEqual(
      commas,
    );
    for (const [i, t] of texts.entries()) {
      const f = fulfillment({
        internalId: String(70001 + i),
        shipment: { ...t, shippedAt: NOW.toISOString(), shippingMethodId: '4' },
      });
      const values = fulfillmentRow(order(state), order(state).lines[0]!, f).join(',').split(',');
      const read = parseFulfillmentCsvRow(values, FULFILLMENT);
      expect(read).toMatchObject({
        ok: true,
        row: {
          carrier: t.carrier,
          shippingMethod: t.shippingMethod,
          trackingNumbers: t.trackingNumbers,
        },
      });
    }
    expect(drawShipmentText({ seed: 9 }, '70001')).toEqual(drawShipmentText({ seed: 9 }, '70001'));
  });

  it('export what is new, the boundary row repeated only when asked, nothing when nothing is new', () => {
    const state = withOrder();
    allocate(state, '1', '501', '7');
    allocate(state, '2', '502', '8');
    fulfilLines(context(state, { fulfilWhen: () => true, partialShare: 1 }));
    const first = planFulfillmentExport(state, { rev: 0 }, true)!;
    expect(first.rows.map((r) => [r[1], r[4], r[2]])).toEqual([
      ['00101', '1', '7'],
      ['00102', '1', '8'],
    ]);
    expect(first.fresh.map((f) => f.internalId)).toEqual(['70001', '70002']);
    expect(planFulfillmentExport(state, first.next, true)).toBeUndefined();

    fulfilLines(context(state, {}, new Date('2025-07-02T10:31:00Z')));
    const repeated = planFulfillmentExport(state, first.next, true)!;
    expect(repeated.rows.map((r) => [r[1], r[3], r[4]])).toEqual([
      ['00102', '7/2/2025 10:15 am', '1'],
      ['00102', '7/2/2025 10:31 am', '2'],
    ]);
    expect(repeated.fresh.map((f) => f.internalId)).toEqual(['70003']);
    expect(planFulfillmentExport(state, first.next, false)!.rows).toEqual(repeated.rows.slice(1));
  });

  it('JSON variant: one orderMap per order, readable by the OMS', () => {
    const state = withOrder();
    const rows = [
      fulfillmentRow(order(state), order(state).lines[0]!, fulfillment({ quantity: 1 })),
      fulfillmentRow(order(state), order(state).lines[1]!, fulfillment({ internalId: '70002' })),
    ];
    const json = fulfillmentJson([...rows, ['HC-O2', ...rows[0]!.slice(1)]]);
    expect(json).toEqual([
      {
        orderMap: {
          orderId: 'HC-O1',
          items: [
            {
              orderItemSeqId: '00101',
              externalFacilityId: '7',
              shippedDate: '1/4/2024 4:23 pm',
              quantity: 1,
              trackingNumber: '1Z001 | 1Z002',
              carrier: 'FedEx, Inc.',
              shippingMethod: 'Ground, 3-5 days',
            },
            expect.objectContaining({ orderItemSeqId: '00102', quantity: 2 }),
          ],
        },
      },
      { orderMap: { orderId: 'HC-O2', items: [expect.objectContaining({ quantity: 1 })] } },
    ]);
    const read = parseFulfillmentJson(JSON.parse(JSON.stringify(json)));
    expect(read.ok && read.items.map((i) => i.result.ok && i.result.row.carrier)).toEqual([
      'FedEx, Inc.',
      'FedEx, Inc.',
      'FedEx, Inc.',
    ]);
  });
});

describe('item fulfillments and closes from the OMS', () => {
  it('a row only sets quantity, location and tag; the script fulfils the line once', () => {
    const state = withOrder();
    applyUpdateRows(context(state), 'f1.csv', 'fulfilled', [
      omsFulfilled('2', '502', '2'), // line 2 (×3): the OMS shipped 2, the rest was cancelled
      omsFulfilled('1', '501', '2'), // line 1 (×1): quantity overwritten to 2
    ]);
    const line = order(state).lines[1]!;
    expect(line).toMatchObject({ location: '21', tags: 'hotwax-fulfilled' });
    expect(line.fields.quantity).toBe('2');
    expect(line.itemFulfillments).toBeUndefined(); // nothing fulfilled by the row itself
    expect(fulfilOmsLines(context(state)).map((f) => [f.source, f.quantity, f.receivedIn])).toEqual(
      [
        ['oms', 2, 'f1.csv'],
        ['oms', 2, 'f1.csv'],
      ],
    );
    expect(fulfilOmsLines(context(state))).toEqual([]); // once
    // A second row for line 2: the line has a fulfillment, so the script never fulfils it again.
    applyUpdateRows(context(state), 'f2.csv', 'fulfilled', [omsFulfilled('2', '502', '3')]);
    expect(fulfilOmsLines(context(state))).toEqual([]);
    expect(line.itemFulfillments!.map((f) => f.quantity)).toEqual([2]);
    expect(state.notFulfilled['50001/2']).toMatchObject({ code: 'already-fulfilled' });
    // Below what is fulfilled: refused.
    applyUpdateRows(context(state), 'f3.csv', 'fulfilled', [omsFulfilled('2', '502', '1')]);
    expect(state.log.filter((e) => e.kind === 'rejected').map((e) => e.message)).toEqual([
      'quantity 1 is below the 2 already fulfilled on line 2',
    ]);
  });

  it('closes a line once; a closed line takes no item fulfillment', () => {
    const state = withOrder();
    const ctx = context(state);
    const close = { internalId: '50001', lineId: '3', closed: 'true' };
    applyUpdateRows(ctx, 'c1.csv', 'close', [close]);
    applyUpdateRows(ctx, 'c2.csv', 'close', [close]);
    applyUpdateRows(ctx, 'f.csv', 'fulfilled', [omsFulfilled('3', '503', '1')]);
    const line = order(state).lines[2]!;
    expect(line.closed).toBe(true);
    expect(line.history!.map((e) => e.kind)).toEqual(['closed']);
    expect(line.itemFulfillments).toBeUndefined();
    expect(state.log.filter((e) => e.kind !== 'created').map((e) => [e.kind, e.message])).toEqual([
      ['updated', 'line 3 closed'],
      ['skipped', 'line 3 is already closed'],
      ['rejected', 'line 3 is closed'],
    ]);
  });
});

describe('invoicing', () => {
  const fulfilAll = (state: SimState, except: string[] = []) =>
    omsShip(
      state,
      order(state)
        .lines.filter((l) => !except.includes(l.lineId) && !l.closed)
        .map((l) => omsFulfilled(l.lineId, l.itemId, l.fields.quantity!)),
    );

  it('waits for every line not closed to be fully fulfilled, and for a deposit', () => {
    const state = withOrder();
    expect(invoiceDecision(order(state), 50, false)).toEqual({
      invoice: false,
      reason: 'line 1 has 0 of 1 fulfilled',
    });
    fulfilAll(state, ['3']);
    allocate(state, '3', '503', '7'); // line 3 ships from a warehouse, in two parts
    fulfilLines(context(state, { fulfilShare: 1, partialShare: 1 }));
    expect(invoiceDecision(order(state), 50, false)).toEqual({
      invoice: false,
      reason: 'line 3 has 1 of 2 fulfilled',
    });
    fulfilLines(context(state, {})); // part 2
    expect(invoiceDecision(order(state), 0, false)).toEqual({
      invoice: false,
      reason: 'no customer deposit',
    });
    expect(invoiceDecision(order(state), 50, true)).toEqual({
      invoice: false,
      reason: 'already invoiced',
    });
    expect(invoiceDecision(order(state), 20, false)).toEqual({
      invoice: true,
      lines: [
        { lineId: '1', orderLineId: '00101', quantity: 1, price: 19.9, amount: 19.9 },
        { lineId: '2', orderLineId: '00102', quantity: 3, price: 5, amount: 15 },
        { lineId: '3', orderLineId: '00103', quantity: 2, price: 7.25, amount: 14.5 },
      ],
      total: 49.4,
      depositApplied: 20,
      amountDue: 29.4,
    });
    expect(invoiceDecision(order(state), 80, false)).toMatchObject({
      total: 49.4,
      depositApplied: 49.4,
      amountDue: 0,
    });
  });

  it('bills nothing for closed lines, and never invoices an order whose lines are all closed', () => {
    const state = withOrder();
    applyUpdateRows(context(state), 'c.csv', 'close', [
      { internalId: '50001', lineId: '2', closed: 'true' },
    ]);
    fulfilAll(state, ['2']);
    expect(invoiceDecision(order(state), 100, false)).toMatchObject({
      invoice: true,
      lines: [{ lineId: '1' }, { lineId: '3' }],
      total: 34.4,
      amountDue: 0,
    });
    for (const l of order(state).lines) l.closed = true;
    expect(invoiceDecision(order(state), 100, false)).toEqual({
      invoice: false,
      reason: 'every line is closed',
    });
  });

  it('drafts each invoice once, with ids and numbers from the account, rows the OMS reads', () => {
    const state = withOrder();
    fulfilAll(state);
    const deposit = (id: string, amount: number) =>
      (state.deposits[id] = {
        internalId: id,
        externalId: `PAY-${id}`,
        salesOrderId: '50001',
        totalAmount: amount,
        fields: {},
        rev: 0,
        createdAt: '',
        updatedAt: '',
      });
    const at = new Date('2025-07-02T03:30:00Z');
    expect(draftInvoices(state, at, 'x.csv')).toEqual([]); // no deposit yet
    deposit('90001', 10);
    deposit('90002', 15.55);
    const [invoice, ...more] = draftInvoices(state, at, 'Order_Invoice-x.csv', '-07:00');
    expect(more).toEqual([]);
    expect(invoice).toMatchObject({
      internalId: '80001',
      invoiceNumber: 'INV000100',
      salesOrderId: '50001',
      hcOrderId: 'HC-O1',
      shopifyOrderName: '#1001',
      shopifyOrderId: '5550001',
      total: 49.4,
      depositApplied: 25.55,
      amountDue: 23.85,
      invoiceDate: '07/01/2025',
      file: 'Order_Invoice-x.csv',
    });
    expect(state.invoices).toEqual({}); // drafting changes nothing
    const row = invoiceRow(invoice!);
    expect(row).toEqual([
      '80001',
      '#1001',
      '5550001',
      '50001',
      'HC-O1',
      'INV000100',
      '49.40',
      '23.85',
      '07/01/2025',
    ]);
    const read = readCsv(unescapedCsv(INVOICE, [row]));
    expect(read.ok && parseInvoiceRow(rowObjects(read.file)[0]!)).toEqual({
      ok: true,
      row: {
        invoiceId: '80001',
        orderId: 'HC-O1',
        netsuiteOrderId: '50001',
        invoiceNumber: 'INV000100',
        total: 49.4,
        amountDue: 23.85,
        invoiceDate: '2025-07-01',
      },
    });

    commitInvoices(state, [invoice!]);
    expect(draftInvoices(state, at, 'y.csv')).toEqual([]); // invoiced once
    expect(nextId(state, 'invoice')).toBe('80002');
    expect(state.counters.invoiceNumber).toBe(101);
  });
});

describe('options and persistence', () => {
  it('refuses shares outside 0..1, a bad UTC offset, an unknown file-name style or format', () => {
    expect(() => checkFulfillmentOptions({ fulfilShare: 1.2 })).toThrow(/fulfilShare 1.2/);
    expect(() => checkFulfillmentOptions({ partialShare: -1 })).toThrow(/partialShare/);
    expect(() => checkFulfillmentOptions({ boundaryRepeatShare: Number.NaN })).toThrow(
      /boundaryRepeatShare/,
    );
    expect(() => checkFulfillmentOptions({ accountUtcOffset: 'PST' })).toThrow(/UTC offset/);
    expect(() =>
      checkFulfillmentOptions({ fulfillmentFileNames: 'old' as unknown as 'dated' }),
    ).toThrow(/fulfillmentFileNames/);
    expect(() => checkFulfillmentOptions({ fulfillmentFormat: 'xml' as unknown as 'csv' })).toThrow(
      /fulfillmentFormat/,
    );
    expect(() =>
      checkFulfillmentOptions({ fulfilShare: 1, accountUtcOffset: '-07:00' }),
    ).not.toThrow();
    expect(() => new NetsuiteSimulator({ host: 'h', port: 1, user: 'u', commaShare: 2 })).toThrow(
      /commaShare/,
    );
  });

  it('keeps item fulfillments, invoices and counters across restarts; older files load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-sim-'));
    try {
      const file = join(dir, 'netsuite.json');
      const state = withOrder();
      omsShip(state, [omsFulfilled('1', '501', '1')]);
      commitInvoices(state, [
        { ...draftInvoicesFor(state)[0]!, internalId: '80007', invoiceNumber: 'INV000123' },
      ]);
      saveState(file, state);
      const loaded = loadState(file);
      expect(loaded).toEqual(state);
      expect(nextId(loaded, 'itemFulfillment')).toBe('70002');
      expect(nextId(loaded, 'invoice')).toBe('80008');

      // A version-1 state saved before fulfillment and the books existed: no invoices, no
      // locations, no on hand, no line creation numbers, no new counters.
      const old = JSON.parse(JSON.stringify(withOrder())) as {
        version: number;
        counters: Record<string, number>;
        salesOrders: Record<string, { lines: Array<{ seq?: number }> }>;
        [part: string]: unknown;
      };
      old.version = 1;
      for (const part of ['invoices', 'locations', 'onHand', 'transactions', 'purchaseOrders'])
        delete old[part];
      for (const part of ['creditMemos', 'notFulfilled']) delete old[part];
      delete old.counters.lineSeq;
      for (const l of old.salesOrders['50001']!.lines) delete l.seq;
      writeFileSync(file, JSON.stringify(old));
      const upgraded = loadState(file);
      expect(upgraded.version).toBe(2);
      expect(upgraded).toMatchObject({ invoices: {}, locations: {}, onHand: {}, transactions: {} });
      expect(upgraded.salesOrders['50001']!.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
      expect(upgraded.counters.lineSeq).toBe(4);
      expect(nextId(upgraded, 'itemFulfillment')).toBe('70001');
      expect(nextId(upgraded, 'invoice')).toBe('80001');
      writeFileSync(file, JSON.stringify({ ...old, version: 3 }));
      expect(() => loadState(file)).toThrow(/unknown simulator state version 3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** An invoice for HC-O1 as if every line shipped and a deposit existed (persistence test). */
function draftInvoicesFor(state: SimState) {
  const copy = structuredClone(state);
  for (const l of order(copy).lines) {
    l.itemFulfillments = [
      {
        internalId: '1',
        source: 'oms',
        quantity: Number(l.fields.quantity),
        location: '21',
        at: '',
        rev: 0,
      },
    ];
  }
  copy.deposits['90001'] = {
    internalId: '90001',
    externalId: 'P',
    salesOrderId: '50001',
    totalAmount: 1,
    fields: {},
    rev: 0,
    createdAt: '',
    updatedAt: '',
  };
  return draftInvoices(copy, NOW, 'Order_Invoice-p.csv');
}
