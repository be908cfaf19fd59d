/**
 * `npm run demo` run programmatically on a short day: 40 orders through the storefront, the
 * NetSuite sync on its schedules against the simulator, brokering with the allocation updates and
 * NetSuite's rejections, and the summary of what each side holds.
 */
import { describe, expect, it } from 'vitest';
import type { BrokeringSummary } from '../../local/demo/brokering/summary.ts';
import { SimClock } from '../../local/demo/clock.ts';
import { duePlan } from '../../local/demo/day.ts';
import type { NetsuiteSyncSummary } from '../../local/demo/netsuite-sync/summary.ts';
import { DEFAULT_OPTIONS } from '../../local/demo/options.ts';
import { runDemo } from '../../local/demo/run.ts';
import { dueTimes } from '../../local/demo/schedule.ts';

const at = (hhmm: string) => new Date(`2025-07-02T${hhmm}:00.000Z`);
const times = (dates: Date[]) => dates.map((d) => d.toISOString().slice(11, 16));

describe('the demo clock', () => {
  it('finds the due times of the catalog schedule expressions inside a step', () => {
    expect(times(dueTimes('cron(5/15 * * * ? *)', at('08:00'), at('08:30')))).toEqual([
      '08:05',
      '08:20',
    ]);
    expect(times(dueTimes('cron(0 7 * * ? *)', at('08:00'), at('20:00')))).toEqual([]);
    expect(times(dueTimes('rate(5 minutes)', at('08:02'), at('08:15')))).toEqual([
      '08:05',
      '08:10',
    ]);
  });

  it('runs the jobs of a step in time order, listed order within a minute', () => {
    const job = (id: string, expression: string) => ({ id, expression, run: async () => {} });
    const clock = new SimClock(at('08:00'), at('08:15'), 15 * 60_000);
    const [window] = [...clock.windows()];
    const plan = duePlan(
      [
        job('approve', 'cron(0/5 * * * ? *)'),
        job('orders', 'cron(5/15 * * * ? *)'),
        job('netsuite', 'cron(12/15 * * * ? *)'),
      ],
      window!,
    );
    expect(plan.map((p) => `${times([p.at])[0]} ${p.job.id}`)).toEqual([
      '08:00 approve',
      '08:05 approve',
      '08:05 orders',
      '08:10 approve',
      '08:12 netsuite',
    ]);
  });
});

