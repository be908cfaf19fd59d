/**
 * What is wrong with a routing configuration, as `parseRoutingConfig` reports it: one
 * `ConfigError` (a `FieldIssue`: path, code, message) per field, in the order the configuration
 * is read, printed one a line by `formatConfigErrors`, answered as `RoutingConfigError`
 * (`INVALID_ROUTING_CONFIG`, the issues under `issues`) where a refusal is printed as JSON.
 */
import type { FieldIssue } from '../input/issue.ts';
import { RequestError } from '../input/request-error.ts';

/**
 * One thing wrong with a routing configuration, `(config)` being the path of the whole of it.
 * `code` is the failed schema check (`type`, `required`, `blank`, `unknown`, `enum`, `const`,
 * `pattern`, `minimum`, `exclusiveMinimum`, `minItems`, `anyOf`) or `duplicate`.
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

/**
 * The order errors are reported in (the order the hand-written checks always had): within an
 * object, unknown fields first, then its fields in this order, then what is wrong with the object
 * as a whole; list items in order; a name given twice after the list it is in.
 */
const REPORT_ORDER: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries({
    '': '$schema description runs',
    runs: 'productStoreId name description routings',
    routings: 'description active inventoryRules name orderFilters orderSorts',
    inventoryRules: 'description name active filters sorts partialAllocation whenUnavailable',
    filters:
      'facilityGroup maxDistanceKm safetyStock minShipmentValue respectDailyOrderLimit allItemsAvailable',
    orderFilters:
      'queue shippingMethod salesChannel originFacilityGroup productCategory priority promiseDate',
    promiseDate: 'withinDays exclude',
    orderSorts: 'by direction',
    whenUnavailable: 'moveToQueue autoCancelDays',
  }).map(([kind, fields]) => [kind, fields.split(' ')]),
);
const VALUE_FILTER_ORDER = ['include', 'exclude'];

/** `runs[0].routings[1].name` → a key that sorts issues in report order. */
function reportKey({ path, code }: FieldIssue): number[] {
  const steps = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  if (code === 'duplicate' && /^(name|productStoreId)$/.test(steps.at(-1) ?? '')) {
    const list = steps.slice(0, -2).join('.').replace(/\.\[/g, '[');
    return [...reportKey({ path: list, code: '', message: '' }), Infinity];
  }
  let parent = '';
  return steps.map((step, i) => {
    if (step.startsWith('[')) return Number(step.slice(1, -1));
    if (code === 'unknown' && i === steps.length - 1) return -1;
    const order = REPORT_ORDER[parent] ?? VALUE_FILTER_ORDER;
    parent = step;
    return order.includes(step) ? order.indexOf(step) : order.length;
  });
}

/** Descendants before their ancestor, otherwise by key. */
function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return b.length - a.length;
}

/** The issues found in a configuration, as its errors in report order. */
export const configErrors = (issues: readonly FieldIssue[]): ConfigError[] =>
  issues
    .map((issue) => ({ issue, key: reportKey(issue) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ issue: i }) => new ConfigError(i.path || '(config)', i.code, i.message));

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
