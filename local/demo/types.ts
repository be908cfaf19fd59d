/**
 * What the demo is made of. A **flow** is one part of the retailer's day (the NetSuite sync first;
 * brokering; fulfillment and invoicing later): it loads what it needs before the day starts, names
 * the jobs it runs with their schedules, shows a few figures while the day runs, and says at the
 * end what each side holds. The runner does the rest (the clock, the NetSuite simulator's
 * cycles, the storefront's orders, the progress display).
 */
import type { LocalCloud } from '../cloud.ts';
import type { NetsuiteSimulator } from '../netsuite/index.ts';
import type { SimClock } from './clock.ts';
import type { DemoSample } from './sample.ts';

/** Orders the storefront submitted: external id → OMS order id. */
export type OrderBook = ReadonlyMap<string, string>;

export interface DemoContext {
  readonly cloud: LocalCloud;
  readonly sim: NetsuiteSimulator;
  readonly clock: SimClock;
  readonly sample: DemoSample;
  readonly orders: OrderBook;
  /** The demo's seed (`--seed`): flows draw with it, so the same seed plays the same day. */
  readonly seed: number;
  /** Runs a scheduled job of the OMS (catalog feed or core job) through its handler, now. */
  runJob<T>(id: string): Promise<T>;
}

/** A job on the simulated clock. */
export interface DemoJob {
  readonly id: string;
  /** EventBridge Scheduler expression, UTC. */
  readonly expression: string;
  run(at: Date): Promise<void>;
}

/** A figure on the progress line, e.g. `['approved', 12]`. */
export type ProgressFigure = readonly [label: string, value: number];

export interface DemoFlow<S extends object = object> {
  /** Key of the flow's summary in the JSON output, e.g. `netsuiteSync`. */
  readonly name: string;
  /** Heading of the flow's part of the text summary. */
  readonly title: string;
  /** Reference data and seeds, before the day starts. */
  setup(ctx: DemoContext): Promise<void>;
  /** The jobs the flow runs during the day, each on its schedule. */
  jobs(ctx: DemoContext): readonly DemoJob[];
  /** A few running totals for the progress line. */
  progress(): readonly ProgressFigure[];
  /** What each side holds at the end of the day (plain data: printed as JSON with `--json`). */
  summary(ctx: DemoContext): Promise<S>;
  /** The summary as text lines (indented under the title). */
  render(summary: S): string[];
}
