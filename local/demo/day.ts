/**
 * The day in accelerated time: step by step, every job due inside the step (per its schedule
 * expression) runs at its due time, in time order — jobs due at the same minute in the order they
 * were listed. A job that fails is reported and the day goes on, as EventBridge Scheduler would
 * simply invoke it again at its next time.
 */
import type { DayWindow, SimClock } from './clock.ts';
import { dueTimes } from './schedule.ts';
import type { DemoJob } from './types.ts';

export interface JobFailure {
  readonly job: string;
  /** Simulated time (ISO). */
  readonly at: string;
  readonly error: string;
}

export interface JobTime {
  readonly runs: number;
  /** Wall-clock milliseconds, all runs together. */
  readonly ms: number;
}

export interface DayReport {
  readonly steps: number;
  readonly jobRuns: number;
  /** Where the real time went, per job. */
  readonly jobs: Readonly<Record<string, JobTime>>;
  readonly failures: readonly JobFailure[];
}

interface Due {
  readonly at: Date;
  readonly rank: number;
  readonly job: DemoJob;
}

/** The jobs due in one window, in the order they run. */
export function duePlan(jobs: readonly DemoJob[], window: DayWindow): Due[] {
  return jobs
    .flatMap((job, rank) =>
      dueTimes(job.expression, window.from, window.to).map((at) => ({ at, rank, job })),
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.rank - b.rank);
}

/** Told of every job run and every step's end (bench:day measures the day through it). */
export interface DayObserver {
  /** After a job run: the job, its simulated time, its wall-clock milliseconds. */
  jobRan?(job: string, at: Date, ms: number): Promise<void> | void;
  /** After each step (its end, simulated). */
  stepDone?(at: Date): Promise<void> | void;
}

export async function runDay(
  clock: SimClock,
  jobs: readonly DemoJob[],
  afterJob: () => void,
  signal?: AbortSignal,
  observer: DayObserver = {},
): Promise<DayReport> {
  let steps = 0;
  let jobRuns = 0;
  const failures: JobFailure[] = [];
  const times: Record<string, JobTime> = {};
  for (const window of clock.windows()) {
    for (const due of duePlan(jobs, window)) {
      signal?.throwIfAborted();
      clock.advanceTo(due.at);
      jobRuns++;
      const started = Date.now();
      try {
        await due.job.run(due.at);
      } catch (err) {
        failures.push({
          job: due.job.id,
          at: due.at.toISOString(),
          error: err instanceof Error ? err.message : String(err),
        });
      }
      const ms = Date.now() - started;
      const t = times[due.job.id] ?? { runs: 0, ms: 0 };
      times[due.job.id] = { runs: t.runs + 1, ms: t.ms + ms };
      await observer.jobRan?.(due.job.id, due.at, ms);
      afterJob();
    }
    clock.advanceTo(window.to);
    await observer.stepDone?.(window.to);
    steps++;
    afterJob();
  }
  return { steps, jobRuns, jobs: times, failures };
}
