/**
 * What the shared schema check gained for the routing configuration: `x-message`, an `anyOf` that
 * reports itself only, `if`/`then`/`else` reporting the branch taken, and `nullIsAbsent: false`.
 */
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../shared/domain/input/schema-check.ts';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'tags'],
  properties: {
    name: { $ref: '#/$defs/name' },
    tags: {
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/name' },
      'x-message': { type: 'must be a list', required: 'must be a list', minItems: 'is empty' },
    },
    size: { enum: ['S', 'M'], 'x-message': '"{value}" is not a size' },
    when: {
      if: { type: 'string' },
      then: { const: 'never', 'x-message': '"{value}" is not "never"' },
      else: {
        type: 'object',
        properties: { days: { type: 'integer' }, weeks: { type: 'integer' } },
        anyOf: [
          { required: ['days'], properties: { days: true } },
          { required: ['weeks'], properties: { weeks: true } },
        ],
        'x-message': { anyOf: 'needs days or weeks' },
      },
    },
    note: { type: 'string' },
  },
  'x-message': { additionalProperties: 'is not one of name, tags, size, when, note' },
  $defs: { name: { type: 'string', minLength: 1, 'x-message': 'must be a name' } },
} as const;

describe('checkSchema: a schema words its own refusals (x-message)', () => {
  it('words every check of a field, or each check by its keyword', () => {
    expect(checkSchema(schema, { name: 3, tags: [], size: 'XL', extra: 1 })).toEqual([
      { path: 'extra', code: 'unknown', message: 'is not one of name, tags, size, when, note' },
      { path: 'name', code: 'type', message: 'must be a name' },
      { path: 'tags', code: 'minItems', message: 'is empty' },
      { path: 'size', code: 'enum', message: '"XL" is not a size' },
    ]);
  });

  it('words a missing field as the field does, and a blank one too', () => {
    expect(checkSchema(schema, {})).toEqual([
      { path: 'name', code: 'required', message: 'must be a name' },
      { path: 'tags', code: 'required', message: 'must be a list' },
    ]);
    expect(checkSchema(schema, { name: ' ', tags: [''] })).toEqual([
      { path: 'tags[0]', code: 'blank', message: 'must be a name' },
      { path: 'name', code: 'blank', message: 'must be a name' },
    ]);
  });

  it('reports the branch taken by if/then/else, and a failed anyOf as itself only', () => {
    const ok = { name: 'n', tags: ['t'] };
    expect(checkSchema(schema, { ...ok, when: 'soon' })).toEqual([
      { path: 'when', code: 'const', message: '"soon" is not "never"' },
    ]);
    expect(checkSchema(schema, { ...ok, when: {} })).toEqual([
      { path: 'when', code: 'anyOf', message: 'needs days or weeks' },
    ]);
    expect(checkSchema(schema, { ...ok, when: { days: 2 } })).toEqual([]);
    expect(checkSchema(schema, { ...ok, when: 'never' })).toEqual([]);
  });

  it('counts null as absent unless told not to', () => {
    const value = { name: 'n', tags: ['t'], note: null };
    expect(checkSchema(schema, value)).toEqual([]);
    expect(checkSchema(schema, value, { nullIsAbsent: false })).toEqual([
      { path: 'note', code: 'type', message: 'must be a string, found null' },
    ]);
  });
});
