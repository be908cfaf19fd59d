import { describe, expect, it } from 'vitest';
import {
  BACKORDER_PARKING,
  BROKERING_QUEUE,
  UNFILLABLE_HOLD,
  UNFILLABLE_PARKING,
  brokerOrder,
  distanceKm,
  formatExplanation,
  type BrokerOrder,
  type BrokeringDecision,
  type BrokeringRun,
  type FacilityExplanation,
  type FacilitySort,
  type FacilityView,
  type StockLookup,
} from '../../shared/domain/brokering/index.ts';
import {
  NOW,
  PLACES,
  facility,
  line,
  order,
  routing,
  rule,
  run,
  stockOf,
} from './brokering-fixtures.ts';

const broker = (
  o: BrokerOrder,
  r: BrokeringRun,
  facilities: readonly FacilityView[],
  stock: StockLookup,
): BrokeringDecision => brokerOrder({ order: o, run: r, facilities, stock, now: NOW });

const allocs = (d: BrokeringDecision) =>
  d.allocations.map((a) => [a.lineSeq, a.facilityId, a.quantity]);

/** The explanation of a facility under the n-th rule of the n-th routing. */
const fx = (
  d: BrokeringDecision,
  facilityId: string,
  ruleIndex = 0,
  routingIndex = 0,
): FacilityExplanation => {
  const f = d.explanation.routings[routingIndex]!.rules[ruleIndex]!.facilities.find(
    (x) => x.facilityId === facilityId,
  );
  if (!f) throw new Error(`no ${facilityId}`);
  return f;
};
const codes = (f: FacilityExplanation) => f.reasons.map((r) => r.code);

const WH = ['WH-A', 'WH-B', 'WH-C'].map((id) => facility(id, { groups: ['WAREHOUSE'] }));

describe('distance', () => {
  it('is haversine kilometres, undefined without coordinates', () => {
    expect(distanceKm(PLACES.nyc, PLACES.philadelphia)).toBeCloseTo(129.6, 0);
    expect(distanceKm(PLACES.nyc, PLACES.la)).toBeCloseTo(3936, -1);
    expect(distanceKm(PLACES.nyc, PLACES.nyc)).toBe(0);
    expect(distanceKm(PLACES.nyc, {})).toBeUndefined();
  });
});

describe('whole order vs partial allocation', () => {
  const o = order([line('00001', 'A', 2), line('00002', 'B', 3)]);
  const stock = stockOf({
    A: { 'WH-A': 2, 'WH-B': 5, 'WH-C': 1 },
    B: { 'WH-A': 1, 'WH-B': 3, 'WH-C': 9 },
  });

  it('whole: one facility takes every line in full; facilities that cannot are dropped', () => {
    const d = broker(o, run([routing([rule({ name: 'whole' })])]), WH, stock);
    expect(allocs(d)).toEqual([
      ['00001', 'WH-B', 2],
      ['00002', 'WH-B', 3],
    ]);
    expect(d.facilitiesUsed).toEqual(['WH-B']);
    expect(codes(fx(d, 'WH-A'))).toEqual(['NOT_ALL_ITEMS']);
    expect(fx(d, 'WH-A').reasons[0]!.message).toBe('not all items (B usable 1 < 3)');
    expect(fx(d, 'WH-C').reasons[0]!.message).toBe('not all items (A usable 1 < 2)');
    expect(fx(d, 'WH-B').outcome).toBe('allocated');
    expect(d.matched).toEqual([{ routing: 'routing', rule: 'whole' }]);
  });

  it('whole: when no facility has everything, nothing is placed (lines are never split)', () => {
    const short = stockOf({ A: { 'WH-A': 2 }, B: { 'WH-B': 3 } });
    const d = broker(o, run([routing([rule()])]), WH, short);
    expect(d.allocations).toEqual([]);
    expect(d.unplaced).toEqual([
      { lineSeq: '00001', quantity: 2, reason: 'not-available' },
      { lineSeq: '00002', quantity: 3, reason: 'not-available' },
    ]);
  });

  it('partial: each line goes whole to the first facility in sort order that has all of it', () => {
    const d = broker(o, run([routing([rule({ partialAllocation: true })])]), WH, stock);
    // sort: facility id (no sorts) → WH-A first; it has all of 00001 but only 1 of 00002's 3.
    expect(allocs(d)).toEqual([
      ['00001', 'WH-A', 2],
      ['00002', 'WH-B', 3],
    ]);
    expect(fx(d, 'WH-C').outcome).toBe('unused');
    expect(d.unplaced).toEqual([]);
  });

  it('partial: a line is never split across facilities; one no facility has whole stays unplaced', () => {
    const big = order([line('00001', 'A', 7), line('00002', 'B', 3)]);
    const d = broker(big, run([routing([rule({ partialAllocation: true })])]), WH, stock);
    // 2 + 5 + 1 of A would cover 7 across the three, but NetSuite holds one location per line.
    expect(allocs(d)).toEqual([['00002', 'WH-B', 3]]);
    expect(d.unplaced).toEqual([{ lineSeq: '00001', quantity: 7, reason: 'not-available' }]);
    // WH-A has some of each line and all of none: dropped by the filters.
    expect(fx(d, 'WH-A').reasons).toEqual([
      {
        code: 'WHOLE_LINE',
        message:
          'not enough for a whole line (00001 A usable 2 < 7, 00002 B usable 1 < 3); a line is never split',
      },
    ]);
    // WH-C could have taken 00002, but WH-B came first; it has 1 of 00001's 7.
    expect(fx(d, 'WH-C')).toMatchObject({
      outcome: 'dropped',
      reasons: [
        {
          code: 'WHOLE_LINE',
          message: 'not enough for a whole line (00001 A usable 1 < 7); a line is never split',
        },
      ],
    });
    const alone = broker(
      order([line('00001', 'A', 10)]),
      run([routing([rule({ partialAllocation: true })])]),
      WH,
      stock,
    );
    expect(alone.allocations).toEqual([]);
    expect(alone.unplaced).toEqual([{ lineSeq: '00001', quantity: 10, reason: 'not-available' }]);
    expect(alone.explanation.routings[0]!.rules[0]!.facilities.map((f) => codes(f))).toEqual([
      ['WHOLE_LINE'],
      ['WHOLE_LINE'],
      ['WHOLE_LINE'],
    ]);
  });

  it('lines of one SKU share the stock of a facility', () => {
    const twice = order([line('00001', 'A', 2), line('00002', 'A', 2)]);
    const d = broker(twice, run([routing([rule()])]), WH, stockOf({ A: { 'WH-A': 3, 'WH-B': 4 } }));
    expect(allocs(d)).toEqual([
      ['00001', 'WH-B', 2],
      ['00002', 'WH-B', 2],
    ]);
    expect(fx(d, 'WH-A').reasons[0]!.message).toBe('not all items (A usable 3 < 4)');
    const p = broker(
      twice,
      run([routing([rule({ partialAllocation: true })])]),
      WH,
      stockOf({ A: { 'WH-A': 3, 'WH-B': 2 } }),
    );
    // WH-A has 1 left after 00001: not enough for 00002, which goes whole to WH-B.
    expect(allocs(p)).toEqual([
      ['00001', 'WH-A', 2],
      ['00002', 'WH-B', 2],
    ]);
  });
});

