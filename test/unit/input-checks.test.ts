import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../shared/domain/input/schema-check.ts';
import { FIELD, fieldsSchema, firstIssue } from '../../shared/domain/input/fields.ts';
import { describeIssue } from '../../shared/domain/input/issue.ts';
import { errorBody, RequestError } from '../../shared/domain/input/request-error.ts';
import { CommandError, checkCommandFields } from '../../shared/domain/lifecycle/errors.ts';
import { PreorderError } from '../../shared/domain/preorder/errors.ts';

const person = {
  type: 'object',
  required: ['name', 'age'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5 },
    code: { type: 'string', minLength: 3 },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    tags: { type: 'array', maxItems: 2, items: { enum: ['a', 'b'] } },
    note: { type: 'string' },
  },
} as const;

describe('checkSchema', () => {
  it('words each failed keyword, naming the field by its path', () => {
    expect(checkSchema(person, { name: 'Ada', age: 36 })).toEqual([]);
    expect(checkSchema(person, { name: 'Adalovelace', age: 1.5, tags: ['a', 'c'], x: 1 })).toEqual(
      expect.arrayContaining([
        { path: 'x', code: 'unknown', message: 'is not a known field' },
        { path: 'name', code: 'maxLength', message: 'is longer than 5 characters' },
        { path: 'age', code: 'type', message: '1.5 is not a whole number' },
        { path: 'tags[1]', code: 'enum', message: 'must be one of "a", "b"' },
      ]),
    );
    expect(checkSchema(person, { name: 'A', age: 200, tags: ['a', 'a', 'b'] })).toEqual([
      { path: 'age', code: 'maximum', message: '200 is above 150' },
      { path: 'tags', code: 'maxItems', message: 'has 3 items, more than 2' },
    ]);
  });

  it('counts null as absent and blank strings as empty', () => {
    expect(checkSchema(person, { name: null, age: 3, note: null })).toEqual([
      { path: 'name', code: 'required', message: 'is required' },
    ]);
    expect(checkSchema(person, { name: '   ', age: 3, code: ' x  ' })).toEqual([
      { path: 'name', code: 'blank', message: 'must not be blank' },
      { path: 'code', code: 'minLength', message: 'needs 3+ characters' },
    ]);
  });

  it('reports one issue per field: the type before anything else', () => {
    const issues = checkSchema(person, { name: 7, age: 'old' });
    expect(issues.map(describeIssue)).toEqual([
      'name must be a string, found number',
      'age must be a number, found string',
    ]);
  });
});

describe('the shared command fields', () => {
  it('refuse in the same words wherever they are checked', () => {
    const ref = fieldsSchema(['orderId', 'lineSeq'], ['quantity']);
    expect(firstIssue(ref, { orderId: 'O-1', lineSeq: '00001' })).toBeUndefined();
    expect(describeIssue(firstIssue(ref, { orderId: 'O-1', lineSeq: '1' })!)).toBe(
      'lineSeq must be a five-digit line id such as 00001, got "1"',
    );
    expect(describeIssue(firstIssue(ref, { orderId: ' bad', lineSeq: '00001' })!)).toBe(
      'orderId must be an order id, got " bad"',
    );
    for (const q of [0, -1, 1.5, '2'])
      expect(describeIssue(firstIssue(ref, { orderId: 'O', lineSeq: '00001', quantity: q })!)).toBe(
        `quantity must be a whole number above 0, got ${JSON.stringify(q)}`,
      );
    expect(firstIssue(ref, { lineSeq: '00001' })).toEqual({
      path: 'orderId',
      code: 'required',
      message: 'is required',
    });
    expect(FIELD.lineSeq.pattern).toBe('^\\d{5}$');
  });

  it('a command refused for a field is an INVALID_COMMAND naming it', () => {
    const schema = fieldsSchema(['facilityId']);
    expect(() => checkCommandFields(schema, { facilityId: 'S1' })).not.toThrow();
    try {
      checkCommandFields(schema, { facilityId: 'a b' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CommandError);
      expect(errorBody(err as RequestError)).toEqual({
        error: 'INVALID_COMMAND',
        message: 'facilityId must be a facility id, got "a b"',
        field: 'facilityId',
      });
      expect((err as RequestError).httpStatus).toBe(400);
    }
  });
});

describe('one error family', () => {
  it('every refusal carries its code, status and sentence in one shape', () => {
    const errors: RequestError[] = [
      new CommandError('UNKNOWN_ORDER', 'no order O-9'),
      new PreorderError('BEYOND_ATP', 'only 3 left', { atp: 3 }),
    ];
    expect(errors.map((e) => [e.name, e.httpStatus, errorBody(e)])).toEqual([
      ['CommandError', 404, { error: 'UNKNOWN_ORDER', message: 'no order O-9' }],
      ['PreorderError', 409, { error: 'BEYOND_ATP', message: 'only 3 left', atp: 3 }],
    ]);
  });
});
