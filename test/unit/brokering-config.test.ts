import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BROKERING_QUEUE,
  UNFILLABLE_PARKING,
  formatConfigErrors,
  isQueueId,
  parseRoutingConfig,
  runFor,
  STANDARD_QUEUES,
} from '../../shared/domain/brokering/index.ts';

/** A minimal valid config with one routing and one rule, patched per test. */
const base = () => ({
  runs: [
    {
      productStoreId: 'STORE',
      routings: [{ name: 'R1', inventoryRules: [{ name: 'rule 1' }] }],
    },
  ],
});

type Json = Record<string, unknown>;
const withRule = (rule: Json) => ({
  runs: [
    {
      productStoreId: 'STORE',
      routings: [{ name: 'R1', inventoryRules: [{ name: 'r', ...rule }] }],
    },
  ],
});
const withRouting = (routing: Json) => ({
  runs: [
    {
      productStoreId: 'STORE',
      routings: [{ name: 'R1', inventoryRules: [{ name: 'r' }], ...routing }],
    },
  ],
});

const errorsOf = (json: unknown) => {
  const r = parseRoutingConfig(json);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('parseRoutingConfig: valid configs', () => {
  it('parses the example in docs/examples/routing.json', () => {
    const json: unknown = JSON.parse(readFileSync('docs/examples/routing.json', 'utf8'));
    const r = parseRoutingConfig(json);
    expect(r.ok ? [] : r.errors).toEqual([]);
    if (!r.ok) return;
    const run = runFor(r.config, 'DEMO_STORE')!;
    expect(run.routings.map((x) => x.name)).toEqual([
      'Expedited orders',
      'Standard orders',
      'Expedited leftovers',
    ]);
    const stores = run.routings[1]!.inventoryRules[1]!;
    expect(stores.partialAllocation).toBe(true);
    expect(stores.whenUnavailable).toEqual({ moveToQueue: UNFILLABLE_PARKING, autoCancelDays: 7 });
    expect(run.routings[0]!.orderSorts).toEqual([
      { by: 'shipBy', direction: 'asc' },
      { by: 'priority', direction: 'desc' },
      { by: 'orderDate', direction: 'asc' },
    ]);
    expect(run.routings[2]!.orderFilters.shippingMethod).toEqual({
      include: ['NEXT_DAY', 'TWO_DAY'],
    });
    expect(runFor(r.config, 'OTHER')).toBeUndefined();
  });

  it('fills in the defaults', () => {
    const r = parseRoutingConfig(base());
    expect(r).toEqual({
      ok: true,
      config: {
        runs: [
          {
            productStoreId: 'STORE',
            name: 'STORE',
            routings: [
              {
                name: 'R1',
                active: true,
                orderFilters: { queue: { include: [BROKERING_QUEUE] } },
                orderSorts: [],
                inventoryRules: [
                  {
                    name: 'rule 1',
                    active: true,
                    filters: {
                      safetyStock: 0,
                      respectDailyOrderLimit: false,
                      allItemsAvailable: false,
                    },
                    sorts: [],
                    partialAllocation: false,
                    whenUnavailable: 'next-rule',
                  },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('reads every filter, both forms of value filters, and the whenUnavailable forms', () => {
    const r = parseRoutingConfig(
      withRouting({
        orderFilters: {
          queue: [UNFILLABLE_PARKING, '_CSR_REVIEW_'],
          shippingMethod: { exclude: ['NEXT_DAY'] },
          priority: { include: [1, 2], exclude: [0] },
          promiseDate: { withinDays: 3, exclude: true },
          salesChannel: ['WEB'],
          originFacilityGroup: { exclude: ['OUTLETS'] },
          productCategory: { include: ['SHOES'] },
        },
        orderSorts: [{ by: 'priority', direction: 'asc' }, 'orderDate'],
        inventoryRules: [
          {
            name: 'a',
            active: false,
            filters: {
              facilityGroup: { include: ['WH'], exclude: ['CLOSED'] },
              maxDistanceKm: 12.5,
              safetyStock: 3,
              respectDailyOrderLimit: true,
              minShipmentValue: 50,
              allItemsAvailable: true,
            },
            sorts: ['customSequence', 'inventoryBalance', 'distance'],
            partialAllocation: true,
            whenUnavailable: { autoCancelDays: 2 },
          },
          { name: 'b', whenUnavailable: { moveToQueue: '_UNFILLABLE_HOLD_' } },
          { name: 'c', whenUnavailable: 'next-rule' },
        ],
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const routing = r.config.runs[0]!.routings[0]!;
    expect(routing.orderFilters).toEqual({
      queue: { include: [UNFILLABLE_PARKING, '_CSR_REVIEW_'] },
      shippingMethod: { exclude: ['NEXT_DAY'] },
      priority: { include: [1, 2], exclude: [0] },
      promiseDate: { withinDays: 3, exclude: true },
      salesChannel: { include: ['WEB'] },
      originFacilityGroup: { exclude: ['OUTLETS'] },
      productCategory: { include: ['SHOES'] },
    });
    expect(routing.orderSorts).toEqual([
      { by: 'priority', direction: 'asc' },
      { by: 'orderDate', direction: 'asc' },
    ]);
    const [a, b, c] = routing.inventoryRules;
    expect(a).toEqual({
      name: 'a',
      active: false,
      filters: {
        facilityGroup: { include: ['WH'], exclude: ['CLOSED'] },
        maxDistanceKm: 12.5,
        safetyStock: 3,
        respectDailyOrderLimit: true,
        minShipmentValue: 50,
        allItemsAvailable: true,
      },
      sorts: ['customSequence', 'inventoryBalance', 'distance'],
      partialAllocation: true,
      whenUnavailable: { autoCancelDays: 2 },
    });
    expect(b!.whenUnavailable).toEqual({ moveToQueue: '_UNFILLABLE_HOLD_' });
    expect(c!.whenUnavailable).toBe('next-rule');
  });

  it('allows an inactive routing without rules', () => {
    expect(parseRoutingConfig(withRouting({ active: false, inventoryRules: [] })).ok).toBe(true);
  });
});

describe('parseRoutingConfig: errors name the path', () => {
  const cases: [string, unknown, { path: string; message: string }[]][] = [
    ['not an object', 42, [{ path: '(config)', message: 'must be an object' }]],
    ['runs missing', {}, [{ path: 'runs', message: 'must be a list' }]],
    ['runs empty', { runs: [] }, [{ path: 'runs', message: 'needs at least one run' }]],
    [
      'unknown top-level field',
      { ...base(), run: [] },
      [{ path: 'run', message: 'is not a known field ($schema, description, runs)' }],
    ],
    ['run not an object', { runs: ['x'] }, [{ path: 'runs[0]', message: 'must be an object' }]],
    [
      'run without store and routings',
      { runs: [{}] },
      [
        { path: 'runs[0].productStoreId', message: 'must be a non-empty string' },
        { path: 'runs[0].routings', message: 'must be a list' },
      ],
    ],
    [
      'run with no routings',
      { runs: [{ productStoreId: 'S', routings: [] }] },
      [{ path: 'runs[0].routings', message: 'needs at least one routing' }],
    ],
    [
      'two runs for one store',
      { runs: [...base().runs, ...base().runs] },
      [{ path: 'runs[1].productStoreId', message: 'duplicate run for product store "STORE"' }],
    ],
    [
      'duplicate routing names',
      {
        runs: [
          {
            productStoreId: 'S',
            routings: [
              { name: 'A', inventoryRules: [{ name: 'r' }] },
              { name: 'A', inventoryRules: [{ name: 'r' }] },
            ],
          },
        ],
      },
      [{ path: 'runs[0].routings[1].name', message: 'duplicate routing name "A"' }],
    ],
    [
      'routing without a name, rules not a list',
      { runs: [{ productStoreId: 'S', routings: [{ inventoryRules: {} }] }] },
      [
        { path: 'runs[0].routings[0].inventoryRules', message: 'must be a list' },
        { path: 'runs[0].routings[0].name', message: 'must be a non-empty string' },
      ],
    ],
    [
      'active routing with no rules',
      withRouting({ inventoryRules: [] }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules',
          message: 'an active routing needs at least one inventory rule',
        },
      ],
    ],
    [
      'active not a boolean',
      withRouting({ active: 'yes' }),
      [{ path: 'runs[0].routings[0].active', message: 'must be true or false' }],
    ],
    [
      'misspelt routing field',
      withRouting({ orderFilter: {} }),
      [
        {
          path: 'runs[0].routings[0].orderFilter',
          message:
            'is not a known field (name, description, active, orderFilters, orderSorts, inventoryRules)',
        },
      ],
    ],
    [
      'unknown order filter',
      withRouting({ orderFilters: { carrier: ['UPS'] } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.carrier',
          message:
            'is not a known field (queue, shippingMethod, priority, promiseDate, salesChannel, originFacilityGroup, productCategory)',
        },
      ],
    ],
    [
      'queue that is not a queue name',
      withRouting({ orderFilters: { queue: { include: ['WH-1'] } } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.queue.include[0]',
          message: '"WH-1" is not a queue name (_UPPER_CASE_)',
        },
      ],
    ],
    [
      'queue list shorthand with a bad entry',
      withRouting({ orderFilters: { queue: [BROKERING_QUEUE, 'oops'] } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.queue[1]',
          message: '"oops" is not a queue name (_UPPER_CASE_)',
        },
      ],
    ],
    [
      'value filter with neither include nor exclude',
      withRouting({ orderFilters: { salesChannel: {} } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.salesChannel',
          message: 'needs "include" or "exclude"',
        },
      ],
    ],
    [
      'empty include list and a blank value',
      withRouting({ orderFilters: { shippingMethod: { include: [], exclude: [' '] } } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.shippingMethod.include',
          message: 'must list at least one value',
        },
        {
          path: 'runs[0].routings[0].orderFilters.shippingMethod.exclude[0]',
          message: 'must be a non-empty string',
        },
      ],
    ],
    [
      'priority not whole numbers',
      withRouting({ orderFilters: { priority: { include: [1, 'high', 2.5] } } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.priority.include[1]',
          message: 'must be a whole number',
        },
        {
          path: 'runs[0].routings[0].orderFilters.priority.include[2]',
          message: 'must be a whole number',
        },
      ],
    ],
    [
      'promise date without days',
      withRouting({ orderFilters: { promiseDate: { exclude: 'yes' } } }),
      [
        {
          path: 'runs[0].routings[0].orderFilters.promiseDate.withinDays',
          message: 'must be a whole number ≥ 0',
        },
        {
          path: 'runs[0].routings[0].orderFilters.promiseDate.exclude',
          message: 'must be true or false',
        },
      ],
    ],
    [
      'unknown order sort and bad direction',
      withRouting({
        orderSorts: ['shipBy', 'customerName', { by: 'orderDate', direction: 'newest' }],
      }),
      [
        {
          path: 'runs[0].routings[0].orderSorts[1]',
          message: '"customerName" is not one of shipBy, orderDate, priority',
        },
        { path: 'runs[0].routings[0].orderSorts[2].direction', message: 'must be "asc" or "desc"' },
      ],
    ],
    [
      'order sort twice and sort object without by',
      withRouting({ orderSorts: ['shipBy', { by: 'shipBy' }, { direction: 'asc' }] }),
      [
        { path: 'runs[0].routings[0].orderSorts[1]', message: '"shipBy" is already sorted on' },
        {
          path: 'runs[0].routings[0].orderSorts[2].by',
          message: 'is required (one of shipBy, orderDate, priority)',
        },
      ],
    ],
    [
      'duplicate rule names',
      withRouting({ inventoryRules: [{ name: 'x' }, { name: 'y' }, { name: 'x' }] }),
      [{ path: 'runs[0].routings[0].inventoryRules[2].name', message: 'duplicate rule name "x"' }],
    ],
    [
      'rule not an object',
      withRouting({ inventoryRules: [null] }),
      [{ path: 'runs[0].routings[0].inventoryRules[0]', message: 'must be an object' }],
    ],
    [
      'unknown facility sort, repeated sort',
      withRule({ sorts: ['distance', 'cheapest', 'distance'] }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].sorts[1]',
          message: '"cheapest" is not one of distance, inventoryBalance, customSequence',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].sorts[2]',
          message: '"distance" is already sorted on',
        },
      ],
    ],
    [
      'bad facility filters',
      withRule({
        filters: {
          maxDistanceKm: -1,
          safetyStock: 1.5,
          respectDailyOrderLimit: 1,
          minShipmentValue: 'ten',
          allItemsAvailable: 'true',
          facilityGroup: ['WH', 3],
        },
      }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.facilityGroup[1]',
          message: 'must be a non-empty string',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.maxDistanceKm',
          message: 'must be a number of kilometres > 0',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.safetyStock',
          message: 'must be a whole number ≥ 0',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.minShipmentValue',
          message: 'must be a number ≥ 0',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.respectDailyOrderLimit',
          message: 'must be true or false',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.allItemsAvailable',
          message: 'must be true or false',
        },
      ],
    ],
    [
      'zero distance',
      withRule({ filters: { maxDistanceKm: 0 } }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.maxDistanceKm',
          message: 'must be a number of kilometres > 0',
        },
      ],
    ],
    [
      'misspelt facility filter',
      withRule({ filters: { maxDistanceKM: 10 } }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].filters.maxDistanceKM',
          message:
            'is not a known field (facilityGroup, maxDistanceKm, safetyStock, respectDailyOrderLimit, minShipmentValue, allItemsAvailable)',
        },
      ],
    ],
    [
      'partialAllocation not a boolean',
      withRule({ partialAllocation: 'split' }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].partialAllocation',
          message: 'must be true or false',
        },
      ],
    ],
    [
      'whenUnavailable unknown word',
      withRule({ whenUnavailable: 'cancel' }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].whenUnavailable',
          message: '"cancel" is not "next-rule" nor an object {moveToQueue?, autoCancelDays?}',
        },
      ],
    ],
    [
      'whenUnavailable empty object',
      withRule({ whenUnavailable: {} }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].whenUnavailable',
          message: 'needs "moveToQueue" and/or "autoCancelDays" (or use "next-rule")',
        },
      ],
    ],
    [
      'whenUnavailable to a facility, zero days',
      withRule({ whenUnavailable: { moveToQueue: 'WH-1', autoCancelDays: 0 } }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].whenUnavailable.moveToQueue',
          message: '"WH-1" is not a queue name (_UPPER_CASE_)',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].whenUnavailable.autoCancelDays',
          message: 'must be a whole number ≥ 1',
        },
      ],
    ],
    [
      'whenUnavailable misspelt key',
      withRule({ whenUnavailable: { queue: UNFILLABLE_PARKING } }),
      [
        {
          path: 'runs[0].routings[0].inventoryRules[0].whenUnavailable.queue',
          message: 'is not a known field (moveToQueue, autoCancelDays)',
        },
        {
          path: 'runs[0].routings[0].inventoryRules[0].whenUnavailable',
          message: 'needs "moveToQueue" and/or "autoCancelDays" (or use "next-rule")',
        },
      ],
    ],
  ];

  it.each(cases)('%s', (_name, json, expected) => {
    expect(errorsOf(json)).toEqual(expected);
  });

  it('reports errors deep in the second routing with the full path', () => {
    const json = {
      runs: [
        {
          productStoreId: 'S',
          routings: [
            { name: 'A', inventoryRules: [{ name: 'r' }] },
            {
              name: 'B',
              inventoryRules: [{ name: 'r', sorts: ['distance', 'inventoryBalance', 'nearest'] }],
            },
          ],
        },
      ],
    };
    expect(errorsOf(json)).toEqual([
      {
        path: 'runs[0].routings[1].inventoryRules[0].sorts[2]',
        message: '"nearest" is not one of distance, inventoryBalance, customSequence',
      },
    ]);
  });

  it('formats errors one a line', () => {
    expect(formatConfigErrors(errorsOf({ runs: [{}] }))).toBe(
      'runs[0].productStoreId: must be a non-empty string\nruns[0].routings: must be a list',
    );
  });
});

describe('queues', () => {
  it('recognises the standard queues and custom ones, not facilities', () => {
    for (const q of STANDARD_QUEUES) expect(isQueueId(q)).toBe(true);
    expect(isQueueId('_CSR_REVIEW_')).toBe(true);
    expect(isQueueId('WH-EAST')).toBe(false);
    expect(isQueueId('_lower_')).toBe(false);
    expect(isQueueId('__')).toBe(false);
  });
});
