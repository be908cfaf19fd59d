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
import { RequestError } from '../input/request-error.ts';
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
  type OrderSortField,
  type Routing,
  type RoutingConfig,
  type ValueFilter,
  type WhenUnavailable,
} from './routing-config.ts';
import { ROUTING_SCHEMA } from './routing-schema.ts';

/**
 * One thing wrong with a routing configuration: a `FieldIssue` (path, code, message), with
 * `(config)` as the path of the whole configuration. `code` is the failed schema check (`type`,
 * `required`, `unknown`, `enum`, `pattern`, `minimum`, `minItems`, `anyOf`, …) or `duplicate`.
 *
 * The code is a non-enumerable property: configuration errors were `{ path, message }` before
 * they had codes, and comparisons written against that shape still hold. JSON output includes it
 * (`toJSON`), as does `configIssues`.
 */
export class ConfigError implements FieldIssue {
  declare readonly code: string;

  constructor(
    readonly path: string,
    code: string,
    readonly message: string,
  ) {
    Object.defineProperty(this, 'code', { value: code, enumerable: false });
  }

  toJSON(): FieldIssue {
    return { path: this.path, code: this.code, message: this.message };
  }
}

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

/** Names (or sorts) given twice among siblings: the later ones are errors. */
function duplicates(
  names: readonly (string | undefined)[],
  path: (i: number) => string,
  message: (name: string) => string,
): FieldIssue[] {
  const seen = new Set<string>();
  return names.flatMap((n, i) => {
    if (n === undefined) return [];
    if (seen.has(n)) return [{ path: path(i), code: 'duplicate', message: message(n) }];
    seen.add(n);
    return [];
  });
}

/** What the schema cannot say: a store's run, a routing, a rule or a sort given twice. */
function repeated(json: unknown): FieldIssue[] {
  const runs = isObj(json) ? list(json.runs) : [];
  const storeIds = runs.map((r) => (isObj(r) ? text(r.productStoreId) : undefined));
  const found = duplicates(
    storeIds,
    (i) => `runs[${i}].productStoreId`,
    (n) => `duplicate run for product store "${n}"`,
  );
  runs.forEach((run, i) => {
    const routings = isObj(run) ? list(run.routings) : [];
    const at = `runs[${i}].routings`;
    found.push(
      ...duplicates(
        routings.map((r) => (isObj(r) ? text(r.name) : undefined)),
        (j) => `${at}[${j}].name`,
        (n) => `duplicate routing name "${n}"`,
      ),
    );
    routings.forEach((routing, j) => {
      if (!isObj(routing)) return;
      const rules = list(routing.inventoryRules);
      found.push(
        ...duplicates(
          rules.map((r) => (isObj(r) ? text(r.name) : undefined)),
          (k) => `${at}[${j}].inventoryRules[${k}].name`,
          (n) => `duplicate rule name "${n}"`,
        ),
        ...duplicates(
          list(routing.orderSorts).map((s) => known(ORDER_SORT_FIELDS, isObj(s) ? s.by : s)),
          (k) => `${at}[${j}].orderSorts[${k}]`,
          (n) => `"${n}" is already sorted on`,
        ),
      );
      rules.forEach((rule, k) => {
        if (!isObj(rule)) return;
        found.push(
          ...duplicates(
            list(rule.sorts).map((s) => known(FACILITY_SORTS, s)),
            (m) => `${at}[${j}].inventoryRules[${k}].sorts[${m}]`,
            (n) => `"${n}" is already sorted on`,
          ),
        );
      });
    });
  });
  return found;
}

/**
 * The order errors are reported in (as the hand-written checks always did): within an object,
 * unknown fields first, then its fields in this order, then what is wrong with the object as a
 * whole; list items in order.
 */
const REPORT_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['$schema', 'description', 'runs'],
  runs: ['productStoreId', 'name', 'description', 'routings'],
  routings: ['description', 'active', 'inventoryRules', 'name', 'orderFilters', 'orderSorts'],
  inventoryRules: [
    'description',
    'name',
    'active',
    'filters',
    'sorts',
    'partialAllocation',
    'whenUnavailable',
  ],
  filters: [
    'facilityGroup',
    'maxDistanceKm',
    'safetyStock',
    'minShipmentValue',
    'respectDailyOrderLimit',
    'allItemsAvailable',
  ],
  orderFilters: [
    'queue',
    'shippingMethod',
    'salesChannel',
    'originFacilityGroup',
    'productCategory',
    'priority',
    'promiseDate',
  ],
  promiseDate: ['withinDays', 'exclude'],
  orderSorts: ['by', 'direction'],
  whenUnavailable: ['moveToQueue', 'autoCancelDays'],
};
const VALUE_FILTER_ORDER = ['include', 'exclude'];

/**
 * `runs[0].routings[1].name` → a key that sorts issues in report order. A name given twice is
 * reported after the whole list it is in.
 */
