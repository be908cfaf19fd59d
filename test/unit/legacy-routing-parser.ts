/**
 * THE OLD HAND-WRITTEN PARSER, kept as the oracle of test/unit/routing-schema.test.ts: the schema
 * based `parseRoutingConfig` must accept what this accepted, with the same result. Not used by
 * the OMS.
 *
 * Validates a routing configuration as loaded from a file or DynamoDB and returns it typed and
 * normalised (defaults filled in), or every error found, each naming the path at fault
 * (`runs[0].routings[1].inventoryRules[0].sorts[2]`). Unknown fields are errors, so a misspelt
 * option is never silently ignored. Pure: no I/O.
 *
 * Shorthands accepted: a value filter given as a list means `{ include: list }`; an order sort
 * given as a string means that field in its default direction.
 */
import { BROKERING_QUEUE, isQueueId } from '../../shared/domain/brokering/queues.ts';
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
} from '../../shared/domain/brokering/routing-config.ts';

export interface ConfigError {
  readonly path: string;
  readonly message: string;
}

export type ParseRoutingConfigResult =
  | { readonly ok: true; readonly config: RoutingConfig }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

type Obj = Record<string, unknown>;

/** Collects errors while walking the input. */
class Checker {
  readonly errors: ConfigError[] = [];

  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }

  object(v: unknown, path: string, allowed: readonly string[]): Obj | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return this.fail(path || '(config)', 'must be an object');
    }
    for (const k of Object.keys(v)) {
      const at = path ? `${path}.${k}` : k;
      if (!allowed.includes(k)) this.fail(at, `is not a known field (${allowed.join(', ')})`);
    }
    return v as Obj;
  }

  list(v: unknown, path: string): unknown[] | undefined {
    return Array.isArray(v) ? v : this.fail(path, 'must be a list');
  }

  text(v: unknown, path: string): string | undefined {
    if (typeof v !== 'string' || v.trim() === '')
      return this.fail(path, 'must be a non-empty string');
    return v.trim();
  }

  bool(v: unknown, path: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.fail(path, 'must be true or false');
      return fallback;
    }
    return v;
  }

  /** A number in [min, max]; `whole` requires an integer. */
  num(v: unknown, path: string, min: number, whole: boolean): number | undefined {
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      (whole && !Number.isInteger(v))
    ) {
      return this.fail(path, `must be a ${whole ? 'whole ' : ''}number ≥ ${min}`);
    }
    return v;
  }

  /** Names must be unique among siblings. */
  unique(names: readonly (string | undefined)[], path: (i: number) => string, what: string): void {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (n === undefined) return;
      if (seen.has(n)) this.fail(path(i), `duplicate ${what} "${n}"`);
      seen.add(n);
    });
  }
}

function valueFilter<T extends string | number>(
  c: Checker,
  v: unknown,
  path: string,
  kind: 'text' | 'integer' | 'queue',
): ValueFilter<T> | undefined {
  const input = Array.isArray(v) ? { include: v } : v;
  const o = c.object(input, path, ['include', 'exclude']);
  if (!o) return undefined;
  const out: { include?: T[]; exclude?: T[] } = {};
  for (const key of ['include', 'exclude'] as const) {
    if (o[key] === undefined) continue;
    const at = Array.isArray(v) ? path : `${path}.${key}`;
    const items = c.list(o[key], at);
    if (!items) continue;
    if (items.length === 0) c.fail(at, 'must list at least one value');
    const values: T[] = [];
    items.forEach((item, i) => {
      const p = `${at}[${i}]`;
      if (kind === 'integer') {
        if (typeof item !== 'number' || !Number.isInteger(item))
          c.fail(p, 'must be a whole number');
        else values.push(item as T);
        return;
      }
      const s = c.text(item, p);
      if (s === undefined) return;
      if (kind === 'queue' && !isQueueId(s)) c.fail(p, `"${s}" is not a queue name (_UPPER_CASE_)`);
      values.push(s as T);
    });
    out[key] = values;
  }
  if (!out.include && !out.exclude) c.fail(path, 'needs "include" or "exclude"');
  return out;
}

function promiseDateFilter(c: Checker, v: unknown, path: string): PromiseDateFilter | undefined {
  const o = c.object(v, path, ['withinDays', 'exclude']);
  if (!o) return undefined;
  const withinDays = c.num(o.withinDays, `${path}.withinDays`, 0, true);
  const exclude = c.bool(o.exclude, `${path}.exclude`, false);
  return withinDays === undefined ? undefined : { withinDays, ...(exclude ? { exclude } : {}) };
}

const ORDER_FILTER_KEYS = [
  'queue',
  'shippingMethod',
  'priority',
  'promiseDate',
  'salesChannel',
  'originFacilityGroup',
  'productCategory',
] as const;

