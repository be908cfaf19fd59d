/**
 * Property tests of the brokering engine over random runs, facilities, stock and orders: every
 * unit ends in exactly one of allocated / queued / unplaced, no facility gets more than its
 * usable stock (ATP − the allocating rule's safety stock, with what the decision placed before
 * subtracted), nothing goes to a facility that rejected the line or to a queue, the rule's
 * filters (groups, distance, daily limit, whole order, minimum value) hold for every allocation,
 * and a line is never split: it is allocated whole at one facility, queued whole or unplaced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BACKORDER_PARKING,
  UNFILLABLE_PARKING,
  brokerOrder,
  distanceKm,
  isQueueId,
  type BrokerInput,
  type FacilitySort,
  type FacilityView,
  type InventoryRule,
} from '../../shared/domain/brokering/index.ts';
import { NOW, line, order, routing, rule, run } from './brokering-fixtures.ts';

const FACILITY_IDS = ['F0', 'F1', 'F2', 'F3', 'F4'];
const SKUS = ['S0', 'S1', 'S2'];
const GROUPS = ['G1', 'G2'];

/** An optional value, present about one time in four. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });

const coords = fc.option(
  fc.record({
    lat: fc.double({ min: 30, max: 45, noNaN: true }),
    lon: fc.double({ min: -120, max: -70, noNaN: true }),
  }),
  { nil: undefined },
);

const facilityArb = (facilityId: string) =>
  fc
    .record({
      groups: fc.subarray(GROUPS),
      at: coords,
      dailyOrderLimit: rarely(fc.nat(3)),
      ordersToday: fc.nat(4),
      sequence: fc.option(fc.nat(5), { nil: undefined }),
    })
    .map(({ at, dailyOrderLimit, sequence, ...f }): FacilityView => ({
      facilityId,
      kind: 'warehouse',
      ...f,
      ...at,
      ...(dailyOrderLimit !== undefined ? { dailyOrderLimit } : {}),
      ...(sequence !== undefined ? { sequence } : {}),
    }));

const facilitiesArb = fc
  .tuple(fc.subarray(FACILITY_IDS, { minLength: 1 }), fc.boolean())
  .chain(([ids, withQueue]) =>
    fc.tuple(...[...ids, ...(withQueue ? [BACKORDER_PARKING] : [])].map(facilityArb)),
  );

const ruleArb = fc
  .record({
    include: rarely(fc.subarray(GROUPS, { minLength: 1 })),
    exclude: rarely(fc.subarray(GROUPS, { minLength: 1 })),
    maxDistanceKm: rarely(fc.integer({ min: 100, max: 3000 })),
    safetyStock: fc.constantFrom(0, 0, 0, 1, 2),
    respectDailyOrderLimit: fc.constantFrom(false, false, true),
    minShipmentValue: rarely(fc.integer({ min: 1, max: 80 })),
    allItemsAvailable: fc.constantFrom(false, false, false, true),
    sorts: fc.shuffledSubarray<FacilitySort>(['distance', 'inventoryBalance', 'customSequence']),
    partialAllocation: fc.boolean(),
    when: fc.constantFrom<InventoryRule['whenUnavailable']>(
      'next-rule',
      'next-rule',
      { moveToQueue: UNFILLABLE_PARKING },
      { autoCancelDays: 3 },
      { moveToQueue: '_UNFILLABLE_HOLD_', autoCancelDays: 1 },
    ),
    active: fc.constantFrom(true, true, true, false),
  })
  .map((r) =>
    rule({
      active: r.active,
      sorts: r.sorts,
      partialAllocation: r.partialAllocation,
      whenUnavailable: r.when,
      filters: {
        ...(r.include || r.exclude
          ? {
              facilityGroup: {
                ...(r.include ? { include: r.include } : {}),
                ...(r.exclude ? { exclude: r.exclude } : {}),
              },
            }
          : {}),
        ...(r.maxDistanceKm !== undefined ? { maxDistanceKm: r.maxDistanceKm } : {}),
        ...(r.minShipmentValue !== undefined ? { minShipmentValue: r.minShipmentValue } : {}),
        safetyStock: r.safetyStock,
        respectDailyOrderLimit: r.respectDailyOrderLimit,
        allItemsAvailable: r.allItemsAvailable,
      },
    }),
  );

const runArb = fc
  .array(
    fc.record({
      rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
      method: fc.option(fc.constantFrom('STD', 'EXP'), { nil: undefined }),
      active: fc.constantFrom(true, true, true, false),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((rs) =>
    run(
      rs.map((r, i) =>
        routing(
          r.rules.map((x, j) => ({ ...x, name: `r${j}` })),
          {
            name: `R${i}`,
            active: r.active,
            ...(r.method ? { orderFilters: { shippingMethod: { include: [r.method] } } } : {}),
          },
        ),
      ),
    ),
  );

const orderArb = fc
  .record({
    lines: fc.array(
      fc.record({
        sku: fc.constantFrom(...SKUS),
        quantity: fc.nat(6),
        price: fc.integer({ min: 1, max: 40 }),
        method: fc.constantFrom('STD', 'EXP'),
        excluded: fc.oneof(
          fc.constant([]),
          fc.constant([]),
          fc.subarray(FACILITY_IDS, { maxLength: 2 }),
        ),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    shipTo: coords,
  })
  .map(({ lines, shipTo }) =>
    order(
      lines.map((l, i) =>
        line(String(i + 1).padStart(5, '0'), l.sku, l.quantity, {
          price: l.price,
          shippingMethod: l.method,
          excludedFacilities: l.excluded,
        }),
      ),
      { shipTo: shipTo ?? {} },
    ),
  );

const stockArb = fc.array(fc.integer({ min: -2, max: 8 }), {
  minLength: SKUS.length * (FACILITY_IDS.length + 1),
  maxLength: SKUS.length * (FACILITY_IDS.length + 1),
});

const inputArb = fc
  .record({ order: orderArb, run: runArb, facilities: facilitiesArb, table: stockArb })
  .map(({ table, ...rest }): BrokerInput => {
    const ids = [...FACILITY_IDS, BACKORDER_PARKING];
    return {
      ...rest,
      stock: (sku, f) => table[SKUS.indexOf(sku) * ids.length + ids.indexOf(f)] ?? 0,
      now: NOW,
    };
  });

describe('brokering properties', () => {
  it('conserves quantity, respects usable stock, exclusions and every filter', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const d = brokerOrder(input);
        const rules = new Map(
          input.run.routings.flatMap((r) =>
            r.inventoryRules.map((x) => [`${r.name}/${x.name}` as string, x] as const),
          ),
        );
        const lines = new Map(input.order.lines.map((l) => [l.lineSeq, l]));
        const facilities = new Map(input.facilities.map((f) => [f.facilityId, f]));

        // Σ allocated + queued + unplaced = Σ line quantities, per line; all entries positive.
        for (const l of input.order.lines) {
          const sum = [...d.allocations, ...d.queued, ...d.unplaced]
            .filter((x) => x.lineSeq === l.lineSeq)
            .reduce((n, x) => n + x.quantity, 0);
          expect(sum).toBe(l.quantity);
        }
        for (const x of [...d.allocations, ...d.queued, ...d.unplaced])
          expect(x.quantity).toBeGreaterThan(0);
        // A line is never split: one entry, with all of it (NetSuite: one location per line).
        for (const l of input.order.lines.filter((x) => x.quantity > 0)) {
          const parts = [...d.allocations, ...d.queued, ...d.unplaced].filter(
            (x) => x.lineSeq === l.lineSeq,
          );
          expect(parts.map((x) => x.quantity)).toEqual([l.quantity]);
        }

        const consumed = new Map<string, number>();
        const usedBefore = new Set<string>();
        const valueAt = new Map<string, number>();
        const byRule = new Map<string, Set<string>>();
        for (const a of d.allocations) {
          const l = lines.get(a.lineSeq)!;
          const r = rules.get(`${a.routing}/${a.rule}`)!;
          const f = facilities.get(a.facilityId)!;
          // never to a facility that rejected the line, never to a queue
          expect(l.excludedFacilities).not.toContain(a.facilityId);
          expect(isQueueId(a.facilityId)).toBe(false);
          // usable stock, cumulative within the decision
          const key = `${l.sku}/${a.facilityId}`;
          const total = (consumed.get(key) ?? 0) + a.quantity;
          consumed.set(key, total);
          expect(total).toBeLessThanOrEqual(
            Math.max(0, input.stock(l.sku, a.facilityId)) - r.filters.safetyStock,
          );
          // group and distance filters
          const g = r.filters.facilityGroup;
          if (g?.include) expect(f.groups.some((x) => g.include!.includes(x))).toBe(true);
          if (g?.exclude) expect(f.groups.some((x) => g.exclude!.includes(x))).toBe(false);
          if (r.filters.maxDistanceKm !== undefined) {
            expect(distanceKm(input.order.shipTo, f)).toBeLessThanOrEqual(r.filters.maxDistanceKm);
          }
          // daily limit: only a facility under its limit, or one this order already uses
          if (
            r.filters.respectDailyOrderLimit &&
            f.dailyOrderLimit !== undefined &&
            !usedBefore.has(a.facilityId)
          ) {
            expect(f.ordersToday).toBeLessThan(f.dailyOrderLimit);
          }
          usedBefore.add(a.facilityId);
          const ruleKey = `${a.routing}/${a.rule}`;
          const vKey = `${ruleKey}/${a.facilityId}`;
          valueAt.set(vKey, (valueAt.get(vKey) ?? 0) + l.price * a.quantity);
          byRule.set(ruleKey, (byRule.get(ruleKey) ?? new Set()).add(a.facilityId));
        }
        expect(new Set(d.facilitiesUsed)).toEqual(usedBefore);

        for (const [ruleKey, used] of byRule) {
          const r = rules.get(ruleKey)!;
          if (!r.partialAllocation) expect(used.size).toBe(1);
          const min = r.filters.minShipmentValue;
          if (min !== undefined)
            for (const f of used)
              expect(valueAt.get(`${ruleKey}/${f}`)).toBeGreaterThanOrEqual(min);
        }
        // a whole-order rule never splits a line
        for (const a of d.allocations) {
          const r = rules.get(`${a.routing}/${a.rule}`)!;
          if (!r.partialAllocation) {
            const same = d.allocations.filter(
              (x) => x.lineSeq === a.lineSeq && x.routing === a.routing && x.rule === a.rule,
            );
            expect(same).toHaveLength(1);
          }
        }
        // plain JSON and deterministic
        expect(JSON.parse(JSON.stringify(d))).toEqual(d);
        expect(brokerOrder(input)).toEqual(d);
      }),
      { numRuns: 500 },
    );
  });

  it('generates inputs that exercise every outcome (the property is not vacuous)', () => {
    const decisions = fc.sample(inputArb, { numRuns: 400, seed: 7 }).map(brokerOrder);
    const share = (p: (d: ReturnType<typeof brokerOrder>) => boolean) =>
      decisions.filter(p).length / decisions.length;
    expect(share((d) => d.allocations.length > 0)).toBeGreaterThan(0.2);
    // Lines go whole to one facility, so fewer orders spread over two of them.
    expect(share((d) => new Set(d.allocations.map((a) => a.facilityId)).size > 1)).toBeGreaterThan(
      0.015,
    );
    expect(share((d) => d.queued.length > 0)).toBeGreaterThan(0.1);
    expect(share((d) => d.unplaced.length > 0)).toBeGreaterThan(0.1);
    expect(share((d) => d.matched.length > 1)).toBeGreaterThan(0.01);
  });
});