describe('rule fall-through and whenUnavailable', () => {
  const o = order([line('00001', 'A', 2), line('00002', 'B', 1)]);
  const stock = stockOf({ A: { 'WH-A': 2 }, B: { 'WH-B': 1 } });

  it('falls through a whole-order rule to a partial one', () => {
    const d = broker(
      o,
      run([routing([rule({ name: 'whole' }), rule({ name: 'split', partialAllocation: true })])]),
      WH,
      stock,
    );
    expect(allocs(d)).toEqual([
      ['00001', 'WH-A', 2],
      ['00002', 'WH-B', 1],
    ]);
    const rules = d.explanation.routings[0]!.rules;
    expect(rules.map((r) => [r.rule, r.action])).toEqual([
      ['whole', 'next-rule'],
      ['split', 'done'],
    ]);
    expect(rules[0]!.left).toEqual([
      { lineSeq: '00001', quantity: 2 },
      { lineSeq: '00002', quantity: 1 },
    ]);
    expect(d.allocations.every((a) => a.rule === 'split')).toBe(true);
    expect(d.matched).toEqual([{ routing: 'routing', rule: 'split' }]);
  });

  it('skips inactive rules and stops once everything is placed', () => {
    const d = broker(
      o,
      run([
        routing([
          rule({ name: 'off', active: false, partialAllocation: true }),
          rule({ name: 'split', partialAllocation: true }),
          rule({ name: 'never' }),
        ]),
      ]),
      WH,
      stock,
    );
    expect(d.explanation.routings[0]!.rules.map((r) => [r.rule, r.status, r.action])).toEqual([
      ['off', 'inactive', 'none'],
      ['split', 'evaluated', 'done'],
    ]);
  });

  it('moves what is left to a queue and stops brokering it (no later rule)', () => {
    const d = broker(
      o,
      run([
        routing([
          rule({
            name: 'A only',
            filters: { facilityGroup: { include: ['A'] } },
            partialAllocation: true,
            whenUnavailable: { moveToQueue: UNFILLABLE_HOLD },
          }),
          rule({ name: 'later', partialAllocation: true }),
        ]),
      ]),
      [facility('WH-A', { groups: ['A'] }), facility('WH-B')],
      stock,
    );
    expect(allocs(d)).toEqual([['00001', 'WH-A', 2]]);
    expect(d.queued).toEqual([
      { lineSeq: '00002', quantity: 1, queue: UNFILLABLE_HOLD, routing: 'routing', rule: 'A only' },
    ]);
    expect(d.unplaced).toEqual([]);
    expect(d.explanation.routings[0]!.rules.map((r) => r.action)).toEqual(['queued']);
  });

  it('unfillable parking auto-cancels after 7 days by default; explicit days win', () => {
    const none = stockOf({});
    const park = (whenUnavailable: { moveToQueue?: string; autoCancelDays?: number }) =>
      broker(o, run([routing([rule({ whenUnavailable })])]), WH, none).queued;
    expect(park({ moveToQueue: UNFILLABLE_PARKING })).toEqual([
      {
        lineSeq: '00001',
        quantity: 2,
        queue: UNFILLABLE_PARKING,
        autoCancelAt: '2025-07-09T10:00:00.000Z',
        routing: 'routing',
        rule: 'rule',
      },
      {
        lineSeq: '00002',
        quantity: 1,
        queue: UNFILLABLE_PARKING,
        autoCancelAt: '2025-07-09T10:00:00.000Z',
        routing: 'routing',
        rule: 'rule',
      },
    ]);
    expect(park({ moveToQueue: UNFILLABLE_PARKING, autoCancelDays: 2 })[0]!.autoCancelAt).toBe(
      '2025-07-04T10:00:00.000Z',
    );
    expect(park({ moveToQueue: BACKORDER_PARKING })[0]).toEqual({
      lineSeq: '00001',
      quantity: 2,
      queue: BACKORDER_PARKING,
      routing: 'routing',
      rule: 'rule',
    });
    expect(park({ moveToQueue: BACKORDER_PARKING, autoCancelDays: 30 })[0]!.autoCancelAt).toBe(
      '2025-08-01T10:00:00.000Z',
    );
  });

  it('auto-cancel days alone keep the items in the queue they are in', () => {
    const mixed = order([
      line('00001', 'A', 1),
      line('00002', 'B', 1, { queue: UNFILLABLE_PARKING }),
    ]);
    const d = broker(
      mixed,
      run([
        routing([rule({ whenUnavailable: { autoCancelDays: 3 } })], {
          orderFilters: { queue: { include: [BROKERING_QUEUE, UNFILLABLE_PARKING] } },
        }),
      ]),
      WH,
      stockOf({}),
    );
    expect(d.queued.map((q) => [q.lineSeq, q.queue, q.autoCancelAt])).toEqual([
      ['00001', BROKERING_QUEUE, '2025-07-05T10:00:00.000Z'],
      ['00002', UNFILLABLE_PARKING, '2025-07-05T10:00:00.000Z'],
    ]);
  });

  it('a queued line is not offered to later routings; a fallen-through one is', () => {
    const d = broker(
      o,
      run([
        routing(
          [
            rule({
              filters: { facilityGroup: { include: ['NONE'] } },
              whenUnavailable: { moveToQueue: UNFILLABLE_HOLD },
            }),
          ],
          {
            name: 'first',
            orderFilters: { productCategory: { include: ['X'] } },
          },
        ),
        routing([rule({ filters: { facilityGroup: { include: ['NONE'] } } })], { name: 'second' }),
        routing([rule({ partialAllocation: true })], { name: 'third' }),
      ]),
      WH,
      stock,
    );
    expect(d.queued).toEqual([]); // 'first' matched no line (no categories)
    expect(allocs(d)).toEqual([
      ['00001', 'WH-A', 2],
      ['00002', 'WH-B', 1],
    ]);
    expect(d.explanation.routings.map((r) => r.status)).toEqual([
      'not-matched',
      'matched',
      'matched',
    ]);
  });
});

