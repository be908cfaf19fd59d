/**
 * Fulfillment both ways, cancellations and invoicing, end to end on the local cloud with the
 * NetSuite simulator (issue #8's proof): orders go from intake through the NetSuite sync,
 * brokering and the allocation update to scheduling and release; NetSuite fulfils its warehouse
 * lines (some in two parts, unescaped carriers with commas) and the fulfillment files are imported;
 * the stores pick and ship theirs (one in two parts) and the OMS-fulfilled export tells NetSuite,
 * one row per line with every unit it shipped;
 * one store pick is not found and goes to another facility with new release and shipment keys;
 * one line is cancelled after NetSuite has the order and is closed there; NetSuite invoices what is
 * fully fulfilled and deposited, and the invoice report marks the orders invoiced. Every line's
 * buckets, releases, shipments and history are checked against the lifecycle, and every file
 * NetSuite received. The same fulfillment file imported twice changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedAt } from '../../shared/domain/lifecycle/promises.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { netsuiteSample, type Sample } from '../../local/sample/netsuite-sample.ts';
import {
  cancellations,
  invoiceStore,
  orderRuntime,
  root,
  storeFulfillment,
  storeShipping,
  syncStore,
} from '../../shared/app/root.ts';
import {
  bucketsFromEvents,
  lineInvariantViolations,
  type LineState,
} from '../../shared/domain/lifecycle/index.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import type { ReconcileReport } from '../../shared/jobs/reconcile-reservations.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { syncStatus } from '../../shared/sync/sync-status.ts';
import { startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { FLOW_FACILITIES, loadFlowReferenceData } from '../support/netsuite-flow.ts';

const ORDERS = 24;
let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sim: NetsuiteSimulator;
let sample: Sample;
let clock = new Date('2025-07-02T10:00:00Z');
const orderIds: string[] = [];

const FACILITIES = FLOW_FACILITIES;
const STORES = ['STORE-A', 'STORE-B'];
const isStore = (f: string) => STORES.includes(f);

const run = <T>(job: string) => cloud.scheduler.runNow(job) as Promise<T>;
async function netsuiteCycle() {
  clock = new Date(clock.getTime() + 5 * 60_000);
  await sim.cycle();
  await cloud.dispatcher.idle();
}

const records = (id: string) => orderRuntime(root()).orders.order(id);
const allLines = async (): Promise<LineState[]> =>
  (await Promise.all(orderIds.map(records))).flatMap((o) => o.lines);
const sameLine = (a: { orderId: string; lineSeq: string }) => (b: LineState) =>
  b.orderId === a.orderId && b.lineSeq === a.lineSeq;

/** What the stores did, to compare with what NetSuite received. */
const storeShipments: { orderId: string; lineSeq: string; facilityId: string; quantity: number }[] =
  [];
let notFound: { orderId: string; lineSeq: string; facilityId: string } | undefined;
let cancelled: { orderId: string; lineSeq: string } | undefined;
let partlyShippedByStore: { orderId: string; lineSeq: string } | undefined;

/** Every store picks, packs and ships what is released to it (the first 2+ unit line in two parts). */
async function storesWork(tag: string, opts: { failOnePick?: boolean } = {}) {
  const queue = storeFulfillment(root());
  const shipping = storeShipping(root());
  for (const facilityId of STORES) {
    for (const item of await queue.storeQueue(facilityId)) {
      for (const r of item.released) {
        const key = `${tag}-${item.orderId}-${item.lineSeq}-${r.releaseKey}`;
        const picked = await shipping.pick({
          facilityId,
          orderId: item.orderId,
          lineSeq: item.lineSeq,
          releaseKey: r.releaseKey,
          actor: 'store:e2e',
          idempotencyKey: `pick-${key}`,
        });
        if (opts.failOnePick && !notFound) {
          notFound = { orderId: item.orderId, lineSeq: item.lineSeq, facilityId };
          await queue.reportNotFound({
            facilityId,
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            actor: 'store:e2e',
            idempotencyKey: `notfound-${key}`,
          });
          continue;
        }
        await shipping.pack({
          facilityId,
          orderId: item.orderId,
          lineSeq: item.lineSeq,
          shipmentKey: picked.shipmentKey,
          packages: 1,
          actor: 'store:e2e',
          idempotencyKey: `pack-${key}`,
        });
        const parts =
          picked.quantity >= 2 && !partlyShippedByStore
            ? [1, picked.quantity - 1]
            : [picked.quantity];
        if (parts.length === 2) partlyShippedByStore = item;
        for (const [i, quantity] of parts.entries()) {
          await shipping.ship({
            facilityId,
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            shipmentKey: picked.shipmentKey,
            quantity,
            trackingNumbers: [`1Z${item.orderId}${item.lineSeq}${i}`],
            carrier: 'UPS',
            actor: 'store:e2e',
            idempotencyKey: `ship-${key}-${i}`,
          });
          storeShipments.push({
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            facilityId,
            quantity,
          });
        }
      }
    }
  }
}