describe('npm run demo, 40 orders', () => {
  it('approves every valid order, reports the two awkward ones, and both sides agree', async () => {
    const consoleLog = console.log;
    const { summary, text } = await runDemo({
      ...DEFAULT_OPTIONS,
      orders: 40,
      from: '08:00',
      to: '10:30',
      quietMinutes: 75,
    });
    expect(console.log).toBe(consoleLog); // the log capture is undone

    expect(summary.failures).toEqual([]);
    expect(summary.logs.errors).toEqual([]);
    expect(summary.day.steps).toBe(10);
    expect(summary.intake).toMatchObject({
      submitted: 41,
      created: 40,
      duplicates: 1,
      rejected: [],
      notSubmitted: 0,
    });
    expect(summary.referenceData).toEqual({
      products: 40,
      facilities: 4,
      netsuiteFulfilled: 2,
      mappings: 8,
    });

    const sync = summary.flows.netsuiteSync as NetsuiteSyncSummary;
    const { awkward } = summary.sample;
    expect(sync.oms.ordersCreated).toBe(40);
    expect(sync.oms.approved).toBe(38);
    expect(sync.oms.depositsConfirmed).toBe(38);
    expect(sync.oms.customersWithNetsuiteId).toBe(sync.oms.customers);
    expect(sync.oms.customers).toBe(summary.sample.customers);
    expect(sync.oms.waiting).toHaveLength(2);
    const waiting = new Map(sync.oms.waiting.map((w) => [w.externalId, w]));
    expect(waiting.get(awkward.unmappedSku.externalId)?.reasons).toEqual([
      `no NetSuite item id for SKU "${awkward.unmappedSku.sku}"`,
    ]);
    const noCountry = waiting.get(awkward.noCountry.externalId);
    expect(noCountry?.reasons).toEqual(['missing required fields: country']);
    expect(noCountry?.file).toMatch(/^salesorder\/export\/required_fields_missing\/.+\.csv$/);

    expect(sync.netsuite).toMatchObject({
      customers: summary.sample.customers,
      salesOrders: 38,
      salesOrderLines: sync.oms.approvedLines,
      deposits: 38,
      partialFilesSeen: 0,
      rejected: 0,
    });
    expect(sync.checks.filter((c) => !c.ok)).toEqual([]);
    expect(sync.oms.sent.customers).toBe(summary.sample.customers);
    expect(sync.oms.sent.salesOrders).toBe(38);

    expect(summary.dataDir).toBeUndefined();
    expect(text).toContain('both sides agree');
    expect(text).toContain(awkward.noCountry.externalId);

    // Brokering: the snapshot imported, a run every quarter hour at :02, nothing failed.
    const b = summary.flows.brokering as BrokeringSummary;
    expect(b.inventory).toMatchObject({ rows: 160, rejected: 0 });
    expect(b.runs).toMatchObject({ runs: 10, failed: 0 });
    const f = Object.fromEntries(b.facilities.map((x) => [x.facilityId, x]));
    // Warehouses first (East by custom sequence), the stores take what no warehouse could.
    expect(f['WH-EAST']!.brokeredLines).toBeGreaterThan(0);
    expect(f['STORE-NYC']!.brokeredLines + f['STORE-SF']!.brokeredLines).toBeGreaterThan(0);
    expect(b.runs.allocatedLines).toBe(b.facilities.reduce((n, x) => n + x.brokeredLines, 0));
    // Only warehouse allocations go to NetSuite, each once.
    const warehouses = b.facilities.filter((x) => x.netsuiteFulfilled);
    expect(warehouses.map((x) => x.facilityId).sort()).toEqual(['WH-EAST', 'WH-WEST']);
    expect(b.allocations.sent.rows).toBe(
      warehouses.reduce((n, x) => n + x.brokeredLines, 0) - b.allocations.waiting,
    );
    expect(sync.netsuite.rejected).toBe(0); // NetSuite refused no allocation row
    // East rejects a share of what it is sent; every rejection came back and was brokered
    // again, never to East, and only East rejected.
    expect(b.netsuite.lineRejections).toBeGreaterThan(0);
    expect(b.rejections.received).toBe(b.netsuite.lineRejections);
    expect(f['WH-EAST']!.rejectedLines).toBe(b.rejections.received);
    expect(f['WH-WEST']!.rejectedLines).toBe(0);
    for (const r of b.rejections.items) {
      expect(r.facilityId).toBe('WH-EAST');
      expect(r.now).not.toContain('WH-EAST');
      expect(r.now.length).toBeGreaterThan(0);
    }
    expect(
      Object.entries(b.rejections.outcomes)
        .filter(([where]) => where.startsWith('WH-') || where.startsWith('STORE-'))
        .reduce((n, [, k]) => n + k, 0),
    ).toBeGreaterThan(0);
    // Store items wait in the stores' queues; NetSuite holds what it was sent, per location.
    expect(b.storeQueues.reduce((n, q) => n + q.items, 0)).toBe(
      f['STORE-NYC']!.heldLines + f['STORE-SF']!.heldLines,
    );
    expect(b.reservations.drift).toEqual([]);
    expect(b.reservations.oversold).toBe(0);
    expect(b.reservations.reserved).toBe(b.reservations.rows);
    expect(b.checks.filter((c) => !c.ok)).toEqual([]);
    expect(b.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['lines sent to WH-EAST', 'lines sent to WH-WEST', 'rejections']),
    );
    expect(text).toContain('Brokering, allocations and NetSuite rejections');
    expect(text).toContain('all agree');
  }, 120_000);
});