describe('facility filters', () => {
  const o = order([line('00001', 'A', 1)]);
  const everywhere = stockOf({
    A: { 'WH-A': 5, 'WH-B': 5, 'WH-C': 5, ST: 5, _BACKORDER_PARKING_: 5 },
  });

  it('facility group include and exclude', () => {
    const facilities = [
      facility('WH-A', { groups: ['WAREHOUSE', 'CLOSED'] }),
      facility('WH-B', { groups: ['WAREHOUSE'] }),
      facility('ST', { groups: ['STORE'] }),
    ];
    const d = broker(
      o,
      run([
        routing([
          rule({ filters: { facilityGroup: { include: ['WAREHOUSE'], exclude: ['CLOSED'] } } }),
        ]),
      ]),
      facilities,
      everywhere,
    );
    expect(allocs(d)).toEqual([['00001', 'WH-B', 1]]);
    expect(fx(d, 'WH-A').reasons).toEqual([
      { code: 'GROUP_EXCLUDED', message: 'group excluded (CLOSED)' },
    ]);
    expect(fx(d, 'ST').reasons).toEqual([
      { code: 'NOT_IN_GROUP', message: 'not in group [WAREHOUSE] (in [STORE])' },
    ]);
  });

  it('never allocates to a queue, even one passed as a facility', () => {
    const d = broker(o, run([routing([rule()])]), [facility(BACKORDER_PARKING)], everywhere);
    expect(d.allocations).toEqual([]);
    expect(codes(fx(d, BACKORDER_PARKING))).toEqual(['IS_QUEUE']);
  });

  it('max distance: too far, and facilities or addresses without coordinates fail', () => {
    const facilities = [
      facility('WH-A', PLACES.philadelphia),
      facility('WH-B', PLACES.chicago),
      facility('WH-C'),
    ];
    const r = run([routing([rule({ filters: { maxDistanceKm: 500 } })])]);
    const d = broker(o, r, facilities, everywhere);
    expect(allocs(d)).toEqual([['00001', 'WH-A', 1]]);
    expect(fx(d, 'WH-A').distanceKm).toBe(129.6);
    expect(fx(d, 'WH-B').reasons).toEqual([
      { code: 'TOO_FAR', message: 'too far (1144.3 km > 500 km)' },
    ]);
    expect(fx(d, 'WH-C').reasons).toEqual([
      { code: 'NO_COORDINATES', message: 'distance unknown: the facility has no coordinates' },
    ]);
    const noAddress = broker({ ...o, shipTo: {} }, r, facilities, everywhere);
    expect(noAddress.allocations).toEqual([]);
    expect(fx(noAddress, 'WH-A').reasons[0]!.message).toBe(
      'distance unknown: the ship-to address has no coordinates',
    );
  });

  it('brokering safety stock: usable = ATP − safety stock, must be > 0', () => {
    const stock = stockOf({ A: { 'WH-A': 2, 'WH-B': 3 } });
    const d = broker(o, run([routing([rule({ filters: { safetyStock: 2 } })])]), WH, stock);
    expect(allocs(d)).toEqual([['00001', 'WH-B', 1]]);
    expect(fx(d, 'WH-A').reasons).toEqual([
      { code: 'BELOW_SAFETY_STOCK', message: 'below safety stock (A ATP 2 ≤ 2)' },
    ]);
    expect(fx(d, 'WH-B').stock).toEqual([{ lineSeq: '00001', sku: 'A', atp: 3, usable: 1 }]);
    expect(codes(fx(d, 'WH-C'))).toEqual(['NO_STOCK']);
    const two = order([line('00001', 'A', 2)]);
    expect(
      broker(two, run([routing([rule({ filters: { safetyStock: 2 } })])]), WH, stock).allocations,
    ).toEqual([]);
  });

  it('daily order limit: respected only when the rule says so', () => {
    const facilities = [
      facility('WH-A', { dailyOrderLimit: 10, ordersToday: 10 }),
      facility('WH-B', { dailyOrderLimit: 10, ordersToday: 9 }),
    ];
    const respect = broker(
      o,
      run([routing([rule({ filters: { respectDailyOrderLimit: true } })])]),
      facilities,
      everywhere,
    );
    expect(allocs(respect)).toEqual([['00001', 'WH-B', 1]]);
    expect(fx(respect, 'WH-A').reasons).toEqual([
      { code: 'DAILY_LIMIT_REACHED', message: 'daily limit reached (10/10)' },
    ]);
    const ignore = broker(o, run([routing([rule()])]), facilities, everywhere);
    expect(allocs(ignore)).toEqual([['00001', 'WH-A', 1]]);
  });

  it('daily order limit: an order counts once per facility, so a facility it already uses takes more', () => {
    const facilities = [facility('WH-A', { dailyOrderLimit: 1, ordersToday: 0 })];
    const two = order([line('00001', 'A', 1), line('00002', 'B', 1)]);
    const d = broker(
      two,
      run([
        routing([rule({ filters: { respectDailyOrderLimit: true } })], {
          name: 'A lines',
          orderFilters: { productCategory: { include: ['a'] } },
        }),
        routing([rule({ filters: { respectDailyOrderLimit: true } })], { name: 'rest' }),
      ]),
      facilities,
      stockOf({ A: { 'WH-A': 1 }, B: { 'WH-A': 1 } }),
    );
    // the first routing takes no line (no categories): the second places both at WH-A.
    expect(allocs(d)).toEqual([
      ['00001', 'WH-A', 1],
      ['00002', 'WH-A', 1],
    ]);
    const split = order([line('00001', 'A', 1, { category: 'a' }), line('00002', 'B', 1)]);
    const d2 = broker(
      split,
      run([
        routing([rule({ filters: { respectDailyOrderLimit: true } })], {
          name: 'A lines',
          orderFilters: { productCategory: { include: ['a'] } },
        }),
        routing([rule({ filters: { respectDailyOrderLimit: true } })], { name: 'rest' }),
      ]),
      [facility('WH-A', { dailyOrderLimit: 1, ordersToday: 0 })],
      stockOf({ A: { 'WH-A': 1 }, B: { 'WH-A': 1 } }),
    );
    // ordersToday 0 < 1 for the first routing; the second sees WH-A already used by this order.
    expect(allocs(d2)).toEqual([
      ['00001', 'WH-A', 1],
      ['00002', 'WH-A', 1],
    ]);
    expect(d2.facilitiesUsed).toEqual(['WH-A']);
  });

  it('minimum shipment value: whole order', () => {
    const o2 = order([line('00001', 'A', 1, { price: 20 }), line('00002', 'B', 1, { price: 4.5 })]);
    const stock = stockOf({ A: { 'WH-A': 1 }, B: { 'WH-A': 1 } });
    expect(
      allocs(
        broker(o2, run([routing([rule({ filters: { minShipmentValue: 24.5 } })])]), WH, stock),
      ),
    ).toEqual([
      ['00001', 'WH-A', 1],
      ['00002', 'WH-A', 1],
    ]);
    const d = broker(o2, run([routing([rule({ filters: { minShipmentValue: 25 } })])]), WH, stock);
    expect(d.allocations).toEqual([]);
    expect(fx(d, 'WH-A').reasons).toEqual([
      { code: 'MIN_SHIPMENT_VALUE', message: 'shipment value 24.5 < minimum 25' },
    ]);
  });

  it('minimum shipment value: partial — a facility whose share is worth too little is skipped', () => {
    const o2 = order([line('00001', 'A', 1, { price: 10 }), line('00002', 'B', 2, { price: 10 })]);
    // WH-A (first by sequence) could take 00001 only (worth 10 < 25): skipped; WH-B takes both.
    const facilities = [facility('WH-A', { sequence: 1 }), facility('WH-B', { sequence: 2 })];
    const d = broker(
      o2,
      run([
        routing([
          rule({
            partialAllocation: true,
            sorts: ['customSequence'],
            filters: { minShipmentValue: 25 },
          }),
        ]),
      ]),
      facilities,
      stockOf({ A: { 'WH-A': 1, 'WH-B': 5 }, B: { 'WH-B': 5 } }),
    );
    expect(allocs(d)).toEqual([
      ['00001', 'WH-B', 1],
      ['00002', 'WH-B', 2],
    ]);
    expect(fx(d, 'WH-A')).toMatchObject({
      outcome: 'dropped',
      reasons: [{ code: 'MIN_SHIPMENT_VALUE', message: 'shipment value 10 < minimum 25' }],
    });
    expect(d.explanation.routings[0]!.rules[0]!.sortOrder).toEqual(['WH-A', 'WH-B']);
  });

  it('all items available: a partial rule then needs a facility with everything', () => {
    const o2 = order([line('00001', 'A', 1), line('00002', 'B', 1)]);
    const stock = stockOf({ A: { 'WH-A': 1, 'WH-C': 1 }, B: { 'WH-B': 1, 'WH-C': 1 } });
    const split = broker(o2, run([routing([rule({ partialAllocation: true })])]), WH, stock);
    expect(allocs(split)).toEqual([
      ['00001', 'WH-A', 1],
      ['00002', 'WH-B', 1],
    ]);
    const all = broker(
      o2,
      run([routing([rule({ partialAllocation: true, filters: { allItemsAvailable: true } })])]),
      WH,
      stock,
    );
    expect(allocs(all)).toEqual([
      ['00001', 'WH-C', 1],
      ['00002', 'WH-C', 1],
    ]);
    expect(codes(fx(all, 'WH-A'))).toEqual(['NOT_ALL_ITEMS']);
  });

  it('a facility that rejected a line never gets it again', () => {
    const o2 = order([
      line('00001', 'A', 2, { excludedFacilities: ['WH-A'] }),
      line('00002', 'B', 1),
    ]);
    const stock = stockOf({ A: { 'WH-A': 9, 'WH-B': 2 }, B: { 'WH-A': 9 } });
    const whole = broker(o2, run([routing([rule()])]), WH, stock);
    expect(whole.allocations).toEqual([]);
    expect(fx(whole, 'WH-A').reasons).toEqual([
      { code: 'REJECTED_BEFORE', message: 'rejected 00001 before' },
    ]);
    const partial = broker(o2, run([routing([rule({ partialAllocation: true })])]), WH, stock);
    expect(allocs(partial)).toEqual([
      ['00002', 'WH-A', 1],
      ['00001', 'WH-B', 2],
    ]);
    expect(fx(partial, 'WH-A').stock[0]).toEqual({
      lineSeq: '00001',
      sku: 'A',
      atp: 9,
      usable: 0,
      rejectedBefore: true,
    });
    const only = broker(
      order([o2.lines[0]!]),
      run([routing([rule({ partialAllocation: true })])]),
      WH,
      stock,
    );
    expect(codes(fx(only, 'WH-A'))).toEqual(['REJECTED_BEFORE']);
  });
});

