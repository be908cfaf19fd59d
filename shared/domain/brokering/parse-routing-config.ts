/**
 * Validates a routing configuration as loaded from a file or DynamoDB and returns it typed and
 * normalised (defaults filled in), or every error found, each naming the path at fault
 * (`runs[0].routings[1].inventoryRules[0].sorts[2]`) with a code. Unknown fields are errors, so a
 * misspelt option is never silently ignored. Pure: no I/O.
 *
 * The structure is checked against `ROUTING_SCHEMA` (JSON Schema, with the shared schema check);
 * what a schema cannot say is checked here: names and sorts that appear twice.
 *
 * Normalised: text is trimmed; a value filter given as a list means `{ include: list }`; an order
 * sort given as a string means that field in its default direction; a run without a name is named
 * after its product store; absent options take their defaults.
 */
import { checkSchema } from '../input/schema-check.ts';
import type { FieldIssue } from '../input/issue.ts';
import { configErrors, type ConfigError } from './config-error.ts';
import { BROKERING_QUEUE } from './queues.ts';
import {
  FACILITY_SORTS,
  ORDER_SORT_FIELDS,
  defaultDirection,
  type BrokeringRun,
  type FacilityFilters,
  type FacilitySort,
  type InventoryRule,
  type OrderFilters,
  type OrderSort,
  type PromiseDateFilter,
  type Routing,
  type RoutingConfig,
  type ValueFilter,
  type WhenUnavailable,
} from './routing-config.ts';
import { ROUTING_SCHEMA } from './routing-schema.ts';

export type ParseRoutingConfigResult =
  | { readonly ok: true; readonly config: RoutingConfig }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** `v` if it is one of `values` (a sort that is not is refused by the schema, not here). */
const known = (values: readonly string[], v: unknown): string | undefined =>
  typeof v === 'string' && values.includes(v) ? v : undefined;
const nameOf = (field: string) => (v: unknown) => (isObj(v) ? text(v[field]) : undefined);
const sortedTwice = (sort: string) => `"${sort}" is already sorted on`;

/** Siblings with the same key (a trimmed name, a sort): the later ones are errors. */
function twice(
  items: readonly unknown[],
  key: (item: unknown) => string | undefined,
  path: (i: number) => string,
  message: (key: string) => string,
): FieldIssue[] {
  const seen = new Set<string>();
  return items.flatMap((item, i) => {
    const k = key(item);
    if (k === undefined) return [];
    if (seen.has(k)) return [{ path: path(i), code: 'duplicate', message: message(k) }];
    seen.add(k);
    return [];
  });
}

/** What the schema cannot say: a store's run, a routing, a rule or a sort given twice. */
function repeated(json: unknown): FieldIssue[] {
  const runs = isObj(json) ? list(json.runs) : [];
  const run = (i: number) => `runs[${i}]`;
  return [
    ...twice(
      runs,
      nameOf('productStoreId'),
      (i) => `${run(i)}.productStoreId`,
      (n) => `duplicate run for product store "${n}"`,
    ),
    ...runs.flatMap((r, i) => {
      const routings = isObj(r) ? list(r.routings) : [];
      const at = (j: number) => `${run(i)}.routings[${j}]`;
      return [
        ...twice(
          routings,
          nameOf('name'),
          (j) => `${at(j)}.name`,
          (n) => `duplicate routing name "${n}"`,
        ),
        ...routings.flatMap((routing, j) => {
          if (!isObj(routing)) return [];
          const rules = list(routing.inventoryRules);
          const orderSort = (s: unknown) => known(ORDER_SORT_FIELDS, isObj(s) ? s.by : s);
          return [
            ...twice(
              rules,
              nameOf('name'),
              (k) => `${at(j)}.inventoryRules[${k}].name`,
              (n) => `duplicate rule name "${n}"`,
            ),
            ...twice(
              list(routing.orderSorts),
              orderSort,
              (k) => `${at(j)}.orderSorts[${k}]`,
              sortedTwice,
            ),
            ...rules.flatMap((rule, k) =>
              twice(
                isObj(rule) ? list(rule.sorts) : [],
                (s) => known(FACILITY_SORTS, s),
                (m) => `${at(j)}.inventoryRules[${k}].sorts[${m}]`,
                sortedTwice,
              ),
            ),
          ];
        }),
      ];
    }),
  ];
}

