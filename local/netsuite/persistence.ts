/** Keeps the simulator's NetSuite account in a JSON file, so `npm start` restarts find it again. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyState, type SimState } from './state.ts';

export function loadState(file: string | undefined): SimState {
  if (!file || !existsSync(file)) return emptyState();
  const data = JSON.parse(readFileSync(file, 'utf8')) as SimState;
  if (data.version !== 1)
    throw new Error(`${file}: unknown simulator state version ${data.version}`);
  return { ...emptyState(), ...data };
}

/** Writes the state next to the file, then renames it over (never a half-written state file). */
export function saveState(file: string | undefined, state: SimState): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
}
