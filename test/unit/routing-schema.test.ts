/**
 * The routing configuration checked against its JSON Schema (#17 part 2): the published schema is
 * the one checked, each error has a code, and the schema-based parser accepts exactly what the old
 * hand-written one accepted (test/unit/legacy-routing-parser.ts), with the same result.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BROKERING_QUEUE,
  ROUTING_SCHEMA,
  RoutingConfigError,
  UNFILLABLE_PARKING,
  configIssues,
  formatConfigErrors,
  parseRoutingConfig,
} from '../../shared/domain/brokering/index.ts';
import { describeIssue } from '../../shared/domain/input/issue.ts';
import { errorBody } from '../../shared/domain/input/request-error.ts';
import { ROUTING as DEMO_ROUTING } from '../../local/demo/brokering/setup.ts';
import { FLOW_ROUTING } from '../support/netsuite-flow.ts';
import { legacyParseRoutingConfig } from './legacy-routing-parser.ts';

type Json = Record<string, unknown>;
const withRule = (rule: Json) => ({
  runs: [
    { productStoreId: 'S', routings: [{ name: 'R', inventoryRules: [{ name: 'r', ...rule }] }] },
  ],
});
const withRouting = (routing: Json) => ({
  runs: [
    { productStoreId: 'S', routings: [{ name: 'R', inventoryRules: [{ name: 'r' }], ...routing }] },
  ],
});

/** `path code` of each error. */
const codesOf = (json: unknown) => {
  const r = parseRoutingConfig(json);
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => `${e.path} ${e.code}`);
};

describe('the published routing schema', () => {
  it('docs/routing.schema.json is the schema parseRoutingConfig checks', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../docs/routing.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(published).toEqual(JSON.parse(JSON.stringify(ROUTING_SCHEMA)));
  });
});

describe('routing config errors have codes', () => {
  const R = 'runs[0].routings[0]';
  const RULE = `${R}.inventoryRules[0]`;
  const cases: [string, unknown, string[]][] = [
    ['not an object', 42, ['(config) type']],
    ['runs missing', {}, ['runs required']],
    ['runs empty', { runs: [] }, ['runs minItems']],
    [
      'unknown field',
      { runs: [{ productStoreId: 'S', routings: [], extra: 1 }] },
      ['runs[0].extra unknown', 'runs[0].routings minItems'],
    ],
    ['blank name', withRouting({ name: '  ' }), [`${R}.name blank`]],
    ['name not text', withRouting({ name: 3 }), [`${R}.name type`]],
    [
      'active routing without rules',
      withRouting({ inventoryRules: [] }),
      [`${R}.inventoryRules minItems`],
    ],
    [
      'not a queue',
      withRouting({ orderFilters: { queue: ['WH-1'] } }),
      [`${R}.orderFilters.queue[0] pattern`],
    ],
    [
      'neither include nor exclude',
      withRouting({ orderFilters: { salesChannel: {} } }),
      [`${R}.orderFilters.salesChannel anyOf`],
    ],
    [
      'unknown order sort',
      withRouting({ orderSorts: ['x', { direction: 'up', by: 'shipBy' }] }),
      [`${R}.orderSorts[0] enum`, `${R}.orderSorts[1].direction enum`],
    ],
    ['sort without by', withRouting({ orderSorts: [{}] }), [`${R}.orderSorts[0].by required`]],
    ['sorted twice', withRule({ sorts: ['distance', 'distance'] }), [`${RULE}.sorts[1] duplicate`]],
    [
      'rule named twice',
      withRouting({ inventoryRules: [{ name: 'x' }, { name: ' x ' }] }),
      [`${R}.inventoryRules[1].name duplicate`],
    ],
    [
      'store run twice',
      { runs: [withRule({}).runs[0], withRule({}).runs[0]] },
      ['runs[1].productStoreId duplicate'],
    ],
    [
      'numbers out of range',
      withRule({
        filters: { maxDistanceKm: 0, safetyStock: -1, minShipmentValue: 1.5 },
        whenUnavailable: { autoCancelDays: 0.5 },
      }),
      [
        `${RULE}.filters.maxDistanceKm exclusiveMinimum`,
        `${RULE}.filters.safetyStock minimum`,
        `${RULE}.whenUnavailable.autoCancelDays type`,
      ],
    ],
    [
      'whenUnavailable word',
      withRule({ whenUnavailable: 'stop' }),
      [`${RULE}.whenUnavailable const`],
    ],
  ];

  it.each(cases)('%s', (_name, json, expected) => {
    expect(codesOf(json)).toEqual(expected);
  });

  it('prints them as before, and with their codes as JSON', () => {
    const r = parseRoutingConfig({ runs: [{ productStoreId: ' ', routings: {} }] });
    if (r.ok) throw new Error('expected errors');
    expect(formatConfigErrors(r.errors)).toBe(
      'runs[0].productStoreId: must be a non-empty string\nruns[0].routings: must be a list',
    );
    const issues = [
      { path: 'runs[0].productStoreId', code: 'blank', message: 'must be a non-empty string' },
      { path: 'runs[0].routings', code: 'type', message: 'must be a list' },
    ];
    expect(JSON.parse(JSON.stringify(r.errors))).toEqual(issues);
    expect(configIssues(r.errors)).toEqual(issues);
    expect(r.errors.map(describeIssue)).toEqual([
      'runs[0].productStoreId must be a non-empty string',
      'runs[0].routings must be a list',
    ]);
    const refused = new RoutingConfigError('routing.json: not loaded', r.errors);
    expect(errorBody(refused)).toEqual({
      error: 'INVALID_ROUTING_CONFIG',
      message: 'routing.json: not loaded',
      issues,
    });
  });

  it('does not count null as absent (the config never did)', () => {
    expect(codesOf(withRouting({ active: null }))).toEqual(['runs[0].routings[0].active type']);
  });
});

