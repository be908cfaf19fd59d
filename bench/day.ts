/**
 * `npm run bench:day -- --orders 50000 [--sample 2000] [--step 15] [--seed 7]`
 *
 * A peak day measured end to end: the demo's accelerated day (`local/demo`: the storefront's
 * intake, the NetSuite sync with the simulator, approval, brokering, schedule and release, stores
 * and NetSuite's warehouses fulfilling, invoicing — every job on its schedule, in simulated time)
 * with `--orders` orders, watched through the demo's observer:
 *
 * - **stages**: per job, its runs, the wall time they took, and its throughput (what its report
 *   counts — rows exported, orders approved or brokered, orders taken in — per wall second);
 * - **backlogs**: after every step, the entries waiting in each queue (the outboxes, the settle
 *   candidates, the brokering and release queues, the stores' fulfillment queues): the largest;
 * - **latency** in simulated minutes, over a sample of `--sample` orders (every n-th one): order
 *   taken in → line allocated (the OMS's lines, read after every job run), → NetSuite holding the
 *   allocation (the simulator's own line history), and a line shipped by a store → NetSuite's item
 *   fulfillment for it (the simulator's records). A latency is as fine as the job schedule: a
 *   change is dated at the simulated time of the job run that made it;
 * - **oversold units** against an independent count of the real world (local/demo/inventory/
 *   truth.ts: NetSuite's on hand and the day's physical events, never the OMS's figures);
 * - **lost / twice**: orders the OMS approved that NetSuite does not hold (or holds more than
 *   once), lines likewise, and orders never submitted.
 *
 * Progress on stderr, the summary on stdout, the last line one JSON object.
 */
import { parseArgs } from 'node:util';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_OPTIONS, type DemoOptions } from '../local/demo/options.ts';
import { runDemo, type DemoObserver } from '../local/demo/run.ts';
import type { DemoContext } from '../local/demo/types.ts';
import { padLineSeq, type LineState } from '../shared/domain/lifecycle/line.ts';
import { orderRuntime, root } from '../shared/app/root.ts';
import { dynamo, table } from '../shared/store/dynamo-client.ts';
import { SHARDS } from '../shared/store/sync-store.ts';
import { STATUS } from '../shared/domain/lifecycle/status.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '50000' },
    sample: { type: 'string', default: '2000' },
    step: { type: 'string', default: String(DEFAULT_OPTIONS.stepMinutes) },
    seed: { type: 'string', default: String(DEFAULT_OPTIONS.seed) },
  },
});
const ORDERS = Number(values.orders);
const SAMPLE = Math.min(Number(values.sample), ORDERS);
if (!Number.isInteger(ORDERS) || ORDERS < 8) throw new Error('--orders must be a whole number ≥ 8');
if (!Number.isInteger(SAMPLE) || SAMPLE < 1) throw new Error('--sample must be a whole number ≥ 1');

// DynamoDB Local keeps the whole day in its heap: 1 GB (its default here) held 10,000 orders; the
// 50,000-order day was measured with 8 GB (its process peaked at ≈ 6 GB). OMS_DYNAMODB_HEAP wins.
process.env.OMS_DYNAMODB_HEAP ??= ORDERS > 10_000 ? '8g' : '1g';

const t0 = performance.now();
const progress = (msg: string) =>
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s] ${msg}\n`);
const MINUTE = 60_000;

// ── queues ──────────────────────────────────────────────────────────────────────────────────────
/** Partitions of each queue (all in the control table). */
function queues(ctx: DemoContext): Record<string, string[]> {
  const sharded = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, s) => `${prefix}${s}`);
  const outbox = (feed: string) => sharded(`OUTBOX#${feed}#`, SHARDS);
  return {
    salesOrderOutbox: outbox('salesorder'),
    settleCandidates: sharded('SETTLE#', SHARDS),
    depositOutbox: outbox('deposit'),
    brokeringQueue: sharded('BQ#_BROKERING_QUEUE_#', 8),
    releaseQueue: sharded('RQ#', 8),
    allocationOutbox: outbox('allocation'),
    storeQueues: ctx.sample.facilities
      .filter((f) => f.kind === 'store')
      .map((f) => `FACQ#${f.facilityId}`),
    omsFulfilledOutbox: outbox('fulfilled'),
    lineCloseOutbox: outbox('lineclose'),
  };
}