beforeAll(async () => {
  cloud = await startTestCloud();
  sample = netsuiteSample({
    orders: ORDERS,
    customers: 10,
    products: 6,
    maxLines: 2,
    existingCustomerShare: 0.3,
    seed: 23,
    prefix: 'F',
  });
  await loadFlowReferenceData(sample, { 'WH-EAST': 6, 'WH-WEST': 4, 'STORE-A': 8, 'STORE-B': 8 });

  sim = new NetsuiteSimulator({
    host: '127.0.0.1',
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
    seed: 5,
    fulfilShare: 1,
    partialShare: 1,
    commaShare: 0.5,
    multiTrackingShare: 0.5,
    // Stock is not what this test is about: NetSuite's locations can commit whatever they get.
    inventory: { defaultOnHand: 1_000, storeLocations: ['201', '202'] },
  });
  sim.seedItems(sample.products.map((p) => ({ itemId: p.itemId, sku: p.sku })));
  for (const o of sample.orders) {
    const r = await orderRuntime(root()).intake.submit(o, { source: 'test', actor: 'test' });
    if (r.status !== 'created') throw new Error(r.status);
    orderIds.push(r.orderId);
  }
  // The NetSuite sync until every order is approved and its deposit is in NetSuite.
  for (let i = 0; i < 4; i++) {
    await run('customer-export');
    await run('sales-order-export');
    await run('customer-deposit-export');
    await netsuiteCycle();
    await run('approve-orders');
  }
}, 300_000);

afterAll(async () => {
  await sim?.stop();
  await cloud?.cleanup();
});

