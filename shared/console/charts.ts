/**
 * The operator console's charts, from the OMS's own run records only: per hour of the last 24
 * hours the orders in (orders the sales-order export sent to NetSuite), lines brokered (the
 * brokering runs), lines shipped (NetSuite's fulfillment files applied and the stores' shipments
 * the OMS-fulfilled export sent) and orders invoiced (invoice report rows applied); rows per
 * inbound feed per day for the last 14 days; import durations of the last files per feed.
 */
import { implementedFeeds } from '../feeds/catalog.ts';
import type { FeedFileRun, ImportLedger } from '../store/import-ledger.ts';
import type { SyncRun, SyncStore } from '../store/sync-store.ts';

export interface ChartsDeps {
  readonly ledger: Pick<ImportLedger, 'feedRunsSince'>;
  readonly sync: Pick<SyncStore, 'runsSince'>;
}

export interface HourPoint {
  /** The hour, ISO (`2026-12-06T14:00:00.000Z`). */
  readonly hour: string;
  readonly ordersIn: number;
  readonly linesBrokered: number;
  readonly linesShipped: number;
  readonly ordersInvoiced: number;
}

export interface ChartsView {
  readonly at: string;
  readonly hourly: readonly HourPoint[];
  readonly daily: {
    /** `yyyy-mm-dd`, oldest first. */
    readonly days: readonly string[];
    /** Feeds with rows in the window; `rows[i]` is the day `days[i]`. */
    readonly feeds: ReadonlyArray<{ feed: string; rows: number[] }>;
  };
  readonly durations: ReadonlyArray<{
    feed: string;
    files: number;
    p50Ms: number;
    maxMs: number;
    rowsOfMax: number;
  }>;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export async function consoleCharts(deps: ChartsDeps, now = new Date()): Promise<ChartsView> {
  const firstHour = Math.floor(now.getTime() / HOUR) * HOUR - 23 * HOUR;
  const firstDay = Math.floor(now.getTime() / DAY) * DAY - 13 * DAY;
  const since24h = new Date(firstHour).toISOString();
  const since14d = new Date(firstDay).toISOString();
  const inbound = implementedFeeds().filter((f) => f.trigger.kind === 'object-created');
  const [salesOrders, brokering, storeShipped, fileRuns] = await Promise.all([
    deps.sync.runsSince('sales-order-export', since24h),
    deps.sync.runsSince('broker-orders', since24h),
    deps.sync.runsSince('oms-fulfilled-export', since24h),
    Promise.all(
      inbound.map(async (f) => ({
        feed: f.id,
        runs: await deps.ledger.feedRunsSince(f.id, since14d),
      })),
    ),
  ]);
  const hourly: Array<{ -readonly [K in keyof HourPoint]: HourPoint[K] }> = Array.from(
    { length: 24 },
    (_, i) => ({
      hour: new Date(firstHour + i * HOUR).toISOString(),
      ordersIn: 0,
      linesBrokered: 0,
      linesShipped: 0,
      ordersInvoiced: 0,
    }),
  );
  const slot = (iso: string) => {
    const i = Math.floor((Date.parse(iso) - firstHour) / HOUR);
    return i >= 0 && i < 24 ? hourly[i] : undefined;
  };
  const addRuns = (
    runs: readonly SyncRun[],
    key: keyof Omit<HourPoint, 'hour'>,
    f: (r: SyncRun) => number,
  ) => {
    for (const r of runs) {
      const s = slot(r.startedAt);
      if (s) s[key] += f(r);
    }
  };
  addRuns(salesOrders, 'ordersIn', (r) => r.records);
  addRuns(brokering, 'linesBrokered', (r) => num(r.details?.linesBrokered) || r.records);
  addRuns(storeShipped, 'linesShipped', (r) => r.rows);
  const filesOf = (id: string) => fileRuns.find((f) => f.feed === id)?.runs ?? [];
  const addFiles = (runs: readonly FeedFileRun[], key: keyof Omit<HourPoint, 'hour'>) => {
    for (const r of runs) {
      const s = slot(r.finishedAt);
      if (s) s[key] += r.applied;
    }
  };
  addFiles(filesOf('fulfillment-csv-import'), 'linesShipped');
  addFiles(filesOf('fulfillment-json-import'), 'linesShipped');
  addFiles(filesOf('invoice-import'), 'ordersInvoiced');

  const days = Array.from({ length: 14 }, (_, i) =>
    new Date(firstDay + i * DAY).toISOString().slice(0, 10),
  );
  const feeds = fileRuns
    .map(({ feed, runs }) => {
      const rows = days.map(() => 0);
      for (const r of runs) {
        const i = days.indexOf(r.finishedAt.slice(0, 10));
        if (i >= 0) rows[i]! += r.rows;
      }
      return { feed, rows };
    })
    .filter((f) => f.rows.some((n) => n > 0));
  const durations = fileRuns
    .filter((f) => f.runs.length)
    .map(({ feed, runs }) => {
      const last = runs.slice(-20);
      const sorted = last.map((r) => r.ms).sort((a, b) => a - b);
      const slowest = last.reduce((a, b) => (b.ms > a.ms ? b : a));
      return {
        feed,
        files: last.length,
        p50Ms: sorted[Math.floor((sorted.length - 1) / 2)]!,
        maxMs: slowest.ms,
        rowsOfMax: slowest.rows,
      };
    });
  return { at: now.toISOString(), hourly, daily: { days, feeds }, durations };
}