/** `{ [key]: f(v) }`, or nothing when `v` is absent. */
const given = <V>(key: string, v: unknown, f: (v: never) => V = (x) => x) =>
  v === undefined ? {} : { [key]: f(v as never) };

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

function valueFilter(v: unknown): ValueFilter<string | number> {
  const values = (items: unknown[]) => items.map(trimmed) as string[];
  if (Array.isArray(v)) return { include: values(v) };
  const o = v as Obj;
  return { ...given('include', o.include, values), ...given('exclude', o.exclude, values) };
}

const orderFilters = (o: Obj = {}): OrderFilters =>
  ({
    queue: o.queue === undefined ? { include: [BROKERING_QUEUE] } : valueFilter(o.queue),
    ...given('shippingMethod', o.shippingMethod, valueFilter),
    ...given('salesChannel', o.salesChannel, valueFilter),
    ...given('originFacilityGroup', o.originFacilityGroup, valueFilter),
    ...given('productCategory', o.productCategory, valueFilter),
    ...given('priority', o.priority, valueFilter),
    ...given('promiseDate', o.promiseDate, (p: PromiseDateFilter) =>
      p.exclude ? { withinDays: p.withinDays, exclude: true } : { withinDays: p.withinDays },
    ),
  }) as OrderFilters;

const facilityFilters = (o: Obj = {}): FacilityFilters => ({
  safetyStock: (o.safetyStock as number | undefined) ?? 0,
  respectDailyOrderLimit: o.respectDailyOrderLimit === true,
  allItemsAvailable: o.allItemsAvailable === true,
  ...given('facilityGroup', o.facilityGroup, valueFilter),
  ...given('maxDistanceKm', o.maxDistanceKm),
  ...given('minShipmentValue', o.minShipmentValue),
});

const whenUnavailable = (v: unknown): WhenUnavailable =>
  v === undefined || v === 'next-rule'
    ? 'next-rule'
    : {
        ...given('moveToQueue', (v as Obj).moveToQueue, trimmed),
        ...given('autoCancelDays', (v as Obj).autoCancelDays),
      };

const inventoryRule = (o: Obj): InventoryRule => ({
  name: (o.name as string).trim(),
  active: o.active !== false,
  filters: facilityFilters(o.filters as Obj | undefined),
  sorts: (o.sorts as FacilitySort[] | undefined) ?? [],
  partialAllocation: o.partialAllocation === true,
  whenUnavailable: whenUnavailable(o.whenUnavailable),
});

const orderSort = (s: unknown): OrderSort => {
  const { by, direction } = (typeof s === 'string' ? { by: s } : s) as Partial<OrderSort>;
  return { by: by!, direction: direction ?? defaultDirection(by!) };
};

const routing = (o: Obj): Routing => ({
  name: (o.name as string).trim(),
  active: o.active !== false,
  orderFilters: orderFilters(o.orderFilters as Obj | undefined),
  orderSorts: list(o.orderSorts).map(orderSort),
  inventoryRules: (o.inventoryRules as Obj[]).map(inventoryRule),
});

const run = (o: Obj): BrokeringRun => {
  const productStoreId = (o.productStoreId as string).trim();
  return {
    productStoreId,
    name: o.name === undefined ? productStoreId : (o.name as string).trim(),
    routings: (o.routings as Obj[]).map(routing),
  };
};

/** Checks a whole configuration (`{ runs: [...] }`, one run per product store). */
export function parseRoutingConfig(json: unknown): ParseRoutingConfigResult {
  const issues = [...checkSchema(ROUTING_SCHEMA, json, { nullIsAbsent: false }), ...repeated(json)];
  if (issues.length > 0) return { ok: false, errors: configErrors(issues) };
  return { ok: true, config: { runs: ((json as Obj).runs as Obj[]).map(run) } };
}
