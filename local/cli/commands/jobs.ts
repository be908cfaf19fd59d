import type { Command } from 'commander';
import { invoke, localScheduledFunctions } from '../../handlers.ts';
import { print, table } from '../output.ts';

/** A row of `oms job list` (`--json` prints these; fields are only ever added). */
export type JobListRow = {
  readonly id: string;
  readonly handler: string;
  readonly schedule: string;
  /** `export` (a scheduled feed) or `core-job`. */
  readonly kind: string;
};

/**
 * Jobs that can run on demand: the function registry's scheduled entries (exports, core jobs),
 * the ones the local scheduler and EventBridge Scheduler run.
 */
export const runnable = (): JobListRow[] =>
  localScheduledFunctions().map((fn) => ({
    id: fn.id,
    handler: fn.handler,
    schedule: fn.schedule,
    kind: fn.kind,
  }));

export function jobCommands(program: Command): void {
  const job = program.command('job').description('scheduled jobs');
  job
    .command('list')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const jobs = runnable();
      print(!!opts.json, jobs, () => table(jobs));
    });
  job
    .command('run <id>')
    .description('run a job now, with the input its schedule sends')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const found = runnable().find((j) => j.id === id);
      if (!found) {
        const known = runnable().map((j) => j.id);
        throw new Error(`unknown job "${id}"; known: ${known.join(', ') || 'none yet'}`);
      }
      // A job's log lines go to stderr here, so that stdout holds only the result (`--json`).
      const log = console.log;
      console.log = (...args: unknown[]) => console.error(...args);
      const out = await invoke(found.handler, { job: id }).finally(() => (console.log = log));
      print(!!opts.json, out ?? {}, () => `${id}: done ${out ? JSON.stringify(out) : ''}`);
    });
}
