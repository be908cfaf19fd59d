/**
 * The progress display on stderr: on a terminal one line rewritten in place — simulated time, a
 * bar of the day, the orders in and each flow's running totals; elsewhere (a pipe, a CI log) the
 * same line once per simulated hour. Log lines shown with `--verbose` go above it.
 */
import type { Writable } from 'node:stream';
import { hhmm } from './clock.ts';
import type { ProgressFigure } from './types.ts';

export interface ProgressState {
  readonly at: Date;
  /** Share of the day gone by (0..1). */
  readonly share: number;
  readonly figures: readonly ProgressFigure[];
}

export interface ProgressDisplay {
  update(state: ProgressState): void;
  /** Prints a line above the progress line. */
  note(line: string): void;
  /** Leaves the last progress line on screen. */
  done(): void;
}

const BAR = 20;

export function progressLine(s: ProgressState): string {
  const filled = Math.round(s.share * BAR);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
  const figures = s.figures.map(([label, value]) => `${label} ${value}`).join('  ');
  return `${hhmm(s.at)} ${bar} ${String(Math.round(s.share * 100)).padStart(3)}%  ${figures}`;
}

export function progressDisplay(
  stream: Writable & { isTTY?: boolean; columns?: number },
): ProgressDisplay {
  const live = !!stream.isTTY;
  let current = '';
  let lastHour = '';
  let printed = '';
  const fit = (line: string) => (stream.columns ? line.slice(0, stream.columns - 1) : line);
  const draw = () => stream.write(`\r\x1b[2K${fit(current)}`);
  return {
    update(state) {
      current = progressLine(state);
      if (live) return void draw();
      const hour = hhmm(state.at).slice(0, 2);
      if (hour !== lastHour) {
        lastHour = hour;
        printed = current;
        stream.write(`${current}\n`);
      }
    },
    note(line) {
      if (live) stream.write(`\r\x1b[2K${line}\n`);
      else stream.write(`${line}\n`);
      if (live && current) draw();
    },
    done() {
      if (live && current) stream.write('\n');
      else if (current && current !== printed) stream.write(`${current}\n`);
    },
  };
}

/** A display that shows nothing (tests, `--json` to a pipe). */
export const noProgress: ProgressDisplay = {
  update: () => undefined,
  note: () => undefined,
  done: () => undefined,
};
