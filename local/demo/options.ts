/** `npm run demo` options: the command line, checked, with the defaults. */
import { parseArgs } from 'node:util';
import { MIN_ORDERS } from './sample.ts';

export interface DemoOptions {
  readonly orders: number;
  /** Keep the data folder (DynamoDB on disk in it) instead of removing it. */
  readonly keep: boolean;
  /** Print the final summary as JSON on stdout. */
  readonly json: boolean;
  /** Show the handlers' log lines. */
  readonly verbose: boolean;
  /** Simulated day, `HH:MM` UTC. */
  readonly from: string;
  readonly to: string;
  /** Orders stop arriving this long before the day ends (the sync needs about an hour). */
  readonly quietMinutes: number;
  readonly stepMinutes: number;
  readonly seed: number;
}

export const DEFAULT_OPTIONS: DemoOptions = {
  orders: 300,
  keep: false,
  json: false,
  verbose: false,
  from: '08:00',
  to: '20:00',
  quietMinutes: 120,
  stepMinutes: 15,
  seed: 7,
};

export const USAGE = `npm run demo -- [options]

Runs the OMS and a simulated NetSuite for one accelerated day and prints what each side holds.

  --orders N     orders the storefront sends through the day (default ${DEFAULT_OPTIONS.orders}, at least ${MIN_ORDERS})
  --from HH:MM   simulated day start, UTC (default ${DEFAULT_OPTIONS.from})
  --to HH:MM     simulated day end, UTC (default ${DEFAULT_OPTIONS.to})
  --step N       minutes per step (default ${DEFAULT_OPTIONS.stepMinutes})
  --seed N       sample seed (default ${DEFAULT_OPTIONS.seed})
  --keep         keep the data folder (DynamoDB on disk) to look at afterwards with npm start
  --json         print the final summary as JSON on stdout
  --verbose      show the log line of every job run and file
  --help         this text
`;

const positiveInt = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a whole number ≥ 1, got "${text}"`);
  return n;
};

/** The options, or `undefined` when `--help` was asked. Throws on a bad option. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      orders: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      step: { type: 'string' },
      seed: { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  const options = {
    ...DEFAULT_OPTIONS,
    orders: positiveInt('orders', values.orders, DEFAULT_OPTIONS.orders),
    stepMinutes: positiveInt('step', values.step, DEFAULT_OPTIONS.stepMinutes),
    seed: positiveInt('seed', values.seed, DEFAULT_OPTIONS.seed),
    from: values.from ?? DEFAULT_OPTIONS.from,
    to: values.to ?? DEFAULT_OPTIONS.to,
    keep: values.keep ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
  if (options.orders < MIN_ORDERS) throw new Error(`--orders must be at least ${MIN_ORDERS}`);
  const minutes = (name: string, text: string) => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(text);
    const value = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    if (!m || Number(m[2]) > 59 || value > 24 * 60)
      throw new Error(`--${name} must be HH:MM, got "${text}"`);
    return value;
  };
  if (minutes('to', options.to) <= minutes('from', options.from)) {
    throw new Error('--to must be later than --from');
  }
  return options;
}