describe('fulfillment both ways, cancellations and invoicing', () => {
  it('orders are approved with their deposits, brokered, and the warehouse allocations sent', async () => {
    for (const id of orderIds) expect((await records(id)).header?.paymentVerified, id).toBe(true);
    await run('broker-orders');
    await run('allocation-update-export');
    const lines = await allLines();
    const at = (pred: (f: string) => boolean) =>
      lines.filter((l) => Object.keys(l.alloc).some(pred));
    expect(at((f) => f.startsWith('WH-')).length).toBeGreaterThan(0);
    expect(at(isStore).length).toBeGreaterThan(2);
  });

  it('a line cancelled after NetSuite has the order is closed there and never allocated again', async () => {
    const lines = await allLines();
    const victim = lines.find(
      (l) => Object.keys(l.alloc).some(isStore) && l.netsuiteLineId !== undefined,
    )!;
    expect(victim).toBeDefined();
    cancelled = { orderId: victim.orderId, lineSeq: victim.lineSeq };
    const result = await cancellations(root()).cancel({
      orderId: victim.orderId,
      lineSeq: victim.lineSeq,
      reason: 'CUSTOMER_REQUEST',
      actor: 'csr:e2e',
      idempotencyKey: 'cancel-e2e-1',
    });
    expect(result.cancelled).toBe(victim.quantity);
    const report = await run<{ rows: number }>('line-close-export');
    expect(report.rows).toBe(1);
  });

  it('scheduling releases what passed its gates; NetSuite fulfils the warehouse lines, the stores ship theirs', async () => {
    await run('schedule-release');
    let lines = await allLines();
    const released = lines.filter((l) => Object.keys(l.releases).length > 0);
    expect(released.length).toBeGreaterThan(0);
    // Store lines are released to the store (3200) and wait for it; none of them is held.
    for (const l of lines.filter((x) =>
      Object.values(x.releases).some((r) => isStore(r.facilityId)),
    ))
      expect(Object.keys(l.holds), l.orderId).toEqual([]);

    await storesWork('r1', { failOnePick: true });
    expect(notFound).toBeDefined();
    // Each store shipment marked its order as awaiting NetSuite's invoice, in the same write.
    const awaiting = new Set((await invoiceStore(root()).awaiting()).map((a) => a.orderId));
    expect(storeShipments.every((x) => awaiting.has(x.orderId))).toBe(true);
    // NetSuite takes the allocations and the close, fulfils (some in two parts), the OMS imports.
    await run('oms-fulfilled-export');
    for (let i = 0; i < 3; i++) {
      await netsuiteCycle();
      await run('broker-orders');
      await run('allocation-update-export');
      await run('schedule-release');
      await storesWork(`r${i + 2}`);
      await run('oms-fulfilled-export');
      await run('line-close-export');
    }
    await netsuiteCycle();
    await netsuiteCycle();
    lines = await allLines();
    const open = lines.filter(
      (l) => (l.buckets[3700] ?? 0) + (l.buckets[9000] ?? 0) !== l.quantity,
    );
    expect(open.map((l) => [l.orderId, l.lineSeq, l.buckets])).toEqual([]);
  });

  it('every line satisfies the lifecycle: buckets, releases, shipments and history agree', async () => {
    for (const id of orderIds) {
      const r = await records(id);
      for (const line of r.lines) {
        const where = `${id}/${line.lineSeq}`;
        expect(lineInvariantViolations(line), where).toEqual([]);
        expect(bucketsFromEvents(r.events).get(line.lineSeq), where).toEqual(line.buckets);
        const releasedQty = Object.values(line.releases).reduce((n, x) => n + x.releasedQty, 0);
        const shipped = Object.values(line.shipments).reduce((n, x) => n + x.quantity, 0);
        expect(shipped, where).toBe(line.buckets[3700] ?? 0);
        // Everything shipped went through a release; releases are all closed now.
        expect(releasedQty, where).toBeGreaterThanOrEqual(shipped);
        for (const rel of Object.values(line.releases)) expect(rel.statusQuantity, where).toBe(0);
        for (const s of Object.values(line.shipments)) {
          expect(['shipped', 'not-found', 'partly-shipped']).toContain(s.status);
          // Store shipments were packed before they shipped.
          if (isStore(s.facilityId) && s.quantity > 0) expect(s.packedAt, where).toBeDefined();
          if (s.quantity > 0) expect(s.trackingNumbers?.length, where).toBeGreaterThan(0);
        }
        // The stored release and shipment rows are the line's.
        const rows = r.releases.filter((x) => x.lineSeq === line.lineSeq);
        expect(rows.map((x) => [x.key, x.statusQuantity]).sort()).toEqual(
          Object.values(line.releases)
            .map((x) => [x.key, x.statusQuantity])
            .sort(),
        );
      }
    }
  });

  it('the store pick that was not found went elsewhere with new release and shipment keys', async () => {
    const line = (await allLines()).find(sameLine(notFound!))!;
    expect(line.rejectedBy).toContain(notFound!.facilityId);
    const r1 = line.releases[`${line.orderId}-${line.lineSeq}-R1`]!;
    const s1 = line.shipments[`${line.orderId}-${line.lineSeq}-S1`]!;
    expect(r1).toMatchObject({ facilityId: notFound!.facilityId, statusQuantity: 0 });
    expect(s1).toMatchObject({
      facilityId: notFound!.facilityId,
      quantity: 0,
      status: 'not-found',
    });
    const later = Object.values(line.shipments).filter((s) => s.key !== s1.key);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((s) => s.facilityId !== notFound!.facilityId)).toBe(true);
    expect(Object.keys(line.releases).length).toBeGreaterThan(1);
    expect(line.buckets).toEqual({ 3700: line.quantity });
    const { events } = await records(line.orderId);
    expect(events.some((e) => e.type === 'backordered' && e.lineSeq === line.lineSeq)).toBe(true);
  });

  it('partial shipments split the buckets on the way and add up in the end', async () => {
    const lines = await allLines();
    const twoParts = lines.filter(
      (l) => Object.values(l.shipments).filter((s) => s.quantity > 0).length >= 2,
    );
    expect(twoParts.length).toBeGreaterThan(0);
    const store = lines.find(sameLine(partlyShippedByStore!))!;
    expect(Object.values(store.shipments).some((s) => s.status === 'shipped')).toBe(true);
    // NetSuite shipped some lines in two fulfillment files.
    const nsTwoParts = sim
      .fulfillments()
      .reduce(
        (m, f) =>
          m.set(
            `${f.hcOrderId}/${f.orderLineId}`,
            (m.get(`${f.hcOrderId}/${f.orderLineId}`) ?? 0) + 1,
          ),
        new Map<string, number>(),
      );
    expect([...nsTwoParts.values()].some((n) => n >= 2)).toBe(true);
  });

  it('NetSuite received one row per store-shipped line, once (hotwax-fulfilled), and the close of the cancelled line', async () => {
    const update = feedById('oms-fulfilled-export');
    const files = sim.received.filter(
      (f) => f.folder === update.folder && f.header.join(',') === update.columns.join(','),
    );
    const rows = files.flatMap((f) => f.rows as string[][]);
    expect(storeShipments.length).toBeGreaterThan(3);
    // NetSuite fulfils a line once: one row per line, with every unit the store shipped.
    const byLine = new Map<string, { facilityId: string; quantity: number }>();
    for (const s of storeShipments) {
      const k = `${s.orderId}/${s.lineSeq}`;
      const seen = byLine.get(k);
      if (seen) expect(seen.facilityId, k).toBe(s.facilityId);
      byLine.set(k, { facilityId: s.facilityId, quantity: (seen?.quantity ?? 0) + s.quantity });
    }
    expect(byLine.size).toBeLessThan(storeShipments.length);
    expect(rows.length).toBe(byLine.size);
    // And NetSuite fulfilled the warehouse lines itself.
    expect(sim.fulfillments().length).toBeGreaterThan(3);
    expect(rows.every((r) => r[5] === 'hotwax-fulfilled')).toBe(true);
    const headers = new Map(
      await Promise.all(orderIds.map(async (id) => [id, (await records(id)).header!] as const)),
    );
    const lines = await allLines();
    for (const [k, shipped] of byLine) {
      const [orderId, lineSeq] = k.split('/') as [string, string];
      const line = lines.find(sameLine({ orderId, lineSeq }))!;
      const nsOrder = headers.get(orderId)!.netsuiteOrderId;
      const location = FACILITIES.find((f) => f.facilityId === shipped.facilityId)!.externalId;
      expect(
        rows.filter((r) => r[0] === line.netsuiteLineId && r[1] === nsOrder),
        k,
      ).toEqual([
        [
          line.netsuiteLineId,
          nsOrder,
          expect.any(String),
          String(shipped.quantity),
          location,
          'hotwax-fulfilled',
        ],
      ]);
      expect(shipped.quantity, k).toBe(line.buckets[3700]);
    }
    const close = feedById('line-close-export');
    const closeRows = sim.received
      .filter((f) => f.folder === close.folder && f.header.join(',') === close.columns.join(','))
      .flatMap((f) => f.rows as string[][]);
    const victim = lines.find(sameLine(cancelled!))!;
    expect(closeRows).toEqual([
      [headers.get(cancelled!.orderId)!.netsuiteOrderId!, victim.netsuiteLineId!, 'true'],
    ]);
    expect(victim.buckets).toEqual({ 9000: victim.quantity });
    // Warehouse allocations only ever named NetSuite-fulfilled locations.
    const alloc = feedById('allocation-update-export');
    const allocRows = sim.received
      .filter((f) => f.folder === alloc.folder && f.header.join(',') === alloc.columns.join(','))
      .flatMap((f) => f.rows as string[][]);
    expect(allocRows.length).toBeGreaterThan(0);
    expect(allocRows.every((r) => r[5] === '101' || r[5] === '102')).toBe(true);
    expect(sim.partialFilesSeen).toEqual([]);
  });

  it('NetSuite invoiced every fully fulfilled order and the invoice report marked them invoiced', async () => {
    const invoices = sim.invoices();
    let invoicedOrders = 0;
    for (const id of orderIds) {
      const { header, lines } = await records(id);
      const shippedAll = lines.every(
        (l) => (l.buckets[3700] ?? 0) + (l.buckets[9000] ?? 0) === l.quantity,
      );
      const anyShipped = lines.some((l) => (l.buckets[3700] ?? 0) > 0);
      const invoiced = Object.values(
        (header as { invoices?: Record<string, unknown> }).invoices ?? {},
      );
      if (shippedAll && anyShipped) expect(invoiced.length, id).toBe(1);
      invoicedOrders += invoiced.length;
    }
    // Every order shipped something (the cancelled line's order has another line, or is the one
    // order NetSuite never invoices because all of it was cancelled).
    expect(invoicedOrders).toBeGreaterThanOrEqual(ORDERS - 1);
    expect(invoices.length).toBe(invoicedOrders);
  });

  it('oms sync status shows the new feeds, and no fully shipped order waits for its invoice', async () => {
    const status = await syncStatus(
      {
        sync: syncStore(root()),
        ledger: new ImportLedger(dynamo(), table('control')),
        invoices: invoiceStore(root()),
        orders: orderRuntime(root()).orders,
      },
      { invoiceOverdueHours: 0 },
    );
    const runs = (feed: string) => status.outbound.find((o) => o.feed === feed)?.runs ?? [];
    const files = (feed: string) => status.inbound.find((o) => o.feed === feed)?.files ?? [];
    expect(runs('oms-fulfilled-export').length).toBeGreaterThan(0);
    expect(runs('line-close-export').length).toBeGreaterThan(0);
    expect(files('fulfillment-csv-import').length).toBeGreaterThan(0);
    expect(files('invoice-import').length).toBeGreaterThan(0);
    // Shipping marked orders as awaiting their invoice; the invoice import cleared every one.
    expect(status.invoices).toMatchObject({ awaiting: 0, overdueTotal: 0 });
  });

  it('the same fulfillment file imported twice changes nothing', async () => {
    const feed = feedById('fulfillment-csv-import');
    const written = sim.written.filter((f) => f.folder === feed.folder);
    expect(written.length).toBeGreaterThan(0);
    // Every row NetSuite wrote was applied (unescaped carriers with commas recovered).
    const ledger = new ImportLedger(dynamo(), table('control'));
    const imported = await ledger.recentFeedRuns(feed.id, 50);
    expect(imported.length).toBe(written.length);
    expect(imported.every((r) => r.rejected === 0)).toBe(true);
    expect(written.some((f) => /, Inc\.|, LLC|, Ltd/.test(f.text))).toBe(true);
    const file = written[0]!;
    const folder = feedPrefix(cloud.sftp.user, feed);
    const before = JSON.stringify(await Promise.all(orderIds.map(records)));
    await feedFiles().writeAtomically(`${folder}${file.name}`, file.text);
    await feedFiles().writeAtomically(`${folder}again-${file.name}`, file.text);
    await cloud.dispatcher.idle();
    expect(JSON.stringify(await Promise.all(orderIds.map(records)))).toBe(before);
    const runs = await ledger.recentFeedRuns(feed.id, 50);
    expect(runs.some((r) => r.key.includes(`again-${file.name}`))).toBe(true);
  });

  it('inventory and reservations balance at the end', async () => {
    const report = await run<ReconcileReport>('reconcile-reservations');
    expect(report.fixed).toEqual([]);
    const { positions } = orderRuntime(root());
    const lines = await allLines();
    for (const p of sample.products) {
      const { figures, positions: pos, reservations } = await positions.sku(p.sku);
      for (const [facilityId] of figures) {
        const rows = reservations
          .filter((r) => r.facilityId === facilityId)
          .reduce((n, r) => n + r.qty, 0);
        // Every unit promised there (shipped ones too) counts until NetSuite's figure reflects
        // it: no snapshot came after the shipments in this test.
        const counted = lines
          .filter((l) => l.sku === p.sku)
          .reduce((n, l) => n + countedAt(l, facilityId), 0);
        expect({ rows, reserved: pos.get(facilityId)?.reserved ?? 0 }).toEqual({
          rows: counted,
          reserved: counted,
        });
      }
    }
  });
});
