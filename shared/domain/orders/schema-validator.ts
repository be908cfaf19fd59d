/**
 * Storefront JSON checked against its published schema: a thin view of the shared schema check
 * (`shared/domain/input/schema-check.ts`, ajv) for the order code, which names fields `field`.
 */
import { checkSchema, type JsonSchema } from '../input/schema-check.ts';

export interface SchemaError {
  /** Path of the field, e.g. `customer.shippingAddress.zip`; `` for the whole value. */
  readonly field: string;
  readonly message: string;
}

export type Schema = JsonSchema;

export const validateAgainst = (schema: Schema, value: unknown): SchemaError[] =>
  checkSchema(schema, value).map((i) => ({ field: i.path, message: i.message }));
