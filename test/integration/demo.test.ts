/**
 * `npm run demo` run programmatically on a short day: 40 orders through the storefront, the
 * NetSuite sync on its schedules against the simulator, brokering with the allocation updates and
 * NetSuite's rejections, scheduling and release, stores picking and shipping (some items not
 * found), NetSuite's warehouses shipping, customer service cancelling, NetSuite invoicing — and
 * the summary of what each side holds.
 */
import { describe, expect, it } from 'vitest';
import type { BrokeringSummary } from '../../local/demo/brokering/summary.ts';
import { SimClock } from '../../local/demo/clock.ts';
import { duePlan } from '../../local/demo/day.ts';
import type { NetsuiteAccountSummary } from '../../local/demo/netsuite-account/flow.ts';
import type { NetsuiteSyncSummary } from '../../local/demo/netsuite-sync/summary.ts';
import type { FulfillmentSummary } from '../../local/demo/fulfillment/summary.ts';
import { movesOf } from '../../local/demo/events.ts';
import { cancelRequests } from '../../local/demo/fulfillment/customer-service.ts';
import { DEFAULT_OPTIONS } from '../../local/demo/options.ts';
import { runDemo } from '../../local/demo/run.ts';
import { demoSample } from '../../local/demo/sample.ts';
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

describe('pieces of the fulfillment flow', () => {
  it('reads multi-step events as single moves', () => {
    const base = { orderId: 'O1', actor: 'netsuite', at: '2025-07-02T08:00:00.000Z' };
    const moves = movesOf([
      {
        ...base,
        type: 'moved',
        lineSeq: '00001',
        from: 1100,
        to: 1200,
        quantity: 2,
        facilityId: 'WH-EAST',
        idempotencyKey: 'a',
      },
      {
        ...base,
        type: 'moved-lines',
        idempotencyKey: 'b',
        steps: [{ lineSeq: '00002', from: 1100, to: 1200, quantity: 1, facilityId: 'STORE-SF' }],
      },
      {
        ...base,
        type: 'fulfilled',
        lineSeq: '00001',
        idempotencyKey: 'c',
        steps: [
          { from: 3350, to: 3700, quantity: 2, facilityId: 'WH-EAST', shipmentKey: 'O1-00001-S1' },
        ],
      },
      { ...base, type: 'hold-added', lineSeq: '00001', idempotencyKey: 'd', holds: ['X'] },
    ]);
    expect(moves.map((m) => [m.key, m.lineSeq, m.from, m.to, m.quantity, m.facilityId])).toEqual([
      ['a', '00001', 1100, 1200, 2, 'WH-EAST'],
      ['b', '00002', 1100, 1200, 1, 'STORE-SF'],
      ['c', '00001', 3350, 3700, 2, 'WH-EAST'],
    ]);
  });

  it('picks the customers who cancel: 2 % (at least two) of the orders of two lines or more', () => {
    const sample = (orders: number) =>
      demoSample({ orders, firstOrderAt: at('08:00'), lastOrderAt: at('18:00'), seed: 7 });
    const small = cancelRequests({ sample: sample(40) }, 7);
    expect(small.map((r) => r.when)).toEqual(['on arrival', 'once in NetSuite']);
    const big = sample(300);
    const requests = cancelRequests({ sample: big }, 7);
    expect(requests).toHaveLength(6);
    expect(cancelRequests({ sample: big }, 7)).toEqual(requests); // the same seed, the same day
    expect(cancelRequests({ sample: big }, 8)).not.toEqual(requests);
    const byId = new Map(big.orders.map((o) => [o.externalId, o]));
    const awkward = Object.values(big.awkward).map((a) => a.externalId);
    for (const r of requests) {
      expect(byId.get(r.externalId)!.lines.length).toBeGreaterThanOrEqual(2);
      expect(awkward).not.toContain(r.externalId);
    }
  });
});