function orderFilters(c: Checker, v: unknown, path: string): OrderFilters {
  const fallback: OrderFilters = { queue: { include: [BROKERING_QUEUE] } };
  if (v === undefined) return fallback;
  const o = c.object(v, path, ORDER_FILTER_KEYS);
  if (!o) return fallback;
  const out: Record<string, unknown> = {
    queue:
      o.queue === undefined
        ? fallback.queue
        : (valueFilter(c, o.queue, `${path}.queue`, 'queue') ?? fallback.queue),
  };
  for (const key of ['shippingMethod', 'salesChannel', 'originFacilityGroup', 'productCategory']) {
    if (o[key] !== undefined) out[key] = valueFilter(c, o[key], `${path}.${key}`, 'text');
  }
  if (o.priority !== undefined)
    out.priority = valueFilter(c, o.priority, `${path}.priority`, 'integer');
  if (o.promiseDate !== undefined)
    out.promiseDate = promiseDateFilter(c, o.promiseDate, `${path}.promiseDate`);
  return out as unknown as OrderFilters;
}

function orderSorts(c: Checker, v: unknown, path: string): OrderSort[] {
  if (v === undefined) return [];
  const items = c.list(v, path) ?? [];
  const out: OrderSort[] = [];
  items.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const o = typeof item === 'string' ? { by: item } : c.object(item, at, ['by', 'direction']);
    if (!o) return;
    const by = o.by;
    if (by === undefined) {
      c.fail(`${at}.by`, `is required (one of ${ORDER_SORT_FIELDS.join(', ')})`);
      return;
    }
    if (typeof by !== 'string' || !(ORDER_SORT_FIELDS as readonly string[]).includes(by)) {
      c.fail(
        typeof item === 'string' ? at : `${at}.by`,
        `"${String(by)}" is not one of ${ORDER_SORT_FIELDS.join(', ')}`,
      );
      return;
    }
    const field = by as OrderSort['by'];
    let direction = defaultDirection(field);
    if (o.direction !== undefined) {
      if (o.direction !== 'asc' && o.direction !== 'desc') {
        c.fail(`${at}.direction`, 'must be "asc" or "desc"');
      } else direction = o.direction;
    }
    if (out.some((s) => s.by === field)) c.fail(at, `"${field}" is already sorted on`);
    else out.push({ by: field, direction });
  });
  return out;
}

const FACILITY_FILTER_KEYS = [
  'facilityGroup',
  'maxDistanceKm',
  'safetyStock',
  'respectDailyOrderLimit',
  'minShipmentValue',
  'allItemsAvailable',
] as const;

function facilityFilters(c: Checker, v: unknown, path: string): FacilityFilters {
  const out: Record<string, unknown> = {
    safetyStock: 0,
    respectDailyOrderLimit: false,
    allItemsAvailable: false,
  };
  if (v === undefined) return out as unknown as FacilityFilters;
  const o = c.object(v, path, FACILITY_FILTER_KEYS);
  if (!o) return out as unknown as FacilityFilters;
  if (o.facilityGroup !== undefined) {
    out.facilityGroup = valueFilter(c, o.facilityGroup, `${path}.facilityGroup`, 'text');
  }
  if (o.maxDistanceKm !== undefined) {
    const km = o.maxDistanceKm;
    if (typeof km !== 'number' || !Number.isFinite(km) || km <= 0) {
      c.fail(`${path}.maxDistanceKm`, 'must be a number of kilometres > 0');
    } else out.maxDistanceKm = km;
  }
  if (o.safetyStock !== undefined)
    out.safetyStock = c.num(o.safetyStock, `${path}.safetyStock`, 0, true) ?? 0;
  if (o.minShipmentValue !== undefined) {
    out.minShipmentValue = c.num(o.minShipmentValue, `${path}.minShipmentValue`, 0, false);
  }
  out.respectDailyOrderLimit = c.bool(
    o.respectDailyOrderLimit,
    `${path}.respectDailyOrderLimit`,
    false,
  );
  out.allItemsAvailable = c.bool(o.allItemsAvailable, `${path}.allItemsAvailable`, false);
  return out as unknown as FacilityFilters;
}

function facilitySorts(c: Checker, v: unknown, path: string): FacilitySort[] {
  if (v === undefined) return [];
  const out: FacilitySort[] = [];
  (c.list(v, path) ?? []).forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (typeof item !== 'string' || !(FACILITY_SORTS as readonly string[]).includes(item)) {
      c.fail(at, `"${String(item)}" is not one of ${FACILITY_SORTS.join(', ')}`);
    } else if (out.includes(item as FacilitySort)) {
      c.fail(at, `"${item}" is already sorted on`);
    } else out.push(item as FacilitySort);
  });
  return out;
}

