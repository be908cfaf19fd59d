/**
 * The demo's simulated clock: one day from `from` to `to` in fixed steps. Every job of a step runs
 * "at" its due time (the clock shows it), however fast the machine gets through it.
 */
export interface DayWindow {
  /** 0-based step number. */
  readonly index: number;
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

export class SimClock {
  private current: Date;

  constructor(
    readonly start: Date,
    readonly end: Date,
    readonly stepMs: number,
  ) {
    if (!(end.getTime() > start.getTime())) throw new Error('the day must end after it starts');
    if (!(stepMs > 0)) throw new Error('a step must last longer than 0 ms');
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock (forward only: a job never runs before the one before it). */
  advanceTo(at: Date): void {
    if (at.getTime() > this.current.getTime()) this.current = new Date(at);
  }

  get steps(): number {
    return Math.ceil((this.end.getTime() - this.start.getTime()) / this.stepMs);
  }

  /** Share of the day gone by (0..1). */
  get elapsed(): number {
    const span = this.end.getTime() - this.start.getTime();
    return Math.min(1, Math.max(0, (this.current.getTime() - this.start.getTime()) / span));
  }

  *windows(): Generator<DayWindow> {
    for (let index = 0; index < this.steps; index++) {
      const from = new Date(this.start.getTime() + index * this.stepMs);
      const to = new Date(Math.min(this.end.getTime(), from.getTime() + this.stepMs));
      yield { index, from, to };
    }
  }
}

/** `HH:MM` of a simulated time (UTC, the time zone EventBridge Scheduler uses by default). */
export const hhmm = (at: Date): string => at.toISOString().slice(11, 16);

/** The instant `HH:MM` (UTC) on the day of `day`. */
export function atTime(day: Date, text: string): Date {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new Error(`"${text}" is not HH:MM`);
  const d = new Date(day);
  d.setUTCHours(Number(m[1]), Number(m[2]), 0, 0);
  return d;
}
