/**
 * Brokering, allocation sync and NetSuite's rejection loop, end to end on the local cloud with the
 * NetSuite simulator: approved orders are brokered across a warehouse group and stores, each line
 * whole at one facility; only the warehouse allocations go to NetSuite, with the line's quantity; the East warehouse rejects everything it is sent; those
 * items are brokered again — never back to East — and re-sent with their new location and the
 * rejection flag cleared; reservations and inventory balance at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { netsuiteSample, type Sample } from '../../local/sample/netsuite-sample.ts';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';
import { HOLDS } from '../../shared/domain/lifecycle/holds.ts';
import type { LineState } from '../../shared/domain/lifecycle/line.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import type { ReconcileReport } from '../../shared/jobs/reconcile-reservations.ts';
import { orderRuntime, root, storeFulfillment } from '../../shared/app/root.ts';
import { BrokeringStore } from '../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { FLOW_FACILITIES, loadFlowReferenceData } from '../support/netsuite-flow.ts';

const ORDERS = 40;
let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sim: NetsuiteSimulator;
let sample: Sample;
let clock = new Date('2025-07-02T10:00:00Z');
const orderIds: string[] = [];
/** Lines allocated to East when the allocations were first sent. */
let sentToEast: LineState[] = [];

const FACILITIES = FLOW_FACILITIES;

const run = <T>(job: string) => cloud.scheduler.runNow(job) as Promise<T>;
async function netsuiteCycle() {
  clock = new Date(clock.getTime() + 5 * 60_000);
  await sim.cycle();
  await cloud.dispatcher.idle();
}

const lines = async (): Promise<LineState[]> =>
  (await Promise.all(orderIds.map((id) => orderRuntime(root()).orders.order(id)))).flatMap(
    (o) => o.lines,
  );

beforeAll(async () => {
  cloud = await startTestCloud();
  sample = netsuiteSample({
    orders: ORDERS,
    customers: 15,
    products: 6,
    maxLines: 2,
    seed: 11,
    prefix: 'B',
  });
  await loadFlowReferenceData(sample, { 'WH-EAST': 8, 'WH-WEST': 8, 'STORE-A': 6, 'STORE-B': 6 });

  sim = new NetsuiteSimulator({
    host: '127.0.0.1',
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
    rejectingLocations: ['101'],
  });
  sim.seedItems(sample.products.map((p) => ({ itemId: p.itemId, sku: p.sku })));
  for (const o of sample.orders) {
    const r = await orderRuntime(root()).intake.submit(o, { source: 'test', actor: 'test' });
    if (r.status !== 'created') throw new Error(r.status);
    orderIds.push(r.orderId);
  }
  // The NetSuite sync until every order is approved.
  for (let i = 0; i < 3; i++) {
    await run('customer-export');
    await run('sales-order-export');
    await netsuiteCycle();
    await run('approve-orders');
  }
}, 300_000);

afterAll(async () => {
  await sim?.stop();
  await cloud?.cleanup();
});

