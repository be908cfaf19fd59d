import { describeIssue, type FieldIssue } from '../input/issue.ts';
import { firstIssue } from '../input/fields.ts';
import type { JsonSchema } from '../input/schema-check.ts';
import { RequestError } from '../input/request-error.ts';

/**
 * Errors a command can end with. Each has a stable code (the HTTP layer and the CLI map them) and
 * a message that says what was wrong; a command that fails with one of them changed nothing.
 */
export const ERROR_CODES = {
  /** The command is malformed (missing or bad field). */
  INVALID_COMMAND: 400,
  /** No idempotency key was given. */
  MISSING_IDEMPOTENCY_KEY: 400,
  UNKNOWN_ORDER: 404,
  UNKNOWN_LINE: 404,
  UNKNOWN_RELEASE: 404,
  UNKNOWN_SHIPMENT: 404,
  UNKNOWN_HOLD: 404,
  /** The move is not in the allowed-moves table. */
  ILLEGAL_MOVE: 409,
  /** The source bucket (or release, shipment, facility allocation) holds less than asked. */
  INSUFFICIENT_QUANTITY: 409,
  /** A hold on the line blocks the move. */
  ON_HOLD: 409,
  /** The facility cannot cover the reservation (NetSuite figure − reserved − safety stock). */
  OUT_OF_STOCK: 409,
  /** The idempotency key was used before for a different command. */
  IDEMPOTENCY_KEY_REUSED: 409,
  /** Concurrent writers kept winning; the command gave up after its retries. */
  CONFLICT: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CommandError extends RequestError {
  declare readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, ERROR_CODES[code], message, details);
  }
}

export const isCommandError = (err: unknown): err is CommandError => err instanceof CommandError;

/** A command refused at the edge for one field, in the shared words of `describeIssue`. */
export const invalidCommand = (issue: FieldIssue): CommandError =>
  new CommandError('INVALID_COMMAND', describeIssue(issue), { field: issue.path });

/** Throws `INVALID_COMMAND` for the first field of `value` that `schema` refuses. */
export function checkCommandFields(schema: JsonSchema, value: unknown): void {
  const issue = firstIssue(schema, value);
  if (issue) throw invalidCommand(issue);
}
