/**
 * `oms dlq list|redrive`: the messages the feed imports gave up on (the dead-letter queue), and
 * sending them back once the cause is fixed. Locally they are the running OMS's
 * `<data>/dead-letters/` (it takes re-driven messages within a second); on AWS, the feed queues'
 * dead-letter queues (see dlq-aws.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DeadLetterStore, type DeadLetter } from '../../dead-letters.ts';
import { endpointsFile } from '../connect.ts';
import { print, table } from '../output.ts';
import { AwsDeadLetters } from './dlq-aws.ts';

/** The local data folder the command works on, or undefined on AWS. */
function localDataDir(program: Command): string | undefined {
  const dir = resolve(
    program.opts<{ dataDir?: string }>().dataDir || process.env.OMS_DATA_DIR || '.oms-data',
  );
  return existsSync(endpointsFile(dir)) ? dir : undefined;
}

const row = (d: DeadLetter) => ({
  id: d.id,
  feed: d.feed,
  key: d.key,
  receives: d.receives,
  at: d.at,
  error: d.error.length > 120 ? `${d.error.slice(0, 117)}...` : d.error,
});

/** Waits up to `ms` for the running OMS to take the re-driven messages; true when it did. */
async function taken(store: DeadLetterStore, ids: readonly string[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pending = new Set(store.pendingRedrive().map((d) => d.id));
    if (!ids.some((id) => pending.has(id))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function dlqCommands(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('messages the imports gave up on (dead-letter queue), and re-driving them');
  dlq
    .command('list')
    .description('the messages waiting in the dead-letter queue, oldest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const dir = localDataDir(program);
      if (!dir) {
        const all = await new AwsDeadLetters().list();
        print(!!opts.json, all, () => table(all.map((d) => ({ ...d }))));
        return;
      }
      const all = new DeadLetterStore(dir).list();
      print(!!opts.json, all, () => table(all.map(row)));
    });
  dlq
    .command('redrive [ids...]')
    .description('send messages back to their queue (ids or unique id prefixes, or --all)')
    .option('--all', 'every message in the dead-letter queue')
    .option('--json', 'print JSON')
    .action(async (ids: string[], opts: { all?: boolean; json?: boolean }) => {
      if (!opts.all && ids.length === 0)
        throw new Error('give message ids (`oms dlq list`) or --all');
      if (opts.all && ids.length) throw new Error('give message ids or --all, not both');
      const dir = localDataDir(program);
      if (!dir) {
        const aws = new AwsDeadLetters();
        const out = opts.all
          ? { moveTasks: await aws.redriveAll() }
          : { redriven: await Promise.all(ids.map((id) => aws.redriveOne(id))) };
        print(!!opts.json, out, () => JSON.stringify(out, null, 2));
        return;
      }
      const store = new DeadLetterStore(dir);
      const moved = store.redrive(opts.all ? 'all' : ids);
      const pickedUp = moved.length
        ? await taken(
            store,
            moved.map((d) => d.id),
            5_000,
          )
        : true;
      const out = { redriven: moved.map(row), takenByRunningOms: pickedUp };
      print(!!opts.json, out, () =>
        moved.length === 0
          ? 'nothing to re-drive'
          : [
              `re-driven ${moved.length} message(s):`,
              table(moved.map(row), ['id', 'feed', 'key']),
              pickedUp
                ? 'the running OMS took them: they are delivered again now (its log shows each file)'
                : 'the OMS is not taking them yet (not running?): it delivers them when it (re)starts',
            ].join('\n'),
      );
    });
}
