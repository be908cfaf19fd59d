/**
 * The handlers log one line per job run and per file; during the demo those lines would scroll the
 * progress display away. This takes over `console` for the run: with `verbose` each line is shown
 * (above the progress line), otherwise it is counted, and errors are kept for the summary.
 */
import { format } from 'node:util';

export interface LogTally {
  /** Lines not shown. */
  readonly hidden: number;
  readonly warnings: number;
  /** Error lines (the first 20), shown in the summary even without `verbose`. */
  readonly errors: readonly string[];
}

export interface CapturedLogs {
  tally(): LogTally;
  restore(): void;
}

const METHODS = ['log', 'info', 'debug', 'warn', 'error'] as const;
const KEEP_ERRORS = 20;

export function captureLogs(opts: {
  readonly verbose: boolean;
  /** Where a shown line goes (the progress display prints it above its line). */
  readonly show: (line: string) => void;
}): CapturedLogs {
  const original = Object.fromEntries(METHODS.map((m) => [m, console[m]])) as Record<
    (typeof METHODS)[number],
    (...args: unknown[]) => void
  >;
  let hidden = 0;
  let warnings = 0;
  const errors: string[] = [];
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      const line = format(...args);
      if (method === 'warn') warnings++;
      if (method === 'error' && errors.length < KEEP_ERRORS) errors.push(line);
      if (opts.verbose) opts.show(line);
      else hidden++;
    };
  }
  return {
    tally: () => ({ hidden, warnings, errors: [...errors] }),
    restore: () => {
      for (const method of METHODS) console[method] = original[method];
    },
  };
}
