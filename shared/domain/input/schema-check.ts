/**
 * Input checked against JSON Schema (draft 2020-12) with ajv: the published schemas are the
 * checks, so what integrators read and what the OMS enforces cannot drift. Ajv's errors become
 * `FieldIssue`s with the OMS's wording (one per field: the first that failed, type before range),
 * and `x-expect` in a schema words any failed check of that field as "must be <x-expect>, got <value>".
 *
 * Two habits of the storefront's JSON are kept: `null` counts as absent (a required field that is
 * null "is required"; an optional one is skipped; `{ nullIsAbsent: false }` turns this off), and a
 * string with a minimum length must have that many non-blank characters.
 *
 * A schema may word its own refusals with `x-message`: a string words every failed check of that
 * schema object (and the value missing, where its parent requires it); an object words them per
 * check (`{ type: 'must be a list', minItems: 'needs at least one run', required: … }`, plus
 * `additionalProperties` for an unknown field of an object). `{value}` in a message is replaced by
 * the value. An `anyOf` that fails reports itself only, not each of its alternatives, and
 * `if`/`then`/`else` reports what the branch taken refused.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FieldIssue } from './issue.ts';

/** A JSON Schema, as the OMS writes them (plain objects, often `as const`). */
export type JsonSchema = object | boolean;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, unicodeRegExp: true });
ajv.addKeyword({ keyword: 'x-expect', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-message', schemaType: ['string', 'object'] });
ajv.addFormat('date-time', (v: string) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
ajv.addFormat('email', (v: string) => EMAIL.test(v));

const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  if (typeof schema === 'boolean') return ajv.compile(schema);
  let fn = compiled.get(schema);
  if (fn) return fn;
  try {
    fn = ajv.compile(schema);
  } catch (err) {
    const ref = (err as { missingRef?: string }).missingRef;
    if (ref) throw new Error(`schema: cannot resolve ${ref}`);
    throw err;
  }
  compiled.set(schema, fn);
  return fn;
}

/** `/lines/0/quantity` → `lines[0].quantity`. */
function fieldPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  return parts
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, key) => (/^\d+$/.test(key) ? `${path}[${key}]` : path ? `${path}.${key}` : key),
      '',
    );
}

const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;

const nonBlankLength = (v: unknown) => (typeof v === 'string' ? v.trim().length : 0);

/** Which failure a field reports when several did (the first check a reader would expect). */
const RANK = ['type', 'enum', 'const', 'required', 'blank', 'minLength', 'maxLength', 'pattern'];
const rank = (code: string) => (RANK.includes(code) ? RANK.indexOf(code) : RANK.length);

type SchemaObject = Record<string, unknown>;

/** `String(v)`, also for objects without a prototype. */
function shown(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** The schema's own wording of a failed `code` (its `x-message`), `{value}` filled in. */
function ownWording(schema: SchemaObject | undefined, code: string, value: unknown) {
  const x = schema?.['x-message'];
  const text =
    typeof x === 'string' ? x : typeof x === 'object' && x ? (x as SchemaObject)[code] : undefined;
  return typeof text === 'string' ? text.replace(/\{value\}/g, () => shown(value)) : undefined;
}

/** `{ $ref: '#/$defs/x', …siblings }` as one schema object (the definition, then the siblings). */
function resolved(root: JsonSchema, raw: unknown): SchemaObject | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { $ref, ...rest } = raw as SchemaObject;
  const name = typeof $ref === 'string' ? /^#\/\$defs\/(.+)$/.exec($ref)?.[1] : undefined;
  const defs = (root as { $defs?: Record<string, unknown> }).$defs;
  const target = name ? resolved(root, defs?.[name]) : undefined;
  return target ? { ...target, ...rest } : (raw as SchemaObject);
}

