import { describe, expect, it } from 'vitest';
import {
  BROKERING_QUEUE,
  UNFILLABLE_PARKING,
  matchOrder,
  matchesOrderFilters,
  sortOrders,
  type OrderFilters,
} from '../../shared/domain/brokering/index.ts';
import { NOW, line, order } from './brokering-fixtures.ts';

const filters = (over: Partial<OrderFilters> = {}): OrderFilters => ({
  queue: { include: [BROKERING_QUEUE] },
  ...over,
});

const o = order([line('00001', 'A', 1)], {
  priority: 5,
  salesChannel: 'WEB',
  originFacilityGroup: 'OUTLETS',
  promiseDate: '2025-07-04T10:00:00.000Z',
});

describe('order-level filters', () => {
  it.each<[string, Partial<OrderFilters>, boolean]>([
    ['priority include hit', { priority: { include: [5, 9] } }, true],
    ['priority include miss', { priority: { include: [9] } }, false],
    ['priority exclude hit', { priority: { exclude: [5] } }, false],
    ['priority exclude miss', { priority: { exclude: [0] } }, true],
    ['salesChannel include hit', { salesChannel: { include: ['WEB'] } }, true],
    ['salesChannel include miss', { salesChannel: { include: ['POS'] } }, false],
    ['salesChannel exclude hit', { salesChannel: { exclude: ['WEB'] } }, false],
    ['salesChannel exclude miss', { salesChannel: { exclude: ['POS'] } }, true],
    [
      'salesChannel include and exclude',
      { salesChannel: { include: ['WEB'], exclude: ['WEB'] } },
      false,
    ],
    ['origin group include hit', { originFacilityGroup: { include: ['OUTLETS'] } }, true],
    ['origin group include miss', { originFacilityGroup: { include: ['MALLS'] } }, false],
    ['origin group exclude hit', { originFacilityGroup: { exclude: ['OUTLETS'] } }, false],
    ['origin group exclude miss', { originFacilityGroup: { exclude: ['MALLS'] } }, true],
    [
      'promise date within 2 days (exactly at the cutoff)',
      { promiseDate: { withinDays: 2 } },
      true,
    ],
    ['promise date not within 1 day', { promiseDate: { withinDays: 1 } }, false],
    [
      'promise date exclude within 2 days',
      { promiseDate: { withinDays: 2, exclude: true } },
      false,
    ],
    ['promise date exclude within 1 day', { promiseDate: { withinDays: 1, exclude: true } }, true],
  ])('%s', (_name, over, expected) => {
    expect(matchesOrderFilters(o, filters(over), NOW)).toBe(expected);
  });

  it('treats missing values: include fails, exclude passes; priority counts as 0', () => {
    const bare = order([line('00001', 'A', 1)]);
    expect(
      matchesOrderFilters(bare, filters({ originFacilityGroup: { include: ['X'] } }), NOW),
    ).toBe(false);
    expect(
      matchesOrderFilters(bare, filters({ originFacilityGroup: { exclude: ['X'] } }), NOW),
    ).toBe(true);
    expect(matchesOrderFilters(bare, filters({ promiseDate: { withinDays: 30 } }), NOW)).toBe(
      false,
    );
    expect(
      matchesOrderFilters(bare, filters({ promiseDate: { withinDays: 30, exclude: true } }), NOW),
    ).toBe(true);
    expect(matchesOrderFilters(bare, filters({ priority: { include: [0] } }), NOW)).toBe(true);
  });

  it('names the failing filter', () => {
    expect(matchOrder(o, filters({ salesChannel: { include: ['POS'] } }), NOW)).toEqual({
      matched: false,
      failed: { filter: 'salesChannel', message: '"WEB" is not in [POS]' },
      lines: [],
      skippedLines: [],
    });
    expect(matchOrder(o, filters({ priority: { exclude: [5] } }), NOW).failed).toEqual({
      filter: 'priority',
      message: '5 is excluded',
    });
    expect(matchOrder(o, filters({ promiseDate: { withinDays: 1 } }), NOW).failed).toEqual({
      filter: 'promiseDate',
      message: '"2025-07-04T10:00:00.000Z" is not within 1 days (by 2025-07-03T10:00:00.000Z)',
    });
  });
});

