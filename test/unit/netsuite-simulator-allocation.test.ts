/** The NetSuite simulator's allocation update and rejections: the pure parts. */
import { describe, expect, it } from 'vitest';
import { feedById } from '../../shared/feeds/catalog.ts';
import type {
  AllocatedLine,
  RecordContext,
  RejectionOptions,
} from '../../local/netsuite/context.ts';
import { headerProblemAny } from '../../local/netsuite/csv-file.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { planExport } from '../../local/netsuite/scripts/id-exports.ts';
import { REJECTED_ITEMS } from '../../local/netsuite/scripts/rejected-item-export.ts';
import {
  checkRejectionOptions,
  rejectionText,
  rejects,
  seededDraw,
} from '../../local/netsuite/scripts/rejections.ts';
import { applySalesOrderRows } from '../../local/netsuite/scripts/sales-order-import.ts';
import {
  UPDATE_MAPPINGS,
  allocationCounts,
  applyUpdateRows,
  updateKind,
} from '../../local/netsuite/scripts/sales-order-update-import.ts';
import { emptyState, type SimState } from '../../local/netsuite/state.ts';

const ALLOCATION = feedById('allocation-update-export').columns;

const context = (state: SimState, rejections?: RejectionOptions): RecordContext => ({
  state,
  options: { reexportUpdated: true, rejections },
  now: () => new Date('2025-07-02T10:15:00Z'),
  log: (entry) => state.log.push({ at: '2025-07-02T10:15:00.000Z', ...entry }),
});

/** An account with one customer, items 501 and 502, and order HC-O1 (50001) of two lines. */
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
  state.items['501'] = { itemId: '501' };
  state.items['502'] = { itemId: '502' };
  const row = (orderLineId: string, item: string) => ({
    ...Object.fromEntries(feedById('sales-order-export').columns.map((c) => [c, ''])),
    HCOrderId: 'HC-O1',
    externalId: 'SHOP-O1',
    salesChannel: '2',
    customer: '1001',
    date: '7/2/2025',
    country: 'US',
    quantity: '1',
    item,
    orderLineId,
  });
  applySalesOrderRows(context(state), 'o.csv', [row('00101', '501'), row('00102', '502')]);
  return state;
};

const alloc = (
  lineId: string,
  item: string,
  location: string,
  over: Record<string, string> = {},
) => ({
  ...Object.fromEntries(ALLOCATION.map((c) => [c, ''])),
  internalId: '50001',
  lineId,
  item,
  location,
  quantity: '1',
  ...over,
});

const refused = (state: SimState) =>
  state.log.filter((e) => e.kind === 'rejected').map((e) => e.message);

const allocated = (over: Partial<AllocatedLine> = {}): AllocatedLine => ({
  internalId: '50001',
  hcOrderId: 'HC-O1',
  lineId: '1',
  orderLineId: '00101',
  itemId: '501',
  location: '7',
  quantity: '1',
  attempt: 1,
  ...over,
});

describe('salesorder/update layouts', () => {
  it('takes the three exact headers in any order, `rejected` optional for allocations', () => {
    expect(updateKind(ALLOCATION)).toBe('allocation');
    expect(updateKind(ALLOCATION.filter((c) => c !== 'rejected'))).toBe('allocation');
    expect(updateKind([...ALLOCATION].reverse())).toBe('allocation');
    expect(updateKind(['lineId', 'internalId', 'item', 'quantity', 'location', 'tags'])).toBe(
      'fulfilled',
    );
    expect(updateKind(['internalId', 'lineId', 'closed'])).toBe('close');
    expect(updateKind(['internalId', 'lineId', 'Closed'])).toBeUndefined();
    expect(updateKind(['internalId', 'lineId', 'closed', 'closed'])).toBeUndefined();
    expect(updateKind(['internalId', 'lineId', 'closed', 'rejected'])).toBeUndefined();
  });

  it('reports the problem against the closest layout', () => {
    const mappings = Object.values(UPDATE_MAPPINGS);
    expect(headerProblemAny(['internalId', 'lineId', 'closed'], mappings)).toBeUndefined();
    expect(headerProblemAny(['internalId', 'lineid', 'closed'], mappings)).toBe(
      'header does not match the import mapping: missing column(s) lineId; unknown column(s) lineid',
    );
  });
});

