/**
 * A small JSON Schema interpreter for the subset the OMS's own schemas use: type, required,
 * properties, additionalProperties: false, enum, minLength/maxLength, pattern, minimum/maximum,
 * minItems/maxItems, items, format (date-time, email) and local `$ref`s to `#/$defs/…`.
 * Every error names the field by its path (`lines[0].quantity`). Unknown keywords are ignored, so
 * only use it with schemas written for it.
 */

export interface SchemaError {
  /** Path of the field, e.g. `customer.shippingAddress.zip`; `` for the whole value. */
  readonly field: string;
  readonly message: string;
}

export interface Schema {
  readonly type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean;
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: Schema;
  readonly format?: string;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, Schema>>;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

export function validateAgainst(root: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  const patterns = new Map<string, RegExp>();

  const resolve = (schema: Schema): Schema => {
    if (!schema.$ref) return schema;
    const name = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name ? root.$defs?.[name] : undefined;
    if (!target) throw new Error(`schema: cannot resolve ${schema.$ref}`);
    return target;
  };

  const visit = (raw: Schema, v: unknown, path: string): void => {
    const s = resolve(raw);
    const fail = (message: string) => errors.push({ field: path, message });
    if (s.enum && !s.enum.includes(v)) {
      fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
      return;
    }
    switch (s.type) {
      case 'string': {
        if (typeof v !== 'string') return void fail(`must be a string, found ${typeName(v)}`);
        if (s.minLength !== undefined && v.trim().length < s.minLength) {
          return void fail(
            s.minLength === 1 ? 'must not be blank' : `needs ${s.minLength}+ characters`,
          );
        }
        if (s.maxLength !== undefined && v.length > s.maxLength) {
          return void fail(`is longer than ${s.maxLength} characters`);
        }
        if (s.pattern) {
          let re = patterns.get(s.pattern);
          if (!re) patterns.set(s.pattern, (re = new RegExp(s.pattern, 'u')));
          if (!re.test(v)) return void fail(`"${v}" does not match ${s.pattern}`);
        }
        if (s.format === 'date-time' && (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v)))) {
          return void fail(`"${v}" is not an ISO 8601 date-time with a time zone`);
        }
        if (s.format === 'email' && !EMAIL.test(v))
          return void fail(`"${v}" is not an e-mail address`);
        return;
      }
      case 'number':
      case 'integer': {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          return void fail(`must be a number, found ${typeName(v)}`);
        }
        if (s.type === 'integer' && !Number.isInteger(v))
          return void fail(`${v} is not a whole number`);
        if (s.minimum !== undefined && v < s.minimum)
          return void fail(`${v} is below ${s.minimum}`);
        if (s.maximum !== undefined && v > s.maximum)
          return void fail(`${v} is above ${s.maximum}`);
        return;
      }
      case 'boolean':
        if (typeof v !== 'boolean') fail(`must be true or false, found ${typeName(v)}`);
        return;
      case 'array': {
        if (!Array.isArray(v)) return void fail(`must be an array, found ${typeName(v)}`);
        if (s.minItems !== undefined && v.length < s.minItems) {
          return void fail(`needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
        }
        if (s.maxItems !== undefined && v.length > s.maxItems) {
          return void fail(`has ${v.length} items, more than ${s.maxItems}`);
        }
        if (s.items) v.forEach((item, i) => visit(s.items!, item, join(path, i)));
        return;
      }
      case 'object': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          return void fail(`must be an object, found ${typeName(v)}`);
        }
        const obj = v as Record<string, unknown>;
        for (const key of s.required ?? []) {
          if (obj[key] === undefined || obj[key] === null) {
            errors.push({ field: join(path, key), message: 'is required' });
          }
        }
        for (const [key, child] of Object.entries(obj)) {
          const sub = s.properties?.[key];
          if (!sub) {
            if (s.additionalProperties === false) {
              errors.push({ field: join(path, key), message: 'is not a known field' });
            }
            continue;
          }
          if (child === undefined || child === null) continue;
          visit(sub, child, join(path, key));
        }
        return;
      }
      default:
        return;
    }
  };

  visit(root, value, '');
  return errors;
}