describe('line-level filters', () => {
  const mixed = order([
    line('00001', 'A', 1, { shippingMethod: 'NEXT_DAY', category: 'SHOES' }),
    line('00002', 'B', 1, { shippingMethod: 'STANDARD', category: 'HATS' }),
    line('00003', 'C', 1, { shippingMethod: 'STANDARD', queue: UNFILLABLE_PARKING }),
    line('00004', 'D', 0),
  ]);

  it.each<[string, Partial<OrderFilters>, string[]]>([
    ['default queue', {}, ['00001', '00002']],
    ['queue include', { queue: { include: [UNFILLABLE_PARKING] } }, ['00003']],
    ['queue exclude', { queue: { exclude: [UNFILLABLE_PARKING] } }, ['00001', '00002']],
    ['shipping method include', { shippingMethod: { include: ['NEXT_DAY'] } }, ['00001']],
    ['shipping method exclude', { shippingMethod: { exclude: ['NEXT_DAY'] } }, ['00002']],
    ['category include', { productCategory: { include: ['HATS'] } }, ['00002']],
    ['category exclude', { productCategory: { exclude: ['HATS'] } }, ['00001']],
  ])('%s selects %j', (_name, over, lines) => {
    expect(matchOrder(mixed, filters(over), NOW).lines).toEqual(lines);
  });

  it('lists skipped lines and fails with "lines" when none passes (zero-quantity lines ignored)', () => {
    const m = matchOrder(mixed, filters({ productCategory: { include: ['BAGS'] } }), NOW);
    expect(m.matched).toBe(false);
    expect(m.failed).toEqual({
      filter: 'lines',
      message: 'no line passes: 00001 productCategory "SHOES" is not in [BAGS]',
    });
    expect(m.skippedLines).toEqual([
      { lineSeq: '00001', filter: 'productCategory', message: '"SHOES" is not in [BAGS]' },
      { lineSeq: '00002', filter: 'productCategory', message: '"HATS" is not in [BAGS]' },
      {
        lineSeq: '00003',
        filter: 'queue',
        message: '"_UNFILLABLE_PARKING_" is not in [_BROKERING_QUEUE_]',
      },
    ]);
  });
});

describe('sortOrders', () => {
  const a = {
    orderId: 'A',
    orderDate: '2025-07-01T00:00:00Z',
    priority: 1,
    shipBy: '2025-07-05T00:00:00Z',
  };
  const b = { orderId: 'B', orderDate: '2025-06-30T00:00:00Z', shipBy: '2025-07-03T00:00:00Z' };
  const c = { orderId: 'C', orderDate: '2025-07-02T00:00:00Z', priority: 9 };
  const d = {
    orderId: 'D',
    orderDate: '2025-06-30T00:00:00Z',
    priority: 1,
    shipBy: '2025-07-03T00:00:00Z',
  };
  const ids = (xs: { orderId: string }[]) => xs.map((x) => x.orderId);

  it('defaults to oldest order date first, ties by order id', () => {
    expect(ids(sortOrders([c, a, d, b], []))).toEqual(['B', 'D', 'A', 'C']);
  });
  it('orderDate desc', () => {
    expect(ids(sortOrders([a, b, c, d], [{ by: 'orderDate', direction: 'desc' }]))).toEqual([
      'C',
      'A',
      'B',
      'D',
    ]);
  });
  it('shipBy oldest first, missing last (also when descending)', () => {
    expect(ids(sortOrders([c, a, b, d], [{ by: 'shipBy', direction: 'asc' }]))).toEqual([
      'B',
      'D',
      'A',
      'C',
    ]);
    expect(ids(sortOrders([c, a, b, d], [{ by: 'shipBy', direction: 'desc' }]))).toEqual([
      'A',
      'B',
      'D',
      'C',
    ]);
  });
  it('priority most urgent first, missing counts as 0, then the next key', () => {
    const sorts = [
      { by: 'priority', direction: 'desc' },
      { by: 'orderDate', direction: 'asc' },
    ] as const;
    expect(ids(sortOrders([a, b, c, d], sorts))).toEqual(['C', 'D', 'A', 'B']);
    expect(ids(sortOrders([a, b, c, d], [{ by: 'priority', direction: 'asc' }]))).toEqual([
      'B',
      'A',
      'D',
      'C',
    ]);
  });
  it('does not modify its input', () => {
    const input = [c, a];
    sortOrders(input, []);
    expect(ids(input)).toEqual(['C', 'A']);
  });
});