describe('rejection rules', () => {
  it('draws deterministically from the seed, near the configured share', () => {
    expect(seededDraw(1, 'a')).toBe(seededDraw(1, 'a'));
    expect(seededDraw(1, 'a')).not.toBe(seededDraw(2, 'a'));
    const lines = Array.from({ length: 2000 }, (_, i) => allocated({ internalId: String(i) }));
    const picked = (options: RejectionOptions) =>
      lines.filter((l) => rejects(options, l)).map((l) => l.internalId);
    const quarter = picked({ rejectShare: 0.25, seed: 42 });
    expect(quarter.length).toBeGreaterThan(400);
    expect(quarter.length).toBeLessThan(600);
    expect(picked({ rejectShare: 0.25, seed: 42 })).toEqual(quarter);
    expect(picked({ rejectShare: 0.25, seed: 43 })).not.toEqual(quarter);
    expect(picked({ rejectShare: 0 })).toEqual([]);
    expect(picked({ rejectShare: 1 })).toHaveLength(2000);
    expect(picked({})).toEqual([]);
  });

  it('rejects at rejecting locations and when the hook says so, never at Rejected Orders', () => {
    expect(rejects(undefined, allocated())).toBe(false);
    expect(rejects({ rejectingLocations: ['7'] }, allocated())).toBe(true);
    expect(rejects({ rejectingLocations: ['8'] }, allocated())).toBe(false);
    expect(rejects({ rejectWhen: (l) => l.attempt === 2 }, allocated({ attempt: 2 }))).toBe(true);
    expect(rejects({ rejectShare: 1 }, allocated({ location: 'REJECTED' }))).toBe(false);
    expect(
      rejects({ rejectShare: 1, rejectedLocationId: '99' }, allocated({ location: '99' })),
    ).toBe(false);
  });

  it('rotates reasons and comments, the reason often empty', () => {
    const texts = [0, 1, 2, 3, 4].map((i) => rejectionText(i, allocated()));
    expect(texts).toEqual([
      { reason: '', comments: 'Not found in bin, location 7' },
      { reason: 'Out of stock', comments: 'Inventory count short' },
      { reason: '', comments: '' },
      { reason: 'Damaged', comments: 'Box damaged, item 501 not shippable' },
      { reason: '', comments: 'Not found in bin, location 7' },
    ]);
  });

  it('refuses a share outside 0..1', () => {
    expect(() => checkRejectionOptions({ rejectShare: 1.5 })).toThrow(/rejectShare 1.5/);
    expect(() => checkRejectionOptions({ rejectShare: Number.NaN })).toThrow(/rejectShare/);
    expect(
      () => new NetsuiteSimulator({ host: 'h', port: 1, user: 'u', rejectShare: -0.1 }),
    ).toThrow(/rejectShare/);
  });
});

