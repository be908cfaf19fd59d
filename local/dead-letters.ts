/**
 * The local cloud's dead-letter queue, on disk so that it survives restarts and the operator's
 * command (`npx oms dlq list|redrive`, another process) can read it: one JSON file per message in
 * `<data>/dead-letters/`. Re-driving moves a message's file to `<data>/redrive/` (a rename: the
 * message is in one place at a time); the running OMS takes it from there within a second, or at
 * its next start, and delivers it to its feed's handler again as a new message.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type {
  DeadLetterQueue,
  DeadLetterView,
  RedriveResult,
} from '../shared/queue/dead-letter-queue.ts';

export interface DeadLetter {
  /** The message's id: what `npx oms dlq redrive <id>` takes. */
  readonly id: string;
  readonly feed: string;
  /** The object key the message is about (or a placeholder for other messages). */
  readonly key: string;
  /** The SQS message body, as it would be re-driven. */
  readonly body: string;
  /** The last failure. */
  readonly error: string;
  readonly receives: number;
  /** When it was parked (ISO). */
  readonly at: string;
}

/** The dead letters of one data folder. */
export class DeadLetterStore {
  readonly dir: string;
  readonly redriveDir: string;

  constructor(readonly dataDir: string) {
    this.dir = join(dataDir, 'dead-letters');
    this.redriveDir = join(dataDir, 'redrive');
  }

  private ensure(): void {
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(this.redriveDir, { recursive: true });
  }

  /** Parks a message; returns it with its id. */
  add(letter: Omit<DeadLetter, 'id' | 'at'> & { id?: string; at?: string }): DeadLetter {
    this.ensure();
    const parked: DeadLetter = {
      ...letter,
      id: letter.id ?? randomUUID(),
      at: letter.at ?? new Date().toISOString(),
    };
    const file = join(this.dir, `${parked.id}.json`);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(parked, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    return parked;
  }

  private read(dir: string): DeadLetter[] {
    if (!existsSync(dir)) return [];
    const out: DeadLetter[] = [];
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as DeadLetter);
      } catch {
        // being written or taken right now
      }
    }
    return out.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  }

  /** The parked messages, oldest first. */
  list(): DeadLetter[] {
    this.migrateLegacy();
    return this.read(this.dir);
  }

  /** Messages re-driven and not yet taken by the running OMS. */
  pendingRedrive(): DeadLetter[] {
    return this.read(this.redriveDir);
  }

  /**
   * Moves the given messages (ids or unique id prefixes; 'all' for every one) to the redrive
   * folder. Returns those moved; an id that matches nothing or several throws before any moves.
   */
  redrive(ids: readonly string[] | 'all'): DeadLetter[] {
    this.ensure();
    const parked = this.list();
    const chosen =
      ids === 'all'
        ? parked
        : ids.map((id) => {
            const found = parked.filter((d) => d.id === id || d.id.startsWith(id));
            if (found.length === 0) throw new Error(`no dead letter ${id}`);
            if (found.length > 1) throw new Error(`${id} matches ${found.length} dead letters`);
            return found[0]!;
          });
    const moved: DeadLetter[] = [];
    for (const d of chosen) {
      try {
        renameSync(join(this.dir, `${d.id}.json`), join(this.redriveDir, `${d.id}.json`));
        moved.push(d);
      } catch {
        // re-driven by someone else meanwhile
      }
    }
    return moved;
  }

  /** Takes the re-driven messages out of the redrive folder (the running OMS's side). */
  takeRedriven(): DeadLetter[] {
    if (!existsSync(this.redriveDir)) return [];
    const taken: DeadLetter[] = [];
    for (const name of readdirSync(this.redriveDir)) {
      if (!name.endsWith('.json')) continue;
      const file = join(this.redriveDir, name);
      const claimed = `${file}.taking`;
      try {
        renameSync(file, claimed);
      } catch {
        continue;
      }
      try {
        taken.push(JSON.parse(readFileSync(claimed, 'utf8')) as DeadLetter);
        rmSync(claimed, { force: true });
      } catch {
        // half-written by a crashed command: put it back among the dead letters
        renameSync(claimed, join(this.dir, name));
      }
    }
    return taken;
  }

  /**
   * Dead letters of earlier versions (`<data>/dead-letters.jsonl`, no ids): each becomes a dead
   * letter with an id, so that it can be re-driven; the old file is kept as `.migrated`.
   */
  private migrateLegacy(): void {
    const legacy = join(this.dataDir, 'dead-letters.jsonl');
    if (!existsSync(legacy)) return;
    const migrated = `${legacy}.migrated`;
    try {
      renameSync(legacy, migrated);
    } catch {
      return; // another process is migrating it
    }
    for (const line of readFileSync(migrated, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const old = JSON.parse(line) as Partial<DeadLetter>;
        if (!old.body || !old.feed) continue;
        this.add({
          feed: old.feed,
          key: old.key ?? '(unknown)',
          body: old.body,
          error: old.error ?? '',
          receives: old.receives ?? 0,
          at: old.at,
        });
      } catch {
        // not a dead letter line
      }
    }
  }
}

const view = (d: DeadLetter): DeadLetterView => ({
  id: d.id,
  queue: d.feed,
  key: d.key,
  error: d.error,
  receives: d.receives,
  at: d.at,
});

/**
 * The local cloud's adapter of the dead-letter port (`shared/queue/dead-letter-queue.ts`): the
 * operator's console lists and re-drives through it exactly what `npx oms dlq` does.
 */
export class LocalDeadLetterQueue implements DeadLetterQueue {
  readonly kind = 'local' as const;

  constructor(private readonly store: DeadLetterStore) {}

  list(): Promise<DeadLetterView[]> {
    return Promise.resolve(this.store.list().map(view));
  }

  redrive(ids: readonly string[] | 'all'): Promise<RedriveResult> {
    try {
      return Promise.resolve({ redriven: this.store.redrive(ids).map(view) });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
