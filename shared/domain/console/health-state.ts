/**
 * The operator console's health rules, pure (no I/O, no AWS): how often a scheduled function is
 * expected to run (from its EventBridge Scheduler expression) and the state of a feed or job from
 * its last runs — `ok`, `late` (no run within its cadence and a grace), `failing` (its last run
 * failed, or a file of an inbound feed went to failed/), `idle` (an inbound feed with no expected
 * cadence that has received nothing yet; nothing is wrong).
 */

export type HealthState = 'ok' | 'late' | 'failing' | 'idle';

const MINUTE = 60_000;

/** Values of one cron field (`*`, `n`, `a,b`, `a-b`, `a/step`, `*\/step`) between min and max. */
function expandField(field: string, min: number, max: number): number[] {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let from = min;
    let to = max;
    if (range && range !== '*' && range !== '?') {
      const [a, b] = range.split('-');
      from = Number(a);
      to = b !== undefined ? Number(b) : stepText ? max : from;
    }
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(step > 0)) return [];
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((x, y) => x - y);
}

/**
 * The longest gap, in minutes, between two runs of a schedule: `rate(n unit)` is n units;
 * `cron(m h …)` the longest gap between its fire times over a day (day fields are taken as every
 * day: a weekly job would look late on the days it does not run, and none is weekly). Undefined
 * for an expression it cannot read.
 */
export function cadenceMinutes(expression: string): number | undefined {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!.replace(/s$/, '');
    return n * (unit === 'minute' ? 1 : unit === 'hour' ? 60 : 1440);
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) return undefined;
  const [minutes, hours] = cron[1]!.trim().split(/\s+/);
  if (!minutes || !hours) return undefined;
  const ms = expandField(minutes, 0, 59);
  const hs = expandField(hours, 0, 23);
  if (!ms.length || !hs.length) return undefined;
  const fires = hs.flatMap((h) => ms.map((m) => h * 60 + m));
  let longest = 0;
  for (let i = 0; i < fires.length; i++) {
    const next = i + 1 < fires.length ? fires[i + 1]! : fires[0]! + 1440;
    longest = Math.max(longest, next - fires[i]!);
  }
  return longest;
}

/** How long past its cadence a run may come before it is late: 10 %, at least 5 minutes. */
export const graceMinutes = (cadence: number): number => Math.max(5, Math.ceil(cadence / 10));

export interface LastRun {
  readonly at: string;
  /** The run failed (errors, a file that went to failed/). */
  readonly failed: boolean;
}

/**
 * A feed's or job's state. `cadence` undefined: no expectation (a file-triggered feed), never
 * late. `since` is when the function was first expected (a deployment, the local cloud's start):
 * a schedule that has not run yet is late only once a cadence and its grace have passed since.
 */
export function healthState(
  last: LastRun | undefined,
  cadence: number | undefined,
  now: Date,
  since?: Date,
): HealthState {
  if (last?.failed) return 'failing';
  const ref = last ? Date.parse(last.at) : since?.getTime();
  if (cadence === undefined) return last ? 'ok' : 'idle';
  if (ref === undefined) return 'late';
  return now.getTime() - ref > (cadence + graceMinutes(cadence)) * MINUTE ? 'late' : 'ok';
}
