/**
 * Stands in for EventBridge Scheduler: fires each scheduled job of the catalog on its expression,
 * invoking the same handler with the same input CDK configures. A run that is still going when the
 * next is due is skipped (overrun protection), and each run logs one line.
 */
import { Cron } from 'croner';
import { toLocalSchedule } from './schedule-expression.ts';

export interface ScheduledJob {
  readonly id: string;
  readonly expression: string;
  run(): Promise<unknown>;
}

export interface LocalScheduler {
  readonly jobs: readonly string[];
  /** Runs one job now (what `npx oms job run` does). */
  runNow(id: string): Promise<unknown>;
  stop(): void;
}

export function startScheduler(
  jobs: readonly ScheduledJob[],
  log: (line: string) => void,
  options: { onSchedule?: boolean } = {},
): LocalScheduler {
  const running = new Set<string>();
  const timers: Array<() => void> = [];

  const runOnce = async (job: ScheduledJob): Promise<unknown> => {
    if (running.has(job.id)) {
      log(`job ${job.id} skipped: previous run still going`);
      return undefined;
    }
    running.add(job.id);
    const started = Date.now();
    try {
      const out = await job.run();
      log(`job ${job.id} ok ms=${Date.now() - started}`);
      return out;
    } catch (err) {
      log(
        `job ${job.id} failed ms=${Date.now() - started}: ${err instanceof Error ? err.message : err}`,
      );
      throw err;
    } finally {
      running.delete(job.id);
    }
  };

  for (const job of options.onSchedule === false ? [] : jobs) {
    const schedule = toLocalSchedule(job.expression);
    const fire = () => void runOnce(job).catch(() => undefined);
    if (schedule.kind === 'cron') {
      const cron = new Cron(schedule.pattern, schedule.options, fire);
      timers.push(() => cron.stop());
    } else {
      const t = setInterval(fire, schedule.ms);
      timers.push(() => clearInterval(t));
    }
  }

  return {
    jobs: jobs.map((j) => j.id),
    runNow: (id) => {
      const job = jobs.find((j) => j.id === id);
      if (!job)
        return Promise.reject(
          new Error(`unknown job "${id}"; known: ${jobs.map((j) => j.id).join(', ')}`),
        );
      return runOnce(job);
    },
    stop: () => timers.splice(0).forEach((stop) => stop()),
  };
}