function whenUnavailable(c: Checker, v: unknown, path: string): WhenUnavailable {
  if (v === undefined || v === 'next-rule') return 'next-rule';
  if (typeof v === 'string') {
    c.fail(path, `"${v}" is not "next-rule" nor an object {moveToQueue?, autoCancelDays?}`);
    return 'next-rule';
  }
  const o = c.object(v, path, ['moveToQueue', 'autoCancelDays']);
  if (!o) return 'next-rule';
  const out: { moveToQueue?: string; autoCancelDays?: number } = {};
  if (o.moveToQueue !== undefined) {
    const q = c.text(o.moveToQueue, `${path}.moveToQueue`);
    if (q !== undefined && !isQueueId(q)) {
      c.fail(`${path}.moveToQueue`, `"${q}" is not a queue name (_UPPER_CASE_)`);
    } else if (q !== undefined) out.moveToQueue = q;
  }
  if (o.autoCancelDays !== undefined) {
    const d = c.num(o.autoCancelDays, `${path}.autoCancelDays`, 1, true);
    if (d !== undefined) out.autoCancelDays = d;
  }
  if (o.moveToQueue === undefined && o.autoCancelDays === undefined) {
    c.fail(path, 'needs "moveToQueue" and/or "autoCancelDays" (or use "next-rule")');
  }
  return out;
}

const RULE_KEYS = [
  'name',
  'description',
  'active',
  'filters',
  'sorts',
  'partialAllocation',
  'whenUnavailable',
];

function inventoryRule(c: Checker, v: unknown, path: string): InventoryRule | undefined {
  const o = c.object(v, path, RULE_KEYS);
  if (!o) return undefined;
  if (o.description !== undefined && typeof o.description !== 'string') {
    c.fail(`${path}.description`, 'must be a string');
  }
  return {
    name: c.text(o.name, `${path}.name`) ?? '',
    active: c.bool(o.active, `${path}.active`, true),
    filters: facilityFilters(c, o.filters, `${path}.filters`),
    sorts: facilitySorts(c, o.sorts, `${path}.sorts`),
    partialAllocation: c.bool(o.partialAllocation, `${path}.partialAllocation`, false),
    whenUnavailable: whenUnavailable(c, o.whenUnavailable, `${path}.whenUnavailable`),
  };
}

const ROUTING_KEYS = [
  'name',
  'description',
  'active',
  'orderFilters',
  'orderSorts',
  'inventoryRules',
];

function routing(c: Checker, v: unknown, path: string): Routing | undefined {
  const o = c.object(v, path, ROUTING_KEYS);
  if (!o) return undefined;
  if (o.description !== undefined && typeof o.description !== 'string') {
    c.fail(`${path}.description`, 'must be a string');
  }
  const active = c.bool(o.active, `${path}.active`, true);
  const rulesIn = c.list(o.inventoryRules, `${path}.inventoryRules`) ?? [];
  if (Array.isArray(o.inventoryRules) && rulesIn.length === 0 && active) {
    c.fail(`${path}.inventoryRules`, 'an active routing needs at least one inventory rule');
  }
  const rules = rulesIn.map((r, i) => inventoryRule(c, r, `${path}.inventoryRules[${i}]`));
  c.unique(
    rules.map((r) => r?.name || undefined),
    (i) => `${path}.inventoryRules[${i}].name`,
    'rule name',
  );
  return {
    name: c.text(o.name, `${path}.name`) ?? '',
    active,
    orderFilters: orderFilters(c, o.orderFilters, `${path}.orderFilters`),
    orderSorts: orderSorts(c, o.orderSorts, `${path}.orderSorts`),
    inventoryRules: rules.filter((r): r is InventoryRule => r !== undefined),
  };
}

function run(c: Checker, v: unknown, path: string): BrokeringRun | undefined {
  const o = c.object(v, path, ['productStoreId', 'name', 'description', 'routings']);
  if (!o) return undefined;
  const productStoreId = c.text(o.productStoreId, `${path}.productStoreId`) ?? '';
  const name = o.name === undefined ? productStoreId : (c.text(o.name, `${path}.name`) ?? '');
  const routingsIn = c.list(o.routings, `${path}.routings`) ?? [];
  if (Array.isArray(o.routings) && routingsIn.length === 0) {
    c.fail(`${path}.routings`, 'needs at least one routing');
  }
  const routings = routingsIn.map((r, i) => routing(c, r, `${path}.routings[${i}]`));
  c.unique(
    routings.map((r) => r?.name || undefined),
    (i) => `${path}.routings[${i}].name`,
    'routing name',
  );
  return {
    productStoreId,
    name,
    routings: routings.filter((r): r is Routing => r !== undefined),
  };
}

/** Checks a whole configuration (`{ runs: [...] }`, one run per product store). */
export function legacyParseRoutingConfig(json: unknown): ParseRoutingConfigResult {
  const c = new Checker();
  const o = c.object(json, '', ['$schema', 'description', 'runs']);
  const runsIn = o ? (c.list(o.runs, 'runs') ?? []) : [];
  if (o && Array.isArray(o.runs) && runsIn.length === 0) c.fail('runs', 'needs at least one run');
  const runs = runsIn.map((r, i) => run(c, r, `runs[${i}]`));
  c.unique(
    runs.map((r) => r?.productStoreId || undefined),
    (i) => `runs[${i}].productStoreId`,
    'run for product store',
  );
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return { ok: true, config: { runs: runs.filter((r): r is BrokeringRun => r !== undefined) } };
}

/** One line per error, for the CLI. */
export const formatConfigErrors = (errors: readonly ConfigError[]): string =>
  errors.map((e) => `${e.path}: ${e.message}`).join('\n');