describe('the schema-based parser accepts and refuses as the hand-written one did', () => {
  const same = (json: unknown) => {
    const before = legacyParseRoutingConfig(json);
    const after = parseRoutingConfig(json);
    expect(after.ok).toBe(before.ok);
    // Same result, down to the order of keys (what `oms broker routing show` prints).
    if (before.ok && after.ok)
      expect(JSON.stringify(after.config)).toBe(JSON.stringify(before.config));
    if (!before.ok && !after.ok) {
      // The same errors in the same order, but for one: an order sort whose `by` is refused had
      // its `direction` left unchecked; it is checked now.
      const byRefused = new Set(
        before.errors.filter((e) => e.path.endsWith('.by')).map((e) => e.path.slice(0, -3)),
      );
      const checkedNow = (e: { path: string }) =>
        e.path.endsWith('.direction') && byRefused.has(e.path.slice(0, -'.direction'.length));
      expect(formatConfigErrors(after.errors.filter((e) => !checkedNow(e)))).toBe(
        formatConfigErrors(before.errors),
      );
    }
    return after;
  };

  it.each([
    ['docs/examples/routing.json', JSON.parse(readFileSync('docs/examples/routing.json', 'utf8'))],
    ['the demo routing (local/demo)', DEMO_ROUTING],
    ['the NetSuite flow routing (test/support)', FLOW_ROUTING],
    [
      'the brokering bench routing (bench/brokering.ts)',
      {
        runs: [
          {
            productStoreId: 'WEB',
            name: 'Bench brokering',
            routings: [
              {
                name: 'Everything',
                orderFilters: { queue: ['_ROUND_1_'] },
                orderSorts: ['orderDate'],
                inventoryRules: [
                  {
                    name: 'Nearest warehouse, whole order',
                    filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } },
                    sorts: ['distance', 'inventoryBalance'],
                    partialAllocation: false,
                  },
                  {
                    name: 'Stores, split',
                    filters: { facilityGroup: { include: ['OMS_FULFILLED'] }, maxDistanceKm: 4000 },
                    sorts: ['inventoryBalance', 'distance'],
                    partialAllocation: true,
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  ])('%s', (_name, json) => {
    expect(same(json).ok).toBe(true);
  });

  // Configs near the valid ones: every part sometimes absent, blank, padded, of the wrong type,
  // or misspelt.
  const junk = fc.constantFrom<unknown>(null, 0, -1, 2.5, 'x', ' ', '', true, [], {}, ['x']);
  /** `a` in `percent` % of cases, otherwise `b` (unbiased: fast-check favours small choices). */
  const mostly = <A, B>(percent: number, a: fc.Arbitrary<A>, b: fc.Arbitrary<B>) =>
    fc
      .noBias(fc.integer({ min: 0, max: 99 }))
      .chain((n): fc.Arbitrary<A | B> => (n < percent ? a : b));
  const or = <T>(arb: fc.Arbitrary<T>) => mostly(98, arb, junk);
  /** An object of these fields, each sometimes absent, except `required` (almost always there). */
  const opt = <T extends Json>(
    model: { [K in keyof T]: fc.Arbitrary<T[K]> },
    required: (keyof T)[] = [],
  ) =>
    mostly(
      97,
      fc.record(model, { requiredKeys: required, noNullPrototype: true }),
      fc.record(model, { requiredKeys: [], noNullPrototype: true }),
    );
  const name = or(fc.constantFrom('a', 'b', 'c', 'd', 'e', ' f ', 'G ', ' a'));
  const text = or(fc.constantFrom('WEB', ' NEXT_DAY ', 'SHOES'));
  const queue = or(
    mostly(
      95,
      fc.constantFrom(BROKERING_QUEUE, UNFILLABLE_PARKING, ' _CSR_ '),
      fc.constant('WH-1'),
    ),
  );
  const whole = or(fc.constantFrom(0, 1, 3, 7));
  const flag = or(fc.boolean());
  const list = <T>(arb: fc.Arbitrary<T>) => or(fc.array(arb, { minLength: 1, maxLength: 2 }));
  const valueFilter = (item: fc.Arbitrary<unknown>) =>
    or(
      fc.oneof(
        fc.array(item, { minLength: 1, maxLength: 2 }),
        opt({ include: list(item), exclude: list(item) }, ['include']),
      ),
    );
  const rule = or(
    opt(
      {
        name,
        description: or(fc.constant('d')),
        active: flag,
        filters: or(
          opt({
            facilityGroup: valueFilter(text),
            maxDistanceKm: or(fc.constantFrom(12.5, 100)),
            safetyStock: whole,
            respectDailyOrderLimit: flag,
            minShipmentValue: or(fc.constantFrom(0, 49.5)),
            allItemsAvailable: flag,
          }),
        ),
        sorts: list(
          or(fc.constantFrom('distance', 'inventoryBalance', 'customSequence', 'distance ')),
        ),
        partialAllocation: flag,
        whenUnavailable: or(
          fc.oneof(
            fc.constant('next-rule'),
            mostly(
              95,
              opt({ moveToQueue: queue, autoCancelDays: whole }, ['moveToQueue']),
              opt({ queue: fc.constant(BROKERING_QUEUE) }),
            ),
          ),
        ),
      },
      ['name'],
    ),
  );
  const routing = or(
    opt(
      {
        name,
        active: flag,
        orderFilters: or(
          opt({
            queue: valueFilter(queue),
            shippingMethod: valueFilter(text),
            priority: valueFilter(or(fc.constantFrom(0, 1, 2))),
            promiseDate: or(opt({ withinDays: whole, exclude: flag })),
            salesChannel: valueFilter(text),
            productCategory: valueFilter(text),
          }),
        ),
        orderSorts: list(
          or(
            fc.oneof(
              fc.constantFrom('shipBy', 'orderDate', 'priority'),
              opt({
                by: or(fc.constantFrom('shipBy', 'orderDate', 'priority')),
                direction: or(fc.constantFrom('asc', 'desc')),
              }),
            ),
          ),
        ),
        inventoryRules: list(rule),
      },
      ['name', 'inventoryRules'],
    ),
  );
  const config = or(
    opt(
      {
        description: fc.constant('a config'),
        runs: list(
          or(
            opt({ productStoreId: name, name, routings: list(routing) }, [
              'productStoreId',
              'routings',
            ]),
          ),
        ),
      },
      ['runs'],
    ),
  );

  it('on generated configs, valid and not', () => {
    let accepted = 0;
    fc.assert(
      fc.property(config, (json) => {
        if (same(json).ok) accepted++;
      }),
      { numRuns: 3000, seed: 17 },
    );
    expect(accepted).toBeGreaterThan(30);
  });
});