describe('npm run demo, 40 orders', () => {
  it('approves every valid order, brokers, ships and invoices, and both sides agree', async () => {
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
      // Shipping, channel, payment, subsidiary; five tax codes and two discount items.
      mappings: 15,
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
    expect(b.runs.allocatedLines).toBe(b.facilities.reduce((n, x) => n + x.placements, 0));
    // Only warehouse allocations go to NetSuite, each once: every line placed at a warehouse was
    // sent (or waits for the next export), and no more often than it was placed there (a line
    // placed there again — an item a store did not find — is sent again, unless both placements
    // went out in one file).
    const warehouses = b.facilities.filter((x) => x.netsuiteFulfilled);
    expect(warehouses.map((x) => x.facilityId).sort()).toEqual(['WH-EAST', 'WH-WEST']);
    const sum = (k: 'brokeredLines' | 'placements') => warehouses.reduce((n, x) => n + x[k], 0);
    expect(b.allocations.sent.rows).toBeGreaterThanOrEqual(
      sum('brokeredLines') - b.allocations.waiting,
    );
    expect(b.allocations.sent.rows).toBeLessThanOrEqual(sum('placements') - b.allocations.waiting);
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
    // Placed again since: at a facility, or already shipped from one.
    expect(
      Object.entries(b.rejections.outcomes)
        .filter(([where]) => /^(WH-|STORE-|shipped$)/.test(where))
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

    // Fulfillment: lines scheduled and released, nothing failed, nothing held at the end.
    const fl = summary.flows.fulfillment as FulfillmentSummary;
    expect(fl).toBeDefined();
    expect(fl.release.releasedLines).toBeGreaterThan(0);
    expect(fl.release).toMatchObject({ failed: 0, busy: 0 });
    // NetSuite's warehouses shipped, and the OMS recorded every item fulfillment it reported.
    expect(fl.netsuite.itemFulfillments).toBeGreaterThan(0);
    expect(fl.netsuite.shipments).toBe(fl.netsuite.itemFulfillments);
    expect(fl.netsuite.units).toBe(fl.netsuite.itemUnits);
    expect(fl.netsuite.imports.files).toBeGreaterThan(0);
    expect(fl.netsuite.imports.rejected).toBe(0);
    // The stores picked and shipped; what they sent, NetSuite fulfilled; items not found were
    // handed back and none of them went back to the store that did not find it.
    expect(fl.stores.picks).toBeGreaterThan(0);
    expect(fl.stores.shipments).toBeGreaterThan(0);
    expect(fl.stores.units).toBeGreaterThan(0);
    expect(fl.stores.shipments).toBe(fl.stores.sent.rows + fl.stores.waiting);
    expect(fl.stores.netsuiteItemFulfillments).toBe(fl.stores.sent.rows);
    for (const n of fl.stores.notFound) expect(n.now).not.toContain(n.facilityId);
    // Customer service cancelled one line of two orders; NetSuite holds those lines closed.
    expect(fl.cancellations.requested).toBe(2);
    expect(fl.cancellations.outcomes.map((o) => o.outcome)).toEqual(['cancelled', 'cancelled']);
    expect(fl.cancellations.lines).toBe(2);
    expect(fl.cancellations.netsuiteClosed).toBe(2);
    // Orders invoiced, the same invoices and totals on both sides.
    expect(fl.invoices.orders).toBeGreaterThan(0);
    expect(fl.invoices.invoices).toBe(fl.invoices.netsuite.invoices);
    expect(fl.invoices.total).toBe(fl.invoices.netsuite.total);
    expect(fl.invoices.imports.rejected).toBe(0);
    // Every line adds up; reservations reconcile; every check agrees.
    const sample = demoSample({
      orders: 40,
      firstOrderAt: at('08:00'),
      lastOrderAt: at('09:15'),
      seed: DEFAULT_OPTIONS.seed,
    });
    expect(fl.balance.lines).toBe(sample.orders.reduce((n, o) => n + o.lines.length, 0));
    expect(fl.balance.violations).toEqual([]);
    expect(fl.balance.reservations.drift).toEqual([]);
    expect(fl.checks.filter((c) => !c.ok)).toEqual([]);
    expect(fl.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['NetSuite item fulfillments', 'OMS-fulfilled rows', 'invoices']),
    );
    expect(text).toContain('Fulfillment, cancellations and invoices');
    expect(Object.keys(summary.flows)).toEqual([
      'netsuiteSync',
      'brokering',
      'fulfillment',
      'netsuiteAccount',
    ]);
    // NetSuite keeps its own books in the simulator; every file it was sent is accounted for.
    const account = summary.flows.netsuiteAccount as NetsuiteAccountSummary;
    expect(account.simulator).toBe('netsuite-books');
    expect(account.books.map((b) => b.facilityId).sort()).toEqual([
      'STORE-NYC',
      'STORE-SF',
      'WH-EAST',
      'WH-WEST',
    ]);
    expect(account.exceptions.filesTaken).toBeGreaterThan(0);
    expect(account.exceptions.failedFiles).toBe(0);
    expect(account.exceptions.unexplained).toBe(0);
    expect(text).toContain("NetSuite's books and exception files");

    // Money: NetSuite's totals of what it received are the OMS's expected totals, to the cent;
    // its invoices are what shipped; the orders carried discounts, shipping and tax.
    const { money } = summary;
    expect(money.orders).toBe(38);
    expect(money.differences).toEqual([]);
    expect(money.netsuiteTotalCents).toBe(money.omsTotalCents);
    expect(money.invoicedCents).toBeGreaterThan(0);
    expect(money.invoicedCents).toBe(money.shippedInvoicedCents);
    expect(money.invoicedCents).toBe(Math.round(fl.invoices.total * 100));
    expect(money.discountCents).toBeGreaterThan(0);
    expect(money.shippingCents).toBeGreaterThan(0);
    expect(money.taxCents).toBeGreaterThan(0);
    expect(text).toContain('Money: OMS and NetSuite, to the cent');
    expect(text).toMatch(
      /38 orders in NetSuite: OMS expects [\d.]+, NetSuite's orders total [\d.]+ — equal to the cent/,
    );
  }, 240_000);
});