describe('facility sorts', () => {
  const o = order([line('00001', 'A', 1)]);
  const facilities = [
    facility('F-LA', { ...PLACES.la, sequence: 1 }),
    facility('F-BOS', { ...PLACES.boston, sequence: 3 }),
    facility('F-PHL', { ...PLACES.philadelphia }),
    facility('F-NONE', { sequence: 2 }),
  ];
  const stock = stockOf({ A: { 'F-LA': 9, 'F-BOS': 2, 'F-PHL': 5, 'F-NONE': 5 } });
  const order_ = (sorts: readonly FacilitySort[]) =>
    broker(o, run([routing([rule({ sorts })])]), facilities, stock).explanation.routings[0]!
      .rules[0]!.sortOrder;

  it('distance: nearest first, unknown last', () => {
    expect(order_(['distance'])).toEqual(['F-PHL', 'F-BOS', 'F-LA', 'F-NONE']);
  });
  it('inventory balance: most usable stock first, ties by the next key then id', () => {
    expect(order_(['inventoryBalance'])).toEqual(['F-LA', 'F-NONE', 'F-PHL', 'F-BOS']);
    expect(order_(['inventoryBalance', 'distance'])).toEqual(['F-LA', 'F-PHL', 'F-NONE', 'F-BOS']);
  });
  it('custom sequence: lowest first, none last', () => {
    expect(order_(['customSequence'])).toEqual(['F-LA', 'F-NONE', 'F-BOS', 'F-PHL']);
  });
  it('no sorts: facility id', () => {
    expect(order_([])).toEqual(['F-BOS', 'F-LA', 'F-NONE', 'F-PHL']);
  });
  it('the first in sort order gets the order', () => {
    const d = broker(o, run([routing([rule({ sorts: ['distance'] })])]), facilities, stock);
    expect(allocs(d)).toEqual([['00001', 'F-PHL', 1]]);
  });
});