function issueOf(root: JsonSchema, e: ErrorObject): FieldIssue {
  const schema = e.parentSchema as SchemaObject | undefined;
  const expect = typeof schema?.['x-expect'] === 'string' ? schema['x-expect'] : undefined;
  const v = e.data;
  const at = fieldPath(e.instancePath);
  const issue = (code: string, message: string, path = at): FieldIssue => ({ path, code, message });
  if (e.keyword === 'required') {
    const missing = String(e.params.missingProperty);
    const field = resolved(root, (schema?.properties as SchemaObject | undefined)?.[missing]);
    const own = ownWording(field, 'required', undefined);
    if (own) return issue('required', own, fieldPath(e.instancePath, missing));
  } else if (e.keyword === 'additionalProperties') {
    const own = ownWording(schema, 'additionalProperties', undefined);
    const path = fieldPath(e.instancePath, String(e.params.additionalProperty));
    if (own) return issue('unknown', own, path);
  } else {
    const blank = e.keyword === 'minLength' && e.params.limit === 1 && nonBlankLength(v) === 0;
    const code = blank ? 'blank' : e.keyword;
    const own = ownWording(schema, code, v);
    if (own) return issue(code, own);
  }
  const worded = expect && e.keyword !== 'required' && e.keyword !== 'additionalProperties';
  if (worded) return issue(e.keyword, `must be ${expect}, got ${JSON.stringify(v)}`);
  switch (e.keyword) {
    case 'required':
      return issue(
        'required',
        'is required',
        fieldPath(e.instancePath, String(e.params.missingProperty)),
      );
    case 'additionalProperties':
      return issue(
        'unknown',
        'is not a known field',
        fieldPath(e.instancePath, String(e.params.additionalProperty)),
      );
    case 'type':
      if (e.params.type === 'integer' && typeof v === 'number')
        return issue('type', `${v} is not a whole number`);
      return issue('type', `must be ${typeWord(String(e.params.type))}, found ${typeName(v)}`);
    case 'enum':
      return issue(
        'enum',
        `must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`,
      );
    case 'minLength':
      return nonBlankLength(v) === 0 && e.params.limit === 1
        ? issue('blank', 'must not be blank')
        : issue('minLength', `needs ${e.params.limit}+ characters`);
    case 'maxLength':
      return issue('maxLength', `is longer than ${e.params.limit} characters`);
    case 'pattern':
      return issue('pattern', `"${String(v)}" does not match ${e.params.pattern}`);
    case 'format':
      return e.params.format === 'date-time'
        ? issue('format', `"${String(v)}" is not an ISO 8601 date-time with a time zone`)
        : e.params.format === 'email'
          ? issue('format', `"${String(v)}" is not an e-mail address`)
          : issue('format', `"${String(v)}" is not a valid ${e.params.format}`);
    case 'minimum':
    case 'exclusiveMinimum':
      return issue(e.keyword, `${v} is below ${e.params.limit}`);
    case 'maximum':
    case 'exclusiveMaximum':
      return issue(e.keyword, `${v} is above ${e.params.limit}`);
    case 'minItems':
      return issue(
        'minItems',
        `needs at least ${e.params.limit} item${e.params.limit === 1 ? '' : 's'}`,
      );
    case 'maxItems':
      return issue('maxItems', `has ${(v as unknown[]).length} items, more than ${e.params.limit}`);
    default:
      return issue(e.keyword, e.message ?? 'is not valid');
  }
}

const typeWord = (t: string) =>
  ({ string: 'a string', number: 'a number', integer: 'a number', boolean: 'true or false' })[t] ??
  `an ${t}`;

/** The value with object properties that are `null` left out (absent, as the storefront means). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

export interface CheckOptions {
  /** `null` object properties count as absent (the storefront's habit). Default true. */
  readonly nullIsAbsent?: boolean;
}

/**
 * Ajv's errors less the noise: an `if` error only says a branch failed (the branch's own errors
 * say how), and the alternatives of an `anyOf` that failed as a whole are not each reported.
 */
function meaningful(errors: readonly ErrorObject[]): ErrorObject[] {
  const failedAnyOf = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  return errors.filter(
    (e) => e.keyword !== 'if' && !failedAnyOf.some((p) => e.schemaPath.startsWith(p)),
  );
}

/** Checks `value` against `schema`; one issue per field that failed, in the schema's order. */
export function checkSchema(
  schema: JsonSchema,
  value: unknown,
  { nullIsAbsent = true }: CheckOptions = {},
): FieldIssue[] {
  const validate = validatorFor(schema);
  const data = nullIsAbsent ? withoutNulls(value) : value;
  const blank = blankStrings(schema, data);
  if (validate(data) && blank.length === 0) return [];
  const all = [...meaningful(validate.errors ?? []).map((e) => issueOf(schema, e)), ...blank];
  const byPath = new Map<string, FieldIssue>();
  for (const issue of all) {
    const seen = byPath.get(issue.path);
    if (!seen || rank(issue.code) < rank(seen.code)) byPath.set(issue.path, issue);
  }
  return [...byPath.values()];
}

/**
 * Strings whose schema asks for `minLength: n > 0` but that have fewer than n non-blank
 * characters (ajv counts spaces). Walks the schema beside the value, following local `$ref`s.
 */
function blankStrings(root: JsonSchema, data: unknown): FieldIssue[] {
  const found: FieldIssue[] = [];
  const walk = (raw: unknown, v: unknown, pointer: string) => {
    const s = resolved(root, raw);
    if (!s) return;
    // Both branches of an if: one made for another type of value finds nothing in this one.
    for (const branch of ['then', 'else', 'allOf'] as const) {
      const sub = s[branch];
      for (const b of Array.isArray(sub) ? sub : sub ? [sub] : []) walk(b, v, pointer);
    }
    if (typeof v === 'string' && typeof s.minLength === 'number' && s.minLength > 0) {
      const n = v.trim().length;
      if (n < s.minLength && v.length >= s.minLength) {
        const code = s.minLength === 1 ? 'blank' : 'minLength';
        found.push({
          path: fieldPath(pointer),
          code,
          message:
            ownWording(s, code, v) ??
            (s.minLength === 1 ? 'must not be blank' : `needs ${s.minLength}+ characters`),
        });
      }
    } else if (Array.isArray(v) && s.items) {
      v.forEach((item, i) => walk(s.items, item, `${pointer}/${i}`));
    } else if (typeof v === 'object' && v !== null && s.properties) {
      const props = s.properties as Record<string, unknown>;
      for (const [k, child] of Object.entries(v))
        if (props[k]) walk(props[k], child, `${pointer}/${k}`);
    }
  };
  walk(root, data, '');
  return found;
}
