/** A scheduled OMS job (catalog feed or core job) as a demo job, on the schedule the OMS gives it. */
import type { DemoContext, DemoJob } from './types.ts';

export function omsJob<T>(
  ctx: DemoContext,
  id: string,
  /** Told the job's result; the run ends when it is done (a promise is waited for). */
  onResult: (result: T) => void | Promise<void> = () => undefined,
): DemoJob {
  const known = ctx.cloud.jobs.find((j) => j.id === id);
  if (!known) throw new Error(`the local cloud has no scheduled job "${id}"`);
  return {
    id,
    expression: known.expression,
    run: async () => {
      await onResult(await ctx.runJob<T>(id));
    },
  };
}