describe('stock within one decision', () => {
  it('what one rule placed is gone for the next rule (other safety stock) and the next routing', () => {
    const o = order([
      line('00001', 'A', 2, { category: 'x' }),
      line('00002', 'A', 3, { category: 'x' }),
      line('00003', 'A', 2),
    ]);
    const stock = stockOf({ A: { 'WH-A': 6 } });
    const d = broker(
      o,
      run([
        routing(
          [
            rule({ partialAllocation: true, filters: { safetyStock: 2 } }),
            rule({ name: 'no safety', partialAllocation: true }),
          ],
          {
            name: 'x',
            orderFilters: { productCategory: { include: ['x'] } },
          },
        ),
        routing([rule({ partialAllocation: true })], { name: 'rest' }),
      ]),
      WH,
      stock,
    );
    // Usable 4 under safety stock 2: 00001 takes 2, the 2 left are too few for 00002 (whole).
    expect(d.allocations.map((a) => [a.lineSeq, a.facilityId, a.quantity, a.rule])).toEqual([
      ['00001', 'WH-A', 2, 'rule'],
      ['00002', 'WH-A', 3, 'no safety'],
    ]);
    expect(fx(d, 'WH-A', 1).stock).toEqual([{ lineSeq: '00002', sku: 'A', atp: 4, usable: 4 }]);
    expect(d.unplaced).toEqual([{ lineSeq: '00003', quantity: 2, reason: 'not-available' }]);
    expect(fx(d, 'WH-A', 0, 1).stock).toEqual([{ lineSeq: '00003', sku: 'A', atp: 1, usable: 1 }]);
  });

  it('treats negative or non-numeric ATP as 0', () => {
    const d = broker(order([line('00001', 'A', 1)]), run([routing([rule()])]), WH, (_s, f) =>
      f === 'WH-A' ? -3 : Number.NaN,
    );
    expect(d.allocations).toEqual([]);
  });
});

