/** FIFO planning, re-promise, over-allocation and the PO row checks: pure domain code. */
import { describe, expect, it } from 'vitest';
import {
  planFifo,
  planOverAllocation,
  planRepromise,
  type Allocation,
  type Demand,
  type Supply,
} from '../../shared/domain/preorder/fifo.ts';
import { parsePurchaseOrderRow, parseUsDate } from '../../shared/domain/preorder/purchase-order.ts';

const demand = (
  orderId: string,
  orderDate: string,
  q: number,
  extra: Partial<Demand> = {},
): Demand => ({
  orderId,
  lineSeq: '00001',
  sku: 'S',
  orderDate,
  open: { 1100: q },
  blockingHolds: [],
  ...extra,
});
const supply = (
  poId: string,
  arrivalDate: string,
  atp: number,
  extra: Partial<Supply> = {},
): Supply => ({
  poId,
  lineId: '1',
  sku: 'S',
  arrivalDate,
  atp,
  open: true,
  ...extra,
});

describe('planFifo', () => {
  it('serves by order date, then order id, then line, from the earliest arrival', () => {
    const plan = planFifo(
      [
        demand('O3', '2025-01-02', 1),
        demand('O2', '2025-01-01', 1, { lineSeq: '00002' }),
        demand('O2', '2025-01-01', 1),
        demand('O1', '2025-01-01', 1),
      ],
      [supply('LATE', '2026-05-01', 10), supply('EARLY', '2026-02-01', 2)],
    );
    expect(plan.allocations.map((a) => `${a.orderId}/${a.lineSeq}→${a.poId}`)).toEqual([
      'O1/00001→EARLY',
      'O2/00001→EARLY',
      'O2/00002→LATE',
      'O3/00001→LATE',
    ]);
  });

  it('splits a line across PO lines and reports what no PO covers', () => {
    const plan = planFifo(
      [demand('A', '2025-01-01', 3), demand('B', '2025-01-02', 2)],
      [supply('P1', '2026-01-01', 2), supply('P2', '2026-02-01', 2)],
    );
    expect(plan.allocations.map((a) => [a.orderId, a.poId, a.quantity])).toEqual([
      ['A', 'P1', 2],
      ['A', 'P2', 1],
      ['B', 'P2', 1],
    ]);
    expect(plan.unfilled).toEqual([{ orderId: 'B', lineSeq: '00001', quantity: 1 }]);
  });

  it('skips held lines, other SKUs, closed POs and POs without ATP; takes 1100 before 1300', () => {
    const plan = planFifo(
      [
        demand('H', '2025-01-01', 1, { blockingHolds: ['AWAITING_NETSUITE_IDS'] }),
        demand('X', '2025-01-02', 1, { sku: 'OTHER' }),
        demand('B', '2025-01-03', 0, { open: { 1100: 1, 1300: 1 } }),
      ],
      [
        supply('CLOSED', '2025-12-01', 5, { open: false }),
        supply('EMPTY', '2025-12-02', 0),
        supply('OVER', '2025-12-03', -2),
        supply('OK', '2026-01-01', 5),
      ],
    );
    expect(plan.held).toEqual([
      { orderId: 'H', lineSeq: '00001', holds: ['AWAITING_NETSUITE_IDS'] },
    ]);
    expect(plan.allocations.map((a) => [a.orderId, a.from, a.poId])).toEqual([
      ['B', 1100, 'OK'],
      ['B', 1300, 'OK'],
    ]);
    expect(plan.unfilled).toEqual([{ orderId: 'X', lineSeq: '00001', quantity: 1 }]);
  });
});

const allocation = (
  orderId: string,
  orderDate: string,
  poId: string,
  quantity: number,
): Allocation => ({
  poId,
  lineId: '1',
  sku: 'S',
  orderId,
  lineSeq: '00001',
  orderDate,
  quantity,
  promisedDate: '2026-06-01',
});

describe('planRepromise and planOverAllocation', () => {
  it('moves the earliest customers onto an earlier PO with ATP, never onto a later one', () => {
    const transfers = planRepromise(
      [allocation('B', '2025-01-02', 'LATE', 2), allocation('A', '2025-01-01', 'LATE', 1)],
      [
        supply('LATE', '2026-06-01', 0),
        supply('EARLY', '2026-03-01', 2),
        supply('LATER', '2026-09-01', 9),
      ],
    );
    expect(transfers.map((t) => [t.allocation.orderId, t.quantity, t.to.poId])).toEqual([
      ['A', 1, 'EARLY'],
      ['B', 1, 'EARLY'],
    ]);
  });

  it('gives back the newest allocations first until ATP is 0', () => {
    const out = planOverAllocation({ atp: -3 }, [
      allocation('A', '2025-01-01', 'P', 2),
      allocation('C', '2025-01-03', 'P', 2),
      allocation('B', '2025-01-02', 'P', 2),
    ]);
    expect(out.map((x) => [x.allocation.orderId, x.quantity])).toEqual([
      ['C', 2],
      ['B', 1],
    ]);
    expect(planOverAllocation({ atp: 0 }, [allocation('A', '2025-01-01', 'P', 2)])).toEqual([]);
  });
});

describe('open purchase order rows', () => {
  const row = (over: Record<string, string> = {}) => ({
    'external-id': 'PO-1',
    'product-sku': 'SKU-1',
    quantity: '12',
    'external-facility-id': '101',
    'item-external-id': '3',
    'arrival-date': '03/15/2026',
    ...over,
  });

  it('reads MM/DD/YYYY dates (and M/D/YYYY), refusing impossible ones', () => {
    expect(parseUsDate('03/15/2026')).toBe('2026-03-15');
    expect(parseUsDate('3/5/2026')).toBe('2026-03-05');
    expect(parseUsDate('02/30/2026')).toBeUndefined();
    expect(parseUsDate('2026-03-15')).toBeUndefined();
    expect(parseUsDate('13/01/2026')).toBeUndefined();
  });

  it('accepts a good row and names the field at fault otherwise', () => {
    expect(parsePurchaseOrderRow(row())).toEqual({
      ok: true,
      row: {
        poId: 'PO-1',
        lineId: '3',
        sku: 'SKU-1',
        quantity: 12,
        externalFacilityId: '101',
        arrivalDate: '2026-03-15',
      },
    });
    const field = (over: Record<string, string>) => {
      const r = parsePurchaseOrderRow(row(over));
      return r.ok ? 'ok' : r.field;
    };
    expect(field({ 'external-id': '' })).toBe('external-id');
    expect(field({ 'external-id': 'PO#1' })).toBe('external-id');
    expect(field({ 'product-sku': ' ' })).toBe('product-sku');
    expect(field({ quantity: '-1' })).toBe('quantity');
    expect(field({ quantity: '1.5' })).toBe('quantity');
    expect(field({ quantity: '0' })).toBe('ok');
    expect(field({ 'external-facility-id': '' })).toBe('external-facility-id');
    expect(field({ 'item-external-id': '' })).toBe('item-external-id');
    expect(field({ 'arrival-date': 'soon' })).toBe('arrival-date');
  });
});