describe('brokering, allocation sync and the rejection loop', () => {
  it('every order is approved and waits in the brokering queue', async () => {
    const all = await lines();
    expect(all.every((l) => !l.holds[HOLDS.AWAITING_NETSUITE_IDS])).toBe(true);
    const queue = await new BrokeringStore(dynamo(), table('control')).queue(BROKERING_QUEUE);
    expect(queue.map((e) => e.orderId).sort()).toEqual([...orderIds].sort());
  });

  it('brokers warehouses first, then stores; only warehouse allocations go to NetSuite', async () => {
    const { runs } = await run<{ runs: { allocatedUnits: number; failed: unknown[] }[] }>(
      'broker-orders',
    );
    expect(runs[0]!.failed).toEqual([]);
    expect(runs[0]!.allocatedUnits).toBeGreaterThan(0);
    const all = await lines();
    const at = (f: string) => all.filter((l) => (l.alloc[f]?.[1200] ?? 0) > 0);
    expect(at('WH-EAST').length).toBeGreaterThan(0);
    expect(at('STORE-A').length + at('STORE-B').length).toBeGreaterThan(0);

    sentToEast = at('WH-EAST');
    const sent = await run<{ rows: number }>('allocation-update-export');
    expect(sent.rows).toBe(at('WH-EAST').length + at('WH-WEST').length);
    await netsuiteCycle();
    const files = sim.received.filter(
      (f) => f.folder === feedById('allocation-update-export').folder,
    );
    const rows = files.flatMap((f) => f.rows as string[][]);
    expect(
      files.every(
        (f) => f.header.join(',') === feedById('allocation-update-export').columns.join(','),
      ),
    ).toBe(true);
    const locations = new Set(rows.map((r) => r[5]));
    expect([...locations].every((l) => l === '101' || l === '102')).toBe(true);
    // NetSuite holds one location per line: every line went whole to one facility, and its row
    // carries the line's quantity (it overwrites NetSuite's line quantity).
    const headers = new Map(
      await Promise.all(
        orderIds.map(
          async (id) => [id, (await orderRuntime(root()).orders.order(id)).header!] as const,
        ),
      ),
    );
    for (const l of all) {
      const where = Object.entries(l.alloc).filter(([, a]) => (a[1200] ?? 0) > 0);
      expect(where.length, `${l.orderId}/${l.lineSeq}`).toBeLessThanOrEqual(1);
      if (where.length) expect(where[0]![1][1200], `${l.orderId}/${l.lineSeq}`).toBe(l.quantity);
      const row = rows.find(
        (r) => r[1] === headers.get(l.orderId)!.netsuiteOrderId && r[0] === l.netsuiteLineId,
      );
      if (row) expect(row[4], `${l.orderId}/${l.lineSeq}`).toBe(String(l.quantity));
    }
    expect(all.some((l) => l.quantity > 1 && (l.buckets[1200] ?? 0) === l.quantity)).toBe(true);
    // Store items wait in the stores' fulfillment queues instead.
    const brokering = new BrokeringStore(dynamo(), table('control'));
    const storeItems = [
      ...(await brokering.storeQueue('STORE-A')),
      ...(await brokering.storeQueue('STORE-B')),
    ];
    expect(storeItems.length).toBe(at('STORE-A').length + at('STORE-B').length);
    // Each decision is kept for `oms broker explain` (stored gzipped), newest first.
    const [kept] = await brokering.explanations(orderIds[0]!);
    expect(kept?.explanation).toMatchObject({
      orderId: orderIds[0],
      explanation: { routings: [expect.objectContaining({ routing: 'Everything' })] },
    });
  });

  it("East's rejections are brokered again elsewhere, never to East, and re-sent with rejected=false", async () => {
    const rejectedBefore = sentToEast;
    expect(rejectedBefore.length).toBeGreaterThan(0);
    // The rejection file came back in the last cycle and was imported.
    let all = await lines();
    for (const l of rejectedBefore) {
      const now = all.find((x) => x.orderId === l.orderId && x.lineSeq === l.lineSeq)!;
      expect(now.rejectedBy).toContain('WH-EAST');
      expect(now.alloc['WH-EAST']?.[1200] ?? 0).toBe(0);
      expect(now.buckets[1400]).toBe(l.quantity);
    }
    await run('broker-orders');
    all = await lines();
    for (const l of all)
      expect(l.alloc['WH-EAST']?.[1200] ?? 0, l.lineSeq).toBe(
        l.rejectedBy.includes('WH-EAST') ? 0 : (l.alloc['WH-EAST']?.[1200] ?? 0),
      );
    const reallocated = rejectedBefore
      .map((l) => all.find((x) => x.orderId === l.orderId && x.lineSeq === l.lineSeq)!)
      .filter((l) => (l.buckets[1200] ?? 0) > 0);
    expect(reallocated.length).toBeGreaterThan(0);
    const before = sim.received.length;
    await run('allocation-update-export');
    await netsuiteCycle();
    const resent = sim.received
      .slice(before)
      .filter((f) => f.folder === feedById('allocation-update-export').folder)
      .flatMap((f) => f.rows as string[][]);
    // Rows for the rejected lines now at West say so and clear NetSuite's flag; nothing goes to
    // East for a line East rejected.
    const headers = new Map(
      await Promise.all(
        orderIds.map(
          async (id) => [id, (await orderRuntime(root()).orders.order(id)).header!] as const,
        ),
      ),
    );
    const toWest = reallocated.filter((l) => (l.alloc['WH-WEST']?.[1200] ?? 0) > 0);
    expect(toWest.length).toBeGreaterThan(0);
    for (const l of toWest) {
      const row = resent.find(
        (r) => r[1] === headers.get(l.orderId)!.netsuiteOrderId && r[0] === l.netsuiteLineId,
      );
      expect(row, `${l.orderId} ${l.lineSeq}`).toBeDefined();
      expect(row![5]).toBe('102');
      expect(row![14]).toBe('false');
    }
    for (const r of resent) {
      const line = all.find(
        (l) => headers.get(l.orderId)!.netsuiteOrderId === r[1] && l.netsuiteLineId === r[0],
      )!;
      if (r[5] === '101') expect(line.rejectedBy).not.toContain('WH-EAST');
    }
  });

  it('a store rejecting with VAR_DAMAGED re-brokers the item and pushes the inventory adjustment', async () => {
    const brokering = new BrokeringStore(dynamo(), table('control'));
    const [item] = [
      ...(await brokering.storeQueue('STORE-A')),
      ...(await brokering.storeQueue('STORE-B')),
    ];
    expect(item).toBeDefined();
    const before = await orderRuntime(root()).positions.sku(item!.sku);
    const nsBefore = before.figures.get(item!.facilityId)!;
    const result = await storeFulfillment(root()).rejectStoreItem({
      facilityId: item!.facilityId,
      orderId: item!.orderId,
      lineSeq: item!.lineSeq,
      reason: 'VAR_DAMANGED',
      comments: 'box crushed',
      actor: 'store:test',
      idempotencyKey: 'e2e-damaged-1',
    });
    expect(result.reason).toBe('VAR_DAMAGED');
    const line = (await lines()).find(
      (l) => l.orderId === item!.orderId && l.lineSeq === item!.lineSeq,
    )!;
    expect(line.rejectedBy).toContain(item!.facilityId);
    expect(line.alloc[item!.facilityId]?.[1200] ?? 0).toBe(0);
    // NetSuite's figure stays NetSuite's; the damaged units are held until it reflects them.
    const after = await orderRuntime(root()).positions.sku(item!.sku);
    expect(after.figures.get(item!.facilityId)).toBe(nsBefore);
    expect(after.holds).toEqual([
      expect.objectContaining({
        facilityId: item!.facilityId,
        adjustmentId: result.adjustment!.adjustmentId,
        qty: result.quantity,
      }),
    ]);
    const report = await run<{ files: string[]; rows: number }>('inventory-adjustment-export');
    expect(report.rows).toBe(1);
    const folder = feedPrefix(cloud.sftp.user, feedById('inventory-adjustment-export'));
    const text = (await feedFiles().readText(`${folder}${report.files[0]}`))!;
    const [header, row] = text.trimEnd().split('\n');
    expect(header).toBe(feedById('inventory-adjustment-export').columns.join(','));
    const facility = FACILITIES.find((f) => f.facilityId === item!.facilityId)!;
    const product = sample.products.find((p) => p.sku === item!.sku)!;
    const cells = row!.split(',');
    expect(cells[2]).toBe(product.itemId);
    expect(cells[3]).toBe(String(-result.quantity));
    expect(cells[4]).toBe(facility.externalId);
    // The item goes back to brokering, never to the store that rejected it.
    await run('broker-orders');
    const rebrokered = (await lines()).find(
      (l) => l.orderId === item!.orderId && l.lineSeq === item!.lineSeq,
    )!;
    expect(rebrokered.alloc[item!.facilityId]?.[1200] ?? 0).toBe(0);
  });

  it('rejection rows for items already re-brokered, or repeated, change nothing; reservations balance', async () => {
    // NetSuite keeps rejecting what East is sent; the loop ends when nothing is at East.
    for (let i = 0; i < 4; i++) {
      await run('broker-orders');
      await run('allocation-update-export');
      await netsuiteCycle();
    }
    const all = await lines();
    for (const l of all) {
      if (l.rejectedBy.includes('WH-EAST')) expect(l.alloc['WH-EAST']?.[1200] ?? 0).toBe(0);
    }
    // NetSuite repeated its boundary row in later files: skipped.
    const ledger = new ImportLedger(dynamo(), table('control'));
    const files = await ledger.recentFeedRuns('rejected-item-import', 20);
    expect(files.some((f) => (f.stats?.repeated ?? 0) > 0)).toBe(true);
    // Rows for items East rejected that now sit at a store or wait backordered: nothing to do.
    const elsewhere = all.filter(
      (l) =>
        l.rejectedBy.includes('WH-EAST') &&
        !Object.keys(l.alloc).some((f) => f.startsWith('WH-') && (l.alloc[f]?.[1200] ?? 0) > 0),
    );
    expect(elsewhere.length).toBeGreaterThan(0);
    const folder = feedPrefix(cloud.sftp.user, feedById('rejected-item-import'));
    const text = [
      'orderId,orderItemSeqId,rejectionComments,rejectionReason',
      ...elsewhere.map((l) => `${l.orderId},${l.lineSeq},Not found in bin, location 101,`),
      '',
    ].join('\n');
    const before = JSON.stringify(await lines());
    await feedFiles().writeAtomically(`${folder}again.csv`, text);
    await cloud.dispatcher.idle();
    expect(JSON.stringify(await lines())).toBe(before);
    const [again] = await ledger.recentFeedRuns('rejected-item-import', 1);
    expect(again).toMatchObject({ rows: elsewhere.length, rejected: 0 });
    expect(again!.stats?.alreadyRebrokered).toBe(elsewhere.length);
    const report = await run<ReconcileReport>('reconcile-reservations');
    expect(report.fixed).toEqual([]);
    const { positions } = orderRuntime(root());
    for (const p of sample.products) {
      const { figures, positions: pos, reservations, holds } = await positions.sku(p.sku);
      for (const [facilityId, nsQty] of figures) {
        // Reservation rows and adjustment holds (the damaged units) make up reserved.
        const reserved = [...reservations, ...holds]
          .filter((r) => r.facilityId === facilityId)
          .reduce((n, r) => n + r.qty, 0);
        expect(pos.get(facilityId)?.reserved ?? 0).toBe(reserved);
        expect(reserved).toBeLessThanOrEqual(nsQty);
      }
    }
  });
});
