/**
 * `npm run demo` as a function: starts the local cloud and the NetSuite simulator, loads the
 * sample's reference data, lets each flow set up, runs the day, gathers the summary, and stops
 * everything (removing the data folder unless `keep`). The tests call it directly.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../cloud.ts';
import type { NetsuiteSimulator } from '../netsuite/index.ts';
import { atTime, hhmm, SimClock } from './clock.ts';
import { runDay, type DayObserver, type DayReport, type JobFailure } from './day.ts';
import { demoFlows } from './flows.ts';
import { moneySummary, renderMoneySummary, type MoneySummary } from './money/summary.ts';
import { demoSimulator, netsuiteScriptsJob } from './netsuite.ts';
import type { DemoOptions } from './options.ts';
import { noProgress, type ProgressDisplay } from './progress.ts';
import { captureLogs, type LogTally } from './quiet-logs.ts';
import { loadReferenceData, type ReferenceDataReport } from './reference-data.ts';
import { renderSummary } from './report.ts';
import { demoSample, type DemoSample } from './sample.ts';
import { Storefront, type IntakeSummary } from './storefront.ts';
import type { DemoContext } from './types.ts';

export interface DemoSummary {
  readonly day: {
    readonly date: string;
    readonly from: string;
    readonly to: string;
    readonly stepMinutes: number;
    readonly steps: number;
    readonly jobRuns: number;
    readonly wallSeconds: number;
    /** Real time per job. */
    readonly jobs: DayReport['jobs'];
  };
  readonly referenceData: ReferenceDataReport;
  /** The sample's size and its awkward cases (which orders should end up waiting). */
  readonly sample: {
    readonly orders: number;
    readonly customers: number;
    readonly awkward: DemoSample['awkward'];
  };
  readonly intake: IntakeSummary;
  /** Each flow's summary, by flow name (`netsuiteSync`, …). */
  readonly flows: Readonly<Record<string, object>>;
  readonly failures: readonly JobFailure[];
  /**
   * SKU × facility pairs (and units) promised beyond what was truly there, against the NetSuite
   * simulator's own books (local/demo/inventory/truth.ts).
   */
  readonly oversold: { readonly pairs: number; readonly units: number };
  /** The day's money, OMS against NetSuite, to the cent (money/summary.ts). */
  readonly money: MoneySummary;
  readonly logs: LogTally;
  /** The data folder when kept. */
  readonly dataDir?: string;
}

export interface DemoResult {
  readonly summary: DemoSummary;
  /** The summary as printed without `--json`. */
  readonly text: string;
}

/** The night's oversold figure (the NetSuite account flow measures it). */
function oversoldOfDay(parts: readonly { flow: { name: string }; summary: object }[]) {
  const account = parts.find((p) => p.flow.name === 'netsuiteAccount')?.summary as
    { night: { oversold: { pairs: number; units: number } } } | undefined;
  if (!account) throw new Error('the demo has no NetSuite account flow to measure overselling');
  return account.night.oversold;
}

/**
 * What `bench:day` watches: every job run and step (`DayObserver`), the context before the day
 * starts, and the context once the day is over, before everything is stopped.
 */
export interface DemoObserver extends DayObserver {
  dayStarts?(ctx: DemoContext): Promise<void> | void;
  dayOver?(ctx: DemoContext): Promise<void> | void;
}

/** `signal` stops the day between two jobs (Ctrl-C); everything is stopped and removed all the same. */
export async function runDemo(
  options: DemoOptions,
  progress: ProgressDisplay = noProgress,
  signal?: AbortSignal,
  observer: DemoObserver = {},
): Promise<DemoResult> {
  const started = Date.now();
  const day = new Date();
  const clock = new SimClock(
    atTime(day, options.from),
    atTime(day, options.to),
    options.stepMinutes * 60_000,
  );
  const lastOrderAt = new Date(
    Math.max(
      clock.start.getTime() + clock.stepMs,
      clock.end.getTime() - options.quietMinutes * 60_000,
    ),
  );
  const sample = demoSample({
    orders: options.orders,
    firstOrderAt: clock.start,
    lastOrderAt,
    seed: options.seed,
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'oms-demo-'));
  const logs = captureLogs({
    verbose: options.verbose,
    show: (line) => progress.note(`${hhmm(clock.now())} │ ${line}`),
  });
  const password = randomBytes(12).toString('hex');
  let cloud: LocalCloud | undefined;
  let sim: NetsuiteSimulator | undefined;
  try {
    cloud = await startLocalCloud({
      dataDir,
      inMemoryDb: !options.keep,
      sftpPassword: password,
      schedules: false,
      log: (line) => console.log(line),
    });
    sim = demoSimulator(cloud, password, clock, {
      dataFile: options.keep ? join(dataDir, 'netsuite-account.json') : undefined,
      seed: options.seed,
    });
    const referenceData = await loadReferenceData(sample);
    const storefront = new Storefront(sample.arrivals);
    const runtime = cloud;
    const ctx: DemoContext = {
      cloud,
      sim,
      clock,
      sample,
      orders: storefront.book,
      seed: options.seed,
      runJob: <T>(id: string) => runtime.scheduler.runNow(id) as Promise<T>,
    };
    const flows = demoFlows();
    for (const flow of flows) await flow.setup(ctx);
    signal?.throwIfAborted();
    const jobs = [
      storefront.job,
      ...flows.flatMap((f) => f.jobs(ctx)),
      netsuiteScriptsJob(cloud, sim),
    ];

    await observer.dayStarts?.(ctx);
    const dayReport = await runDay(
      clock,
      jobs,
      () =>
        progress.update({
          at: clock.now(),
          share: clock.elapsed,
          figures: [['orders in', storefront.book.size], ...flows.flatMap((f) => f.progress())],
        }),
      signal,
      observer,
    );
    progress.done();
    await observer.dayOver?.(ctx);

    const parts = [];
    for (const flow of flows) {
      const s = await flow.summary(ctx);
      parts.push({ flow, summary: s, lines: flow.render(s) });
    }
    const money = await moneySummary(ctx);
    const summary: DemoSummary = {
      day: {
        date: clock.start.toISOString().slice(0, 10),
        from: options.from,
        to: options.to,
        stepMinutes: options.stepMinutes,
        steps: dayReport.steps,
        jobRuns: dayReport.jobRuns,
        wallSeconds: Math.round((Date.now() - started) / 100) / 10,
        jobs: dayReport.jobs,
      },
      referenceData,
      sample: {
        orders: sample.orders.length,
        customers: sample.customers.length,
        awkward: sample.awkward,
      },
      intake: storefront.summary(),
      flows: Object.fromEntries(parts.map((p) => [p.flow.name, p.summary])),
      failures: dayReport.failures,
      oversold: oversoldOfDay(parts),
      money,
      logs: logs.tally(),
      dataDir: options.keep ? dataDir : undefined,
    };
    const text = renderSummary(
      summary,
      [
        ...parts.map((p) => ({ title: p.flow.title, lines: p.lines })),
        { title: 'Money: OMS and NetSuite, to the cent', lines: renderMoneySummary(money) },
      ],
      { bucket: cloud.bucket, user: cloud.sftp.user },
    );
    return { summary, text };
  } finally {
    await sim?.stop().catch(() => undefined);
    await cloud?.stop();
    logs.restore();
    if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}