describe('multi-routing run', () => {
  const facilities = [
    facility('WH-EAST', { groups: ['WAREHOUSE'], ...PLACES.philadelphia }),
    facility('WH-WEST', { groups: ['WAREHOUSE'], ...PLACES.la }),
    facility('ST-BOS', { kind: 'store', groups: ['STORE'], ...PLACES.boston }),
    facility('ST-CHI', { kind: 'store', groups: ['STORE'], ...PLACES.chicago }),
  ];
  const r = run([
    routing([rule({ name: 'off' })], { name: 'disabled', active: false }),
    routing(
      [
        rule({
          name: 'near warehouse',
          filters: { facilityGroup: { include: ['WAREHOUSE'] }, maxDistanceKm: 500 },
          sorts: ['distance'],
        }),
      ],
      { name: 'expedited', orderFilters: { shippingMethod: { include: ['NEXT_DAY'] } } },
    ),
    routing(
      [
        rule({
          name: 'warehouses',
          filters: { facilityGroup: { include: ['WAREHOUSE'] } },
          sorts: ['distance'],
        }),
        rule({
          name: 'stores',
          filters: { facilityGroup: { include: ['STORE'] }, safetyStock: 1 },
          sorts: ['distance'],
          partialAllocation: true,
          whenUnavailable: { moveToQueue: UNFILLABLE_PARKING },
        }),
      ],
      { name: 'standard' },
    ),
  ]);
  const o = order([
    line('00001', 'FAST', 1, { shippingMethod: 'NEXT_DAY' }),
    line('00002', 'SHIRT', 2),
    line('00003', 'HAT', 4),
    line('00004', 'SOCK', 0),
  ]);
  const stock = stockOf({
    FAST: { 'WH-WEST': 5, 'WH-EAST': 0, 'ST-BOS': 3 },
    SHIRT: { 'WH-EAST': 1, 'WH-WEST': 1, 'ST-BOS': 2, 'ST-CHI': 9 },
    HAT: { 'WH-EAST': 1, 'ST-BOS': 3, 'ST-CHI': 2 },
  });
  const d = broker(o, r, facilities, stock);

  it('places each line by the routing that took it', () => {
    expect(
      d.allocations.map((a) => [a.lineSeq, a.facilityId, a.quantity, a.routing, a.rule]),
    ).toEqual([
      // Each line whole: ST-BOS has 1 usable SHIRT of 2 and 2 HATs of 4; ST-CHI 1 HAT of 4.
      ['00001', 'ST-BOS', 1, 'standard', 'stores'],
      ['00002', 'ST-CHI', 2, 'standard', 'stores'],
    ]);
    expect(d.queued).toEqual([
      {
        lineSeq: '00003',
        quantity: 4,
        queue: UNFILLABLE_PARKING,
        autoCancelAt: '2025-07-09T10:00:00.000Z',
        routing: 'standard',
        rule: 'stores',
      },
    ]);
    expect(d.unplaced).toEqual([]);
    expect(d.facilitiesUsed).toEqual(['ST-BOS', 'ST-CHI']);
    expect(d.matched).toEqual([{ routing: 'standard', rule: 'stores' }]);
  });

  it('explains every routing, rule and facility', () => {
    const [disabled, expedited, standard] = d.explanation.routings;
    expect(disabled).toEqual({
      routing: 'disabled',
      status: 'inactive',
      lines: [],
      skippedLines: [],
      rules: [],
    });
    expect(expedited!.status).toBe('matched');
    expect(expedited!.lines).toEqual(['00001']);
    expect(expedited!.skippedLines.map((s) => s.lineSeq)).toEqual(['00002', '00003']);
    const near = expedited!.rules[0]!;
    expect(
      near.facilities.map((f) => [f.facilityId, f.outcome, f.reasons.map((x) => x.code)]),
    ).toEqual([
      ['WH-EAST', 'dropped', ['NO_STOCK']],
      ['WH-WEST', 'dropped', ['TOO_FAR']],
      ['ST-BOS', 'dropped', ['NOT_IN_GROUP']],
      ['ST-CHI', 'dropped', ['NOT_IN_GROUP', 'TOO_FAR', 'NO_STOCK']],
    ]);
    expect(near.action).toBe('next-rule');
    expect(standard!.lines).toEqual(['00001', '00002', '00003']);
    const [warehouses, stores] = standard!.rules;
    expect(warehouses!.sortOrder).toEqual([]);
    expect(stores!.sortOrder).toEqual(['ST-BOS', 'ST-CHI']);
    expect(stores!.pending).toEqual([
      { lineSeq: '00001', quantity: 1 },
      { lineSeq: '00002', quantity: 2 },
      { lineSeq: '00003', quantity: 4 },
    ]);
    expect(stores!.left).toEqual([{ lineSeq: '00003', quantity: 4 }]);
    expect(stores!.action).toBe('queued');
    expect(fx(d, 'ST-BOS', 1, 2)).toEqual({
      facilityId: 'ST-BOS',
      outcome: 'allocated',
      distanceKm: 306.1,
      stock: [
        { lineSeq: '00001', sku: 'FAST', atp: 3, usable: 2 },
        { lineSeq: '00002', sku: 'SHIRT', atp: 2, usable: 1 },
        { lineSeq: '00003', sku: 'HAT', atp: 3, usable: 2 },
      ],
      reasons: [],
    });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('formats for people', () => {
    const text = formatExplanation(d);
    expect(text).toContain('Order O1 — product store STORE, brokered at 2025-07-02T10:00:00.000Z');
    expect(text).toContain('routing "disabled": inactive');
    expect(text).toContain('routing "expedited": matched lines 00001');
    expect(text).toContain('skipped 00002: shippingMethod "STANDARD" is not in [NEXT_DAY]');
    expect(text).toContain(
      '✗ WH-WEST 3935.8 km [00001 ATP 5 usable 5] dropped — too far (3935.8 km > 500 km)',
    );
    expect(text).toContain('sorted by distance: ST-BOS > ST-CHI');
    expect(text).toContain('✓ ST-BOS 306.1 km');
    expect(text).toContain('left 00003×4 → queued');
    expect(text).toContain('allocate 00002×2 at ST-CHI (standard / stores)');
    expect(text).toContain(
      'queue 00003×4 in _UNFILLABLE_PARKING_, auto-cancel 2025-07-09T10:00:00.000Z (standard / stores)',
    );
  });
});

describe('unplaced and input checks', () => {
  it('says whether no routing selected the line or no rule could place it', () => {
    const o = order([line('00001', 'A', 1, { shippingMethod: 'NEXT_DAY' }), line('00002', 'B', 1)]);
    const d = broker(
      o,
      run([routing([rule()], { orderFilters: { shippingMethod: { exclude: ['NEXT_DAY'] } } })]),
      WH,
      stockOf({}),
    );
    expect(d.unplaced).toEqual([
      { lineSeq: '00001', quantity: 1, reason: 'not-selected' },
      { lineSeq: '00002', quantity: 1, reason: 'not-available' },
    ]);
    expect(formatExplanation(d)).toContain('unplaced 00001×1 (not-selected)');
  });

  it('reports routings after everything is placed as nothing-left', () => {
    const o = order([line('00001', 'A', 1)]);
    const d = broker(
      o,
      run([routing([rule()], { name: 'a' }), routing([rule()], { name: 'b' })]),
      WH,
      stockOf({ A: { 'WH-A': 1 } }),
    );
    expect(d.explanation.routings.map((r) => r.status)).toEqual(['matched', 'nothing-left']);
  });

  it('an order filter mismatch names the filter', () => {
    const o = order([line('00001', 'A', 1)], { salesChannel: 'POS' });
    const d = broker(
      o,
      run([routing([rule()], { orderFilters: { salesChannel: { include: ['WEB'] } } })]),
      WH,
      stockOf({}),
    );
    expect(d.explanation.routings[0]).toMatchObject({
      status: 'not-matched',
      failed: { filter: 'salesChannel', message: '"POS" is not in [WEB]' },
    });
    expect(formatExplanation(d)).toContain(
      'order filters not matched (salesChannel: "POS" is not in [WEB])',
    );
  });

  it('refuses a repeated line or a bad quantity', () => {
    const r = run([routing([rule()])]);
    expect(() =>
      broker(order([line('00001', 'A', 1), line('00001', 'B', 1)]), r, WH, stockOf({})),
    ).toThrow(/line 00001 twice/);
    expect(() => broker(order([line('00001', 'A', 1.5)]), r, WH, stockOf({}))).toThrow(RangeError);
    expect(() => broker(order([line('00001', 'A', -1)]), r, WH, stockOf({}))).toThrow(RangeError);
  });

  it('has nothing to do for an order without quantity', () => {
    const d = broker(order([line('00001', 'A', 0)]), run([routing([rule()])]), WH, stockOf({}));
    expect([d.allocations, d.queued, d.unplaced]).toEqual([[], [], []]);
    expect(formatExplanation(d)).toContain('nothing to place');
  });
});

describe('one location per line (NetSuite-fulfilled facilities)', () => {
  const NS = ['NS-A', 'NS-B'].map((id) => facility(id, { oneLocationPerLine: true }));
  const STORE = facility('ST-1', { kind: 'store' });
  const stockAB = stockOf({ A: { 'NS-A': 2, 'NS-B': 5, 'ST-1': 5 } });

  it('a line goes whole to one facility: one short of it takes none of it', () => {
    const d = broker(
      order([line('00001', 'A', 4)]),
      run([routing([rule({ partialAllocation: true })])]),
      [...NS, STORE],
      stockAB,
    );
    expect(allocs(d)).toEqual([['00001', 'NS-B', 4]]);
    expect(codes(fx(d, 'NS-A'))).toEqual(['WHOLE_LINE']);
    expect(fx(d, 'ST-1').outcome).toBe('unused');
  });

  it('a line already at one of them goes to no other, in every rule; a whole-order rule skips them', () => {
    const held = order([line('00001', 'A', 2, { oneLocationAt: 'NS-B' })]);
    const partial = broker(held, run([routing([rule({ partialAllocation: true })])]), NS, stockAB);
    expect(allocs(partial)).toEqual([['00001', 'NS-B', 2]]);
    const whole = broker(held, run([routing([rule({ partialAllocation: false })])]), NS, stockAB);
    expect(allocs(whole)).toEqual([['00001', 'NS-B', 2]]);
    expect(codes(fx(whole, 'NS-A'))).toEqual(['ONE_LOCATION_PER_LINE']);
  });

  it('the rest of a line a store holds or shipped units of goes to no such facility (NetSuite would ship it all)', () => {
    const rest = order([line('00001', 'A', 1, { otherKindAt: 'ST-0' })]);
    const partial = broker(
      rest,
      run([routing([rule({ partialAllocation: true })])]),
      [...NS, STORE],
      stockAB,
    );
    expect(allocs(partial)).toEqual([['00001', 'ST-1', 1]]);
    expect(fx(partial, 'NS-A').reasons).toEqual([
      {
        code: 'ONE_LOCATION_PER_LINE',
        message: 'line 00001 has units at ST-0, not a facility of this kind: one location per line',
      },
    ]);
    const whole = broker(rest, run([routing([rule()])]), NS, stockAB);
    expect(whole.allocations).toEqual([]);
    expect(codes(fx(whole, 'NS-B'))).toEqual(['ONE_LOCATION_PER_LINE']);
  });
});
