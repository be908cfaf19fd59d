/**
 * Turns an EventBridge Scheduler expression into what the local scheduler runs.
 * `cron(min hour day-of-month month day-of-week year)` becomes a croner pattern with a seconds
 * field and Quartz day-of-week numbering (1 = Sunday, as on AWS); `rate(n unit)` an interval.
 */
export type LocalSchedule =
  | {
      readonly kind: 'cron';
      readonly pattern: string;
      readonly options: { alternativeWeekdays: true };
    }
  | { readonly kind: 'interval'; readonly ms: number };

/** Largest value of each AWS cron field: minutes, hours, day of month, month, day of week, year. */
const FIELD_MAX = [59, 23, 31, 12, 7, 2199];

/** AWS writes `0/15` (start/step); croner wants `0-59/15`. */
const stepFromNumber = (field: string, max: number): string =>
  field
    .split(',')
    .map((part) =>
      part.replace(
        /^(\d+)\/(\d+)$/,
        (_m, start: string, step: string) => `${start}-${max}/${step}`,
      ),
    )
    .join(',');

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function toLocalSchedule(expression: string): LocalSchedule {
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new Error(
        `"${expression}": an AWS cron expression has 6 fields, found ${fields.length}`,
      );
    }
    const [dom, dow] = [fields[2]!, fields[4]!];
    if (dom !== '?' && dow !== '?') {
      throw new Error(`"${expression}": AWS requires "?" in day-of-month or day-of-week`);
    }
    const pattern = fields.map((f, i) => stepFromNumber(f, FIELD_MAX[i]!)).join(' ');
    return { kind: 'cron', pattern: `0 ${pattern}`, options: { alternativeWeekdays: true } };
  }
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!.replace(/s$/, '');
    if (n < 1) throw new Error(`"${expression}": a rate must be at least 1`);
    return { kind: 'interval', ms: n * UNIT_MS[unit]! };
  }
  throw new Error(`"${expression}" is neither cron(...) nor rate(...)`);
}
