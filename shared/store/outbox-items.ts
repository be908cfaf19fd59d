/**
 * The outbox's records as the control table keeps them (see `sync-store.ts` for the whole
 * scheme): the feeds, the shards a feed is spread over, the keys of an outbox entry, its send
 * state and its refusal note, the shapes the export reads them in, and those shapes back from
 * their items or their JSON text. Shared by the sync store (which writes and reads them one by
 * one) and the outbox reader (which reads a feed's whole outbox).
 */
import { hash32 } from '../domain/hash64.ts';
import type { RefusalNote } from '../domain/sync/netsuite-error-file.ts';

export type OutboxFeed =
  'customer' | 'salesorder' | 'deposit' | 'allocation' | 'invadj' | 'fulfilled' | 'lineclose';

export const SHARDS = 16;

export const shardOf = (id: string): number => hash32(id) % SHARDS;
export const outboxPk = (feed: OutboxFeed, id: string) => `OUTBOX#${feed}#${shardOf(id)}`;
export const sentPk = (feed: OutboxFeed, id: string) => `SENT#${feed}#${shardOf(id)}`;
export const refusedPk = (feed: OutboxFeed, id: string) => `REFUSED#${feed}#${shardOf(id)}`;

export interface SendState {
  readonly lastSentAt?: string;
  readonly sends: number;
  readonly lastFile?: string;
  /** Why the record is held back (missing mapping, missing required fields), when it is. */
  readonly heldBack?: string;
  /** Set once the record went to `required_fields_missing/`: it is not written there again. */
  readonly missingFieldsFile?: string;
}

export interface OutboxEntry<P = unknown> {
  readonly feed: OutboxFeed;
  readonly id: string;
  readonly payload: P;
  readonly createdAt: string;
  readonly state: SendState;
  /** NetSuite refused the record (see `RefusalNote`). */
  readonly refusal?: RefusalNote;
}

/** An outbox entry with its payload as JSON text (`payloadText`), not parsed. */
export type RawOutboxEntry = OutboxEntry<undefined> & { readonly payloadText: string };

/**
 * An outbox entry (payload left out) back from its JSON text, as `entryPages` made it: the send
 * state and refusal note in their full shape (JSON drops their unset fields).
 */
export function reviveOutboxEntry(e: Record<string, unknown>): OutboxEntry<undefined> {
  return {
    feed: e.feed as OutboxFeed,
    id: e.id as string,
    payload: undefined,
    createdAt: e.createdAt as string,
    state: sendStateOf(e.state as Record<string, unknown> | undefined),
    ...(e.refusal ? { refusal: noteOf(e.refusal as Record<string, unknown>) } : {}),
  };
}

/** A refusal note from its item. */
export function noteOf(item: Record<string, unknown>): RefusalNote {
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  return {
    feed: str('feed') ?? '',
    file: str('file') ?? '',
    key: str('key') ?? '',
    kind: item.kind === 'file' ? 'file' : 'rows',
    lines: Array.isArray(item.lines) ? (item.lines as unknown[]).map(Number) : [],
    unit: item.unit === 'record' ? 'record' : 'line',
    message: str('message') ?? '',
    errorFile: str('errorFile'),
    at: str('at') ?? '',
    fingerprint: str('fingerprint') ?? '',
    attempts: Number(item.attempts ?? 1),
    fileFailures: Number(item.fileFailures ?? 0),
    resend: item.resend === 'auto' || item.resend === 'operator' ? item.resend : undefined,
    resentAt: str('resentAt'),
    resentFile: str('resentFile'),
    resentWhy:
      item.resentWhy === 'changed' || item.resentWhy === 'auto' || item.resentWhy === 'operator'
        ? item.resentWhy
        : undefined,
  };
}

/** A record's send state as its state item keeps it (nothing sent yet: no item). */
export function sendStateOf(st: Record<string, unknown> | undefined) {
  return {
    lastSentAt: st?.lastSentAt as string | undefined,
    sends: (st?.sends as number | undefined) ?? 0,
    lastFile: st?.lastFile as string | undefined,
    heldBack: st?.heldBack as string | undefined,
    missingFieldsFile: st?.missingFieldsFile as string | undefined,
  };
}
