/**
 * When a schedule expression is due inside a window of simulated time: the same EventBridge
 * Scheduler expressions the catalog and CORE_JOBS hold, read by the local scheduler's parser.
 * Expressions are in UTC (the Scheduler's default); `rate(n unit)` counts from midnight UTC.
 */
import { Cron } from 'croner';
import { toLocalSchedule } from '../schedule-expression.ts';

/** The due times in `[from, to)`, in order. */
export function dueTimes(expression: string, from: Date, to: Date): Date[] {
  const schedule = toLocalSchedule(expression);
  const out: Date[] = [];
  if (schedule.kind === 'interval') {
    const midnight = new Date(from);
    midnight.setUTCHours(0, 0, 0, 0);
    const base = midnight.getTime();
    const first = base + Math.ceil((from.getTime() - base) / schedule.ms) * schedule.ms;
    for (let t = first; t < to.getTime(); t += schedule.ms) out.push(new Date(t));
    return out;
  }
  const cron = new Cron(schedule.pattern, {
    ...schedule.options,
    timezone: 'Etc/UTC',
    paused: true,
  });
  try {
    for (let t = cron.nextRun(new Date(from.getTime() - 1)); t && t < to; t = cron.nextRun(t)) {
      out.push(t);
    }
  } finally {
    cron.stop();
  }
  return out;
}
