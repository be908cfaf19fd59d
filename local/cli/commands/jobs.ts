import type { Command } from 'commander';
import { implementedFeeds } from '../../../shared/feeds/catalog.ts';
import { CORE_JOBS } from '../../../shared/jobs/core-jobs.ts';
import { invoke } from '../../handlers.ts';
import { print, table } from '../output.ts';

/** Jobs that can run on demand: every scheduled feed or core job that has a handler. */
const runnable = () => [
  ...implementedFeeds().flatMap((f) =>
    f.trigger.kind === 'schedule' && f.handler
      ? [{ id: f.id, handler: f.handler, schedule: f.trigger.expression }]
      : [],
  ),
  ...CORE_JOBS.map((j) => ({ id: j.id, handler: j.handler, schedule: j.schedule })),
];

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
