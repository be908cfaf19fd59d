/**
 * Keeps the simulator's NetSuite account in a JSON file, so `npm start` restarts find it again.
 *
 * Version 2 added the books (locations, on hand), inventory transactions, purchase orders, credit
 * memos and the item fulfillment script's records; a version-1 file loads and is migrated: the new
 * parts start empty and its lines get their creation numbers (order internal id, then line id).
 * A file missing a part (older writers) gets it empty.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyState, STATE_VERSION, type SimState } from './state.ts';

export function loadState(file: string | undefined): SimState {
  if (!file || !existsSync(file)) return emptyState();
  const data = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (data.version !== 1 && data.version !== STATE_VERSION)
    throw new Error(`${file}: unknown simulator state version ${String(data.version)}`);
  return migrate(data as Partial<SimState>);
}

/** A saved state of version 1 or 2 as a version-2 state. */
export function migrate(data: Partial<SimState>): SimState {
  const empty = emptyState();
  const state: SimState = {
    ...empty,
    ...data,
    version: STATE_VERSION,
    counters: { ...empty.counters, ...data.counters },
  };
  const numeric = (text: string) => (/^\d+$/.test(text) ? Number(text) : Number.MAX_SAFE_INTEGER);
  const unnumbered = Object.values(state.salesOrders)
    .sort((a, b) => numeric(a.internalId) - numeric(b.internalId))
    .flatMap((o) =>
      [...o.lines].sort((a, b) => numeric(a.lineId) - numeric(b.lineId)).filter((l) => !l.seq),
    );
  let next = state.counters.lineSeq ?? 1;
  for (const order of Object.values(state.salesOrders))
    for (const line of order.lines) if (line.seq && line.seq >= next) next = line.seq + 1;
  for (const line of unnumbered) line.seq = next++;
  if (unnumbered.length || state.counters.lineSeq !== undefined) state.counters.lineSeq = next;
  return state;
}

/** Writes the state next to the file, then renames it over (never a half-written state file). */
export function saveState(file: string | undefined, state: SimState): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
}
