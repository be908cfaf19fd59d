/**
 * The fields every command names (order, line, facility, quantity), as JSON Schema pieces: one
 * definition of each, checked by `checkSchema` wherever a request arrives (order commands, store
 * actions, cancellations, pre-order allocations), so each is refused in the same words everywhere.
 */
import { checkSchema, type JsonSchema } from './schema-check.ts';
import type { FieldIssue } from './issue.ts';

const ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$';

export const FIELD = {
  orderId: { type: 'string', pattern: ID, 'x-expect': 'an order id' },
  facilityId: { type: 'string', pattern: ID, 'x-expect': 'a facility id' },
  lineSeq: {
    type: 'string',
    pattern: '^\\d{5}$',
    'x-expect': 'a five-digit line id such as 00001',
  },
  quantity: {
    type: 'integer',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    'x-expect': 'a whole number above 0',
  },
} as const;

export type FieldName = keyof typeof FIELD;

/** An object schema of named fields (other properties allowed: requests carry more). */
export const fieldsSchema = (required: readonly FieldName[], optional: readonly FieldName[] = []) =>
  ({
    type: 'object',
    required: [...required],
    properties: Object.fromEntries([...required, ...optional].map((f) => [f, FIELD[f]])),
  }) as const;

/** The first field of `value` that `schema` refuses, if any. */
export const firstIssue = (schema: JsonSchema, value: unknown): FieldIssue | undefined =>
  checkSchema(schema, value)[0];