describe('allocation rows', () => {
  it('refuse bad rows inside NetSuite and leave the line untouched', () => {
    const state = withOrder();
    state.locations['7'] = { id: '7', kind: 'warehouse' };
    const refusals = applyUpdateRows(context(state), 'a.csv', 'allocation', [
      alloc('1', '501', '7', { quantity: 'two' }),
      alloc('1', '501', '7', { quantity: '1.5' }),
      alloc('1', '501', '7', { rejected: 'true' }),
      alloc('1', '501', '7', { closed: 'maybe' }),
      alloc('1', '501', '99'),
      alloc('3', '501', '7'),
      alloc('1', '502', '7'),
      { ...alloc('1', '501', '7'), internalId: '' },
    ]);
    const messages = [
      'invalid quantity two',
      'invalid quantity 1.5',
      'rejected=true: only a NetSuite location rejects',
      'closed maybe is not true or false',
      'location 99 does not exist',
      'line 3 does not exist on sales order 50001',
      "item 502 is not the line's item 501",
      'sales order (empty) does not exist',
    ];
    expect(refused(state)).toEqual(messages);
    expect(refusals).toEqual(messages.map((message, index) => ({ index, message })));
    expect(state.salesOrders['50001']!.lines[0]!.location).toBeUndefined();
  });

  it('an empty cell leaves the field: a row without location keeps the line where it is', () => {
    const state = withOrder();
    applyUpdateRows(context(state), 'a.csv', 'allocation', [alloc('1', '501', '7')]);
    applyUpdateRows(context(state), 'b.csv', 'allocation', [
      alloc('1', '501', '', { quantity: '3', city: 'Salem' }),
    ]);
    const line = state.salesOrders['50001']!.lines[0]!;
    expect(line).toMatchObject({ location: '7', fields: { quantity: '3', city: 'Salem' } });
    expect(refused(state)).toEqual([]);
  });

  it('evaluate the rules only when the location changes; closed=true closes the line', () => {
    const state = withOrder();
    const calls: string[] = [];
    const ctx = context(state, { rejectWhen: (l) => (calls.push(l.location), false) });
    applyUpdateRows(ctx, 'a.csv', 'allocation', [alloc('1', '501', '7'), alloc('1', '501', '7')]);
    applyUpdateRows(ctx, 'b.csv', 'allocation', [
      alloc('1', '501', '8', { quantity: '' }),
      alloc('2', '502', '7', { closed: 'true' }),
      alloc('2', '502', '8'),
    ]);
    expect(calls).toEqual(['7', '8']);
    const [first, second] = state.salesOrders['50001']!.lines;
    expect(first).toMatchObject({ location: '8', fields: { quantity: '1' } });
    expect(second).toMatchObject({ closed: true });
    expect(second!.location).toBeUndefined();
    expect(refused(state)).toEqual(['line 2 is closed']);
    expect(allocationCounts(state, 'REJECTED')).toEqual({
      allocatedLines: { '8': 1 },
      rejectedLines: 0,
      lineRejections: 0,
    });
  });

  it('rejected lines go to the Rejected Orders location and to the rejected-items export', () => {
    const state = withOrder();
    const ctx = context(state, { rejectingLocations: ['13'], rejectedLocationId: 'RJ' });
    applyUpdateRows(ctx, 'a.csv', 'allocation', [alloc('1', '501', '13'), alloc('2', '502', '7')]);
    expect(allocationCounts(state, 'RJ')).toEqual({
      allocatedLines: { '7': 1 },
      rejectedLines: 1,
      lineRejections: 1,
    });
    const cursor = { rev: 0 };
    const plan = planExport(state, REJECTED_ITEMS, cursor)!;
    expect(plan.rows).toEqual([['HC-O1', '00101', 'Not found in bin, location 13', '']]);
    state.exports['rejected-item-import'] = plan.next;

    // Cleared and re-allocated elsewhere: leaves RJ, nothing new to export.
    applyUpdateRows(ctx, 'b.csv', 'allocation', [alloc('1', '501', '8', { rejected: 'false' })]);
    expect(state.salesOrders['50001']!.lines[0]).toMatchObject({ location: '8', rejected: false });
    expect(planExport(state, REJECTED_ITEMS, plan.next)).toBeUndefined();
    expect(allocationCounts(state, 'RJ').rejectedLines).toBe(0);
  });
});

describe('OMS-fulfilled and close rows', () => {
  it('are recorded on the line; bad ones are refused', () => {
    const state = withOrder();
    const ctx = context(state);
    const fulfilled = (over: Record<string, string>) => ({
      lineId: '1',
      internalId: '50001',
      item: '501',
      quantity: '1',
      location: '21',
      tags: 'hotwax-fulfilled',
      ...over,
    });
    applyUpdateRows(ctx, 'f.csv', 'fulfilled', [
      fulfilled({}),
      fulfilled({ tags: '' }), // an empty cell leaves the tag
      fulfilled({ quantity: '0' }),
      fulfilled({ location: '' }), // an empty cell leaves the location
    ]);
    applyUpdateRows(ctx, 'c.csv', 'close', [
      { internalId: '50001', lineId: '2', closed: 'true' },
      { internalId: '50001', lineId: '1', closed: 'false' },
    ]);
    const [first, second] = state.salesOrders['50001']!.lines;
    expect(first!.fulfilledByOms).toEqual({ quantity: '1', location: '21' });
    expect(first).toMatchObject({ location: '21', tags: 'hotwax-fulfilled' });
    expect(first!.itemFulfillments).toBeUndefined(); // the item fulfillment script makes it
    expect(first!.closed).toBeUndefined();
    expect(second!.closed).toBe(true);
    expect(second!.history!.map((e) => e.kind)).toEqual(['closed']);
    expect(refused(state)).toEqual(['invalid quantity 0', 'closed false is not true']);
  });
});
