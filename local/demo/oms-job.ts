/** A scheduled OMS job (catalog feed or core job) as a demo job, on the schedule the OMS gives it. */
import type { DemoContext, DemoJob } from './types.ts';

export function omsJob<T>(
  ctx: DemoContext,
  id: string,
  onResult: (result: T) => void = () => undefined,
): DemoJob {
  const known = ctx.cloud.jobs.find((j) => j.id === id);
  if (!known) throw new Error(`the local cloud has no scheduled job "${id}"`);
  return {
    id,
    expression: known.expression,
    run: async () => onResult(await ctx.runJob<T>(id)),
  };
}
