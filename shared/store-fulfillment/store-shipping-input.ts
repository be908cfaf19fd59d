/**
 * The checks of a store action's input (pick, pack, ship, not found): the line it names, the
 * optional quantity, keys, free text, tracking numbers and ship time. Each refuses with
 * INVALID_COMMAND naming the field; pure.
 */
import { CommandError, checkCommandFields } from '../domain/lifecycle/errors.ts';
import { fieldsSchema } from '../domain/input/fields.ts';

const KEY = /^[\x21-\x7e]{1,200}$/;
const TEXT_MAX = 200;
const MAX_TRACKING = 50;

/** Refuses the command: INVALID_COMMAND naming `field`. */
export const invalid = (field: string, message: string): never => {
  throw new CommandError('INVALID_COMMAND', message, { field });
};

const REF = fieldsSchema(['facilityId', 'orderId', 'lineSeq']);
const QUANTITY = fieldsSchema([], ['quantity']);

/** The facility, order and line an action is about (all required). */
export function checkRef(input: { facilityId: unknown; orderId: unknown; lineSeq: unknown }) {
  const { facilityId, orderId, lineSeq } = input;
  checkCommandFields(REF, { facilityId, orderId, lineSeq });
  return {
    facilityId: facilityId as string,
    orderId: orderId as string,
    lineSeq: lineSeq as string,
  };
}

/** A positive whole quantity, or undefined (the action's default). */
export function optionalQuantity(quantity: unknown): number | undefined {
  if (quantity === undefined || quantity === null) return undefined;
  checkCommandFields(QUANTITY, { quantity });
  return quantity as number;
}

/** A key of printable ASCII (≤ 200), or undefined when absent or empty. */
export function optionalKey(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !KEY.test(value))
    invalid(field, `${field} must be a key such as ORDER-00001-R1, got ${JSON.stringify(value)}`);
  return value as string;
}

/** Text with its whitespace collapsed (≤ 200 characters), or undefined when absent or blank. */
export function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return invalid(field, `${field} must be text`);
  const text = value.replace(/\s+/g, ' ').trim();
  if (text.length > TEXT_MAX) invalid(field, `${field} must be at most ${TEXT_MAX} characters`);
  return text || undefined;
}

/** One tracking number or a list (≤ 50, none empty, none with `|`), deduplicated. */
export function trackingNumbers(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > MAX_TRACKING)
    invalid(
      'trackingNumbers',
      `trackingNumbers must be a tracking number or a list of at most ${MAX_TRACKING}`,
    );
  const out: string[] = [];
  (list as unknown[]).forEach((t, i) => {
    const text = optionalText(t, `trackingNumbers[${i}]`);
    if (!text) invalid(`trackingNumbers[${i}]`, 'a tracking number must not be empty');
    if (text!.includes('|'))
      invalid(`trackingNumbers[${i}]`, 'a tracking number must not contain "|"');
    if (!out.includes(text!)) out.push(text!);
  });
  return out.length ? out : undefined;
}

/** An ISO date-time, normalised; `now` when absent. */
export function shippedAtOf(value: unknown, now: Date): string {
  if (value === undefined || value === null || value === '') return now.toISOString();
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms))
    invalid('shippedAt', `shippedAt must be an ISO date-time, got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