/** Items in the partitions; settle candidate batches count their orders. */
async function countItems(pks: readonly string[]): Promise<number> {
  const counts = await Promise.all(
    pks.map(async (pk) => {
      let n = 0;
      let start: Record<string, never> | undefined;
      do {
        const settle = pk.startsWith('SETTLE#');
        const out = await dynamo().send(
          new QueryCommand({
            TableName: table('control'),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ...(settle ? { ProjectionExpression: 'orders' } : { Select: 'COUNT' }),
            ExclusiveStartKey: start,
          }),
        );
        if (settle) for (const i of out.Items ?? []) n += i.orders?.SS?.length ?? 1;
        else n += out.Count ?? 0;
        start = out.LastEvaluatedKey as typeof start;
      } while (start);
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

// ── the sample's lines ──────────────────────────────────────────────────────────────────────────
interface Tracked {
  readonly orderId: string;
  readonly receivedAt: number;
  /** lineSeq → when first seen allocated / shipped (simulated ms), and from where. */
  readonly lines: Map<string, { allocatedAt?: number; shippedAt?: number; shippedFrom?: string }>;
}

const placed = (l: LineState) =>
  Object.values(l.alloc).some((a) => (a[STATUS.ALLOCATED] ?? 0) + (a[STATUS.SCHEDULED] ?? 0) > 0) ||
  Object.keys(l.releases).length > 0 ||
  Object.keys(l.shipments).length > 0;

const percentile = (xs: number[], p: number): number | null => {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 10) / 10;
};
const summary = (xs: number[]) => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  p99: percentile(xs, 99),
});

/** Units a job's report counts (what its throughput is measured in), when it says. */
function unitsOf(job: string, result: unknown, before: number, after: number): number | undefined {
  if (job === 'storefront-orders') return after - before;
  const r = result as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object') return undefined;
  if (Array.isArray(r.runs)) {
    return (r.runs as { orders?: number }[]).reduce((n, x) => n + (x.orders ?? 0), 0);
  }
  if (typeof r.candidates === 'number') return r.candidates;
  if (typeof r.rows === 'number' && Array.isArray(r.files)) return r.rows;
  return undefined;
}

async function main(): Promise<number> {
  const options: DemoOptions = {
    ...DEFAULT_OPTIONS,
    orders: ORDERS,
    stepMinutes: Number(values.step),
    seed: Number(values.seed),
    json: true,
  };
  progress(
    `bench:day: ${ORDERS.toLocaleString('en-US')} orders, ${options.from} → ${options.to} UTC in ${options.stepMinutes}-minute steps; latency over ${SAMPLE.toLocaleString('en-US')} sampled orders; DynamoDB Local heap ${process.env.OMS_DYNAMODB_HEAP}`,
  );

  const every = Math.max(1, Math.floor(ORDERS / SAMPLE));
  const lineCount = new Map<string, number>();
  const sampled = new Set<string>();
  const tracked = new Map<string, Tracked>();
  let booked = 0;
  let ctxRef: DemoContext | undefined;
  let queueParts: Record<string, string[]> = {};
  const maxBacklog: Record<string, number> = {};
  const stages: Record<string, { runs: number; ms: number; units: number; counted: boolean }> = {};
  const lastResult = new Map<string, unknown>();
  let pollMs = 0;
  let backlogMs = 0;
  const latency = {
    allocated: [] as number[],
    nsHolds: [] as number[],
    nsFulfilled: [] as number[],
  };

  const observer: DemoObserver = {
    dayStarts(ctx) {
      ctxRef = ctx;
      queueParts = queues(ctx);
      ctx.sample.orders.forEach((o, i) => {
        lineCount.set(o.externalId, o.lines.length);
        if (i % every === 0 && sampled.size < SAMPLE) sampled.add(o.externalId);
      });
      // Job results, for the stages' units.
      const run = ctx.runJob.bind(ctx);
      (ctx as { runJob: DemoContext['runJob'] }).runJob = async <T>(id: string) => {
        const out = await run<T>(id);
        lastResult.set(id, out);
        return out;
      };
    },
    async jobRan(job, at, ms) {
      const ctx = ctxRef!;
      const before = booked;
      if (job === 'storefront-orders') {
        let i = 0;
        for (const [externalId, orderId] of ctx.orders) {
          if (i++ < booked) continue;
          if (sampled.has(externalId)) {
            const lines = new Map<string, object>();
            for (let n = 1; n <= (lineCount.get(externalId) ?? 0); n++)
              lines.set(padLineSeq(n), {});
            tracked.set(orderId, { orderId, receivedAt: at.getTime(), lines } as Tracked);
          }
        }
        booked = ctx.orders.size;
      }
      const s = (stages[job] ??= { runs: 0, ms: 0, units: 0, counted: false });
      s.runs++;
      s.ms += ms;
      const units = unitsOf(job, lastResult.get(job), before, booked);
      lastResult.delete(job);
      if (units !== undefined) {
        s.units += units;
        s.counted = true;
      }
      if (job === 'storefront-orders' || job.endsWith('-export')) return;
      // The sample's lines not yet allocated or shipped: what this job run changed.
      const started = performance.now();
      const refs: { orderId: string; lineSeq: string }[] = [];
      for (const t of tracked.values()) {
        for (const [seq, l] of t.lines) {
          if (l.allocatedAt === undefined || l.shippedAt === undefined) {
            refs.push({ orderId: t.orderId, lineSeq: seq });
          }
        }
      }
      const lines = refs.length
        ? await orderRuntime(root()).orders.lines(refs)
        : new Map<string, LineState>();
      for (const line of lines.values()) {
        const l = tracked.get(line.orderId)?.lines.get(line.lineSeq);
        if (!l) continue;
        if (l.allocatedAt === undefined && placed(line)) l.allocatedAt = at.getTime();
        const shipped = Object.values(line.shipments).find((x) => x.quantity > 0);
        if (l.shippedAt === undefined && shipped) {
          l.shippedAt = at.getTime();
          l.shippedFrom = shipped.facilityId;
        }
      }
      pollMs += performance.now() - started;
    },
    async stepDone(at) {
      const started = performance.now();
      const counts = await Promise.all(
        Object.entries(queueParts).map(
          async ([name, pks]) => [name, await countItems(pks)] as const,
        ),
      );
      for (const [name, n] of counts) maxBacklog[name] = Math.max(maxBacklog[name] ?? 0, n);
      backlogMs += performance.now() - started;
      if (at.getUTCMinutes() === 0) {
        progress(
          `${at.toISOString().slice(11, 16)} sim: ${booked.toLocaleString('en-US')} orders in; backlog ${counts
            .filter(([, n]) => n > 0)
            .map(([q, n]) => `${q} ${n}`)
            .join(', ')}`,
        );
      }
    },
    dayOver(ctx) {
      const stores = new Set(
        ctx.sample.facilities.filter((f) => f.kind === 'store').map((f) => f.facilityId),
      );
      const state = ctx.sim.snapshot().state;
      const byHc = new Map(Object.values(state.salesOrders).map((o) => [o.hcOrderId, o]));
      for (const t of tracked.values()) {
        const so = byHc.get(t.orderId);
        for (const [seq, l] of t.lines) {
          if (l.allocatedAt !== undefined)
            latency.allocated.push((l.allocatedAt - t.receivedAt) / MINUTE);
          const nsLine = so?.lines.find((x) => padLineSeq(Number(x.orderLineId)) === seq);
          const allocated = nsLine?.history?.find((e) => e.kind === 'allocated');
          if (allocated) latency.nsHolds.push((Date.parse(allocated.at) - t.receivedAt) / MINUTE);
          if (l.shippedAt !== undefined && l.shippedFrom && stores.has(l.shippedFrom)) {
            const f = nsLine?.itemFulfillments?.find((x) => x.source === 'oms');
            if (f) latency.nsFulfilled.push((Date.parse(f.at) - l.shippedAt) / MINUTE);
          }
        }
      }
    },
  };

  const { summary: day, text } = await runDemo(
    options,
    { note: (line) => progress(line), update: () => undefined, done: () => undefined },
    undefined,
    observer,
  );

  // ── lost, twice, oversold ──
  const sync = day.flows.netsuiteSync as {
    oms: { approved: number; approvedLines: number };
    netsuite: { salesOrders: number; salesOrderLines: number };
  };
  const lost =
    Math.max(0, sync.oms.approved - sync.netsuite.salesOrders) +
    Math.max(0, sync.oms.approvedLines - sync.netsuite.salesOrderLines) +
    day.intake.notSubmitted;
  const twice =
    Math.max(0, sync.netsuite.salesOrders - sync.oms.approved) +
    Math.max(0, sync.netsuite.salesOrderLines - sync.oms.approvedLines);
  const wallSec = (performance.now() - t0) / 1000;
  const stageFigures = Object.fromEntries(
    Object.entries(stages).map(([job, s]) => [
      job,
      {
        runs: s.runs,
        wallSec: Math.round(s.ms / 100) / 10,
        units: s.counted ? s.units : null,
        perSec: s.counted && s.ms > 0 ? Math.round((s.units / s.ms) * 1000 * 10) / 10 : null,
      },
    ]),
  );
  const figures = {
    orders: day.intake.created,
    ordersAsked: ORDERS,
    lines: [...lineCount.values()].reduce((a, b) => a + b, 0),
    lost,
    twice,
    oversoldUnits: day.oversold.units,
    oversoldPairs: day.oversold.pairs,
    stages: Object.fromEntries(
      Object.entries(stageFigures).map(([job, s]) => [
        job,
        { ...s, maxBacklog: null as number | null },
      ]),
    ),
    maxBacklog,
    latencyMinutes: {
      allocated: summary(latency.allocated),
      netsuiteHoldsAllocation: summary(latency.nsHolds),
      netsuiteFulfilled: summary(latency.nsFulfilled),
    },
    sampleOrders: tracked.size,
    simulated: `${options.from}–${options.to} UTC, ${options.stepMinutes}-minute steps`,
    failures: day.failures.length,
    logErrors: day.logs.errors.length,
    measuringSec: {
      linePolls: Math.round(pollMs / 1000),
      backlogCounts: Math.round(backlogMs / 1000),
    },
    wallSec: Math.round(wallSec),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  // Each stage's queue: the backlog it works off.
  const queueOf: Record<string, string> = {
    'sales-order-export': 'salesOrderOutbox',
    'approve-orders': 'settleCandidates',
    'customer-deposit-export': 'depositOutbox',
    'broker-orders': 'brokeringQueue',
    'schedule-release': 'releaseQueue',
    'allocation-update-export': 'allocationOutbox',
    'store-associates': 'storeQueues',
    'oms-fulfilled-export': 'omsFulfilledOutbox',
    'line-close-export': 'lineCloseOutbox',
  };
  for (const [job, q] of Object.entries(queueOf)) {
    const s = figures.stages[job];
    if (s) s.maxBacklog = maxBacklog[q] ?? 0;
  }
  const fmt = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));
  console.log(text);
  console.log(
    [
      '',
      `bench:day — ${fmt(figures.orders)} orders (${fmt(figures.lines)} lines), ${figures.simulated}, ${fmt(figures.wallSec)} s wall`,
      'stage                       runs   wall s    units     per s   max backlog',
      ...Object.entries(figures.stages).map(
        ([job, s]) =>
          `  ${job.padEnd(26)}${String(s.runs).padStart(5)}${String(s.wallSec).padStart(9)}${fmt(s.units).padStart(9)}${fmt(s.perSec).padStart(10)}${fmt(s.maxBacklog).padStart(14)}`,
      ),
      `latency (simulated minutes, ${fmt(tracked.size)} sampled orders; p50 / p95 / p99, n)`,
      ...Object.entries(figures.latencyMinutes).map(
        ([k, v]) =>
          `  ${k.padEnd(26)}${fmt(v.p50)} / ${fmt(v.p95)} / ${fmt(v.p99)}  (n ${fmt(v.n)})`,
      ),
      `lost ${lost}, twice ${twice}, oversold ${figures.oversoldUnits} units (${figures.oversoldPairs} pairs; against NetSuite's books and the day's physical events)`,
      `job failures ${figures.failures}, error log lines ${figures.logErrors}; measuring took ${figures.measuringSec.linePolls} s (line polls) + ${figures.measuringSec.backlogCounts} s (backlog counts) of the wall time; peak RSS ${figures.peakRssMb} MB`,
      '',
    ].join('\n'),
  );
  console.log(JSON.stringify(figures));
  return lost === 0 && twice === 0 && figures.oversoldUnits === 0 && figures.failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