function reportKey(issue: FieldIssue): number[] {
  const steps = issue.path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  const named = /^(name|productStoreId)$/.test(steps.at(-1) ?? '');
  if (issue.code === 'duplicate' && named) {
    const list = steps.slice(0, -2).join('.').replace(/\.\[/g, '[');
    return [...reportKey({ ...issue, code: '', path: list }), Infinity];
  }
  let parent = '';
  return steps.map((step, i) => {
    if (step.startsWith('[')) return Number(step.slice(1, -1));
    if (issue.code === 'unknown' && i === steps.length - 1) return -1;
    const order = REPORT_ORDER[parent] ?? VALUE_FILTER_ORDER;
    parent = step;
    const at = order.indexOf(step);
    return at < 0 ? order.length : at;
  });
}

/** Descendants before their ancestor, otherwise by key. */
function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return b.length - a.length;
}

function valueFilter<T extends string | number>(v: unknown): ValueFilter<T> {
  const norm = (items: unknown) =>
    (items as unknown[]).map((x) => (typeof x === 'string' ? x.trim() : x)) as T[];
  if (Array.isArray(v)) return { include: norm(v) };
  const o = v as Obj;
  return {
    ...(o.include !== undefined ? { include: norm(o.include) } : {}),
    ...(o.exclude !== undefined ? { exclude: norm(o.exclude) } : {}),
  };
}

function orderFilters(o: Obj | undefined): OrderFilters {
  const out: Obj = {
    queue: o?.queue === undefined ? { include: [BROKERING_QUEUE] } : valueFilter(o.queue),
  };
  for (const key of ['shippingMethod', 'salesChannel', 'originFacilityGroup', 'productCategory']) {
    if (o?.[key] !== undefined) out[key] = valueFilter(o[key]);
  }
  if (o?.priority !== undefined) out.priority = valueFilter<number>(o.priority);
  const promise = o?.promiseDate as { withinDays: number; exclude?: boolean } | undefined;
  if (promise) {
    out.promiseDate = {
      withinDays: promise.withinDays,
      ...(promise.exclude ? { exclude: true } : {}),
    };
  }
  return out as unknown as OrderFilters;
}

function facilityFilters(o: Obj | undefined): FacilityFilters {
  return {
    safetyStock: (o?.safetyStock as number | undefined) ?? 0,
    respectDailyOrderLimit: o?.respectDailyOrderLimit === true,
    allItemsAvailable: o?.allItemsAvailable === true,
    ...(o?.facilityGroup !== undefined ? { facilityGroup: valueFilter(o.facilityGroup) } : {}),
    ...(o?.maxDistanceKm !== undefined ? { maxDistanceKm: o.maxDistanceKm as number } : {}),
    ...(o?.minShipmentValue !== undefined
      ? { minShipmentValue: o.minShipmentValue as number }
      : {}),
  };
}

function whenUnavailable(v: unknown): WhenUnavailable {
  if (v === undefined || v === 'next-rule') return 'next-rule';
  const o = v as { moveToQueue?: string; autoCancelDays?: number };
  return {
    ...(o.moveToQueue !== undefined ? { moveToQueue: o.moveToQueue.trim() } : {}),
    ...(o.autoCancelDays !== undefined ? { autoCancelDays: o.autoCancelDays } : {}),
  };
}

const inventoryRule = (o: Obj): InventoryRule => ({
  name: (o.name as string).trim(),
  active: o.active !== false,
  filters: facilityFilters(o.filters as Obj | undefined),
  sorts: (o.sorts as FacilitySort[] | undefined) ?? [],
  partialAllocation: o.partialAllocation === true,
  whenUnavailable: whenUnavailable(o.whenUnavailable),
});

const routing = (o: Obj): Routing => ({
  name: (o.name as string).trim(),
  active: o.active !== false,
  orderFilters: orderFilters(o.orderFilters as Obj | undefined),
  orderSorts: list(o.orderSorts).map((s): OrderSort => {
    const { by, direction } = (typeof s === 'string' ? { by: s } : s) as Obj;
    const field = by as OrderSortField;
    return {
      by: field,
      direction: (direction as OrderSort['direction']) ?? defaultDirection(field),
    };
  }),
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
  if (issues.length > 0) {
    const keyed = issues.map((issue) => ({ issue, key: reportKey(issue) }));
    keyed.sort((a, b) => compareKeys(a.key, b.key));
    const errors = keyed.map(
      ({ issue }) => new ConfigError(issue.path || '(config)', issue.code, issue.message),
    );
    return { ok: false, errors };
  }
  return { ok: true, config: { runs: ((json as Obj).runs as Obj[]).map(run) } };
}

/** One line per error, for the CLI. */
export const formatConfigErrors = (
  errors: readonly Pick<ConfigError, 'path' | 'message'>[],
): string => errors.map((e) => `${e.path}: ${e.message}`).join('\n');

/** The errors as plain `FieldIssue`s (with their codes), for JSON output. */
export const configIssues = (errors: readonly ConfigError[]): FieldIssue[] =>
  errors.map((e) => e.toJSON());

/** A routing configuration refused: `INVALID_ROUTING_CONFIG`, its issues under `issues`. */
export class RoutingConfigError extends RequestError {
  constructor(message: string, errors: readonly ConfigError[]) {
    super('INVALID_ROUTING_CONFIG', 400, message, { issues: configIssues(errors) });
  }
}
