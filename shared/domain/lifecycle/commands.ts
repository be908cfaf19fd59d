/**
 * What every command carries besides its payload: an idempotency key (applying the command twice
 * changes nothing; the replay returns the first result), the actor, and an optional reason.
 */
import { CommandError } from './errors.ts';

export interface CommandEnvelope {
  readonly idempotencyKey: string;
  /** Who or what issued the command (user, job, feed file). */
  readonly actor: string;
  readonly reason?: string;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/** Checks the envelope fields of a command (which may come straight from JSON). */
export function checkEnvelope(
  input: Partial<Record<keyof CommandEnvelope, unknown>>,
): CommandEnvelope {
  const key = input.idempotencyKey;
  if (key === undefined || key === null || key === '') {
    throw new CommandError(
      'MISSING_IDEMPOTENCY_KEY',
      'the command has no idempotencyKey: give every intended change a unique key (replaying a key changes nothing)',
      { field: 'idempotencyKey' },
    );
  }
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new CommandError(
      'INVALID_COMMAND',
      'idempotencyKey must be 1–200 printable characters without spaces',
      { field: 'idempotencyKey' },
    );
  }
  const actor = input.actor;
  if (typeof actor !== 'string' || !actor.trim() || actor.length > 200) {
    throw new CommandError(
      'INVALID_COMMAND',
      'actor must be a non-empty string (who issued the command)',
      {
        field: 'actor',
      },
    );
  }
  const reason = input.reason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 1000)) {
    throw new CommandError(
      'INVALID_COMMAND',
      'reason must be a string of at most 1000 characters',
      {
        field: 'reason',
      },
    );
  }
  return { idempotencyKey: key, actor, reason: reason as string | undefined };
}

/** A canonical JSON of a command's payload, recorded with its event to spot a reused key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
