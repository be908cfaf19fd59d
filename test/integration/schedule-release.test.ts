/**
 * The schedule-and-release job on the local cloud: orders in the release queue are scheduled
 * (1200 → 1500, ship date and carrier on the line) and released (1500 → 3200, a release key) when
 * every release gate passes; a NetSuite warehouse's quantity only once its allocation update was
 * written. Without the customer deposit in NetSuite a line stays in 1500 with the gate hold
 * DEPOSIT_NOT_IN_NETSUITE and its reason (shown by `oms order show`), a retry writes nothing, and
 * the line is released by the first run after the deposit id came back. Runs are idempotent, two
 * runs never overlap (lease lock), and two runs at once release once. A NetSuite rejection of a
 * released (or scheduled) line takes it to 1400 and back to brokering, the release closed at 0.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import type { LineState } from '../../shared/domain/lifecycle/line.ts';
import {
  allocationEntryId,
  NETSUITE_FULFILLED,
  type AllocationPayload,
} from '../../shared/domain/sync/allocation-rows.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import {
  brokeringStore,
  mappingStore,
  orderRuntime,
  releaseQueueStore,
  root,
  scheduleReleaseDeps,
  scheduleReleaseLock,
  syncStore,
} from '../../shared/app/root.ts';
import { DEPOSIT_NOT_IN_NETSUITE, depositGate } from '../../shared/fulfillment/release-gates.ts';
import {
  FULL_LOOK_MS,
  scheduleAndRelease,
  type ScheduleReleaseReport,
} from '../../shared/fulfillment/schedule-release.ts';
import {
  nextAttemptAt,
  parseShippingRules,
  scheduleFor,
} from '../../shared/fulfillment/schedule-release-rules.ts';
import { OrderService } from '../../shared/orders/order-service.ts';
import { orderView } from '../../shared/orders/order-view.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import { releaseQueuePutItems } from '../../shared/store/release-queue-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import { releaseGates } from '../../shared/fulfillment/release-gates.ts';
import { renderOrder } from '../../local/cli/commands/orders.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const WAREHOUSE = 'SR-WH1';
const STORE = 'SR-STORE1';
const SKU = 'SR-REL-SKU';
/** A SKU the product registry lacks: its NetSuite item id is known from the snapshot only. */
const SNAPSHOT_SKU = 'SR-SNAP-SKU';
const ZONE = 'Pacific/Auckland';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const savedEnv = { ...process.env };

const facilities: Facility[] = [
  {
    facilityId: WAREHOUSE,
    externalId: '13',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
  { facilityId: STORE, externalId: '21', name: 'Store 1', kind: 'store', groups: ['STORES'] },
];

/** An approved order of `quantity` units allocated at `facilityId` as brokering does it. */
async function allocatedOrder(facilityId: string, quantity: number, sku = SKU): Promise<string> {
  const { intake, service } = orderRuntime(root());
  const created = await intake.submit(
    sampleOrder({}, [{ sku, quantity, price: 10, shippingMethod: 'STANDARD' }]),
    { source: 'test', actor: 'test' },
  );
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  await service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: `5${orderId.replace(/\D/g, '').slice(-6)}`,
    lineIds: { '00001': '1' },
    idempotencyKey: `ids-${orderId}`,
    actor: 'test',
  });
  const payload: AllocationPayload = {
    orderId,
    lineSeq: '00001',
    facilityId,
    afterRejection: false,
  };
  const at = new Date().toISOString();
  await service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId,
    idempotencyKey: `alloc-${orderId}`,
    actor: 'brokering',
    linked:
      facilityId === WAREHOUSE
        ? [
            {
              label: 'linked:allocation-outbox',
              item: syncStore(root()).outboxPut(
                'allocation',
                allocationEntryId(payload),
                payload,
                at,
              ),
            },
          ]
        : [],
  });
  return orderId;
}

/** Queues orders for release with the BatchWrite items brokering writes. */
async function enqueue(...orderIds: string[]): Promise<void> {
  const writer = new BatchWriter({
    client: dynamo(),
    table: table('control'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const orderId of orderIds) {
    const header = (await orderRuntime(root()).orders.getHeader(orderId))!;
    for (const item of releaseQueuePutItems({
      orderId,
      orderDate: header.date,
      enqueuedAt: new Date().toISOString(),
      reason: 'allocated by test',
    })) {
      await writer.put(item);
    }
  }
  await writer.flush();
}

/** The customer deposit comes back from NetSuite (the id file) and the approval job records it. */
async function depositArrives(orderId: string, depositId: string): Promise<void> {
  const header = (await orderRuntime(root()).orders.getHeader(orderId))!;
  const folder = feedPrefix(cloud.sftp.user, feedById('deposit-id-import'));
  const rows = header.payments.map((p) => `${orderId},${depositId},${p.reference}`);
  await feedFiles().writeAtomically(
    `${folder}deposits-${orderId}.csv`,
    ['orderId,internalId,manualRefNumber', ...rows, ''].join('\n'),
  );
  await cloud.dispatcher.idle();
  await cloud.scheduler.runNow('approve-orders');
}

const run = () => cloud.scheduler.runNow('schedule-release') as Promise<ScheduleReleaseReport>;
const exportAllocations = () =>
  cloud.scheduler.runNow('allocation-update-export') as Promise<ExportReport>;
const order = (orderId: string) => orderRuntime(root()).orders.order(orderId);
const line = async (orderId: string): Promise<LineState> => (await order(orderId)).lines[0]!;
const queued = async () => (await releaseQueueStore(root()).entries()).map((e) => e.orderId);
const queueEntry = async (orderId: string) =>
  (await releaseQueueStore(root()).entries()).find((e) => e.orderId === orderId);
const reservedAt = async (facilityId: string) =>
  (await orderRuntime(root()).positions.facility(SKU, facilityId)).position.reserved;
const inBrokeringQueue = async (orderId: string) =>
  (await brokeringStore(root()).queue(BROKERING_QUEUE)).some((e) => e.orderId === orderId);
/** What NetSuite would see in ship-date terms: the calendar day in the OMS zone, plus `days`. */
const dayIn = (zone: string, days: number) => {
  const today = new Date().toLocaleDateString('en-CA', { timeZone: zone });
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
};

beforeAll(async () => {
  process.env.OMS_SHIPPING_METHODS = JSON.stringify({ STANDARD: { carrier: 'UPS', leadDays: 2 } });
  process.env.OMS_TIME_ZONE = ZONE;
  cloud = await startTestCloud();
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const f of facilities) {
    await inventory.put(
      snapshotItem(
        { sku: SKU, facilityId: f.facilityId, availableQty: 50, itemId: '601' },
        { file: 'snapshot.csv', importedAt: new Date().toISOString() },
      ),
    );
  }
  await inventory.put(
    snapshotItem(
      { sku: SNAPSHOT_SKU, facilityId: WAREHOUSE, availableQty: 5, itemId: '611' },
      { file: 'snapshot.csv', importedAt: new Date().toISOString() },
    ),
  );
  await inventory.flush();
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const item of productItems(
    { sku: SKU, itemId: '601' },
    { file: 'test', importedAt: new Date().toISOString() },
  )) {
    await products.put(item);
  }
  await products.flush();
  await mappingStore(root()).save([{ kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' }]);
}, 120_000);

afterAll(async () => {
  await cloud?.cleanup();
  for (const k of ['OMS_SHIPPING_METHODS', 'OMS_TIME_ZONE']) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

describe('schedule and release', () => {
  let warehouse: string;
  let store: string;
  let noDeposit: string;

  it('schedules with ship date and carrier; releases store quantity at once and warehouse quantity once its allocation was sent', async () => {
    warehouse = await allocatedOrder(WAREHOUSE, 2);
    store = await allocatedOrder(STORE, 1);
    await depositArrives(warehouse, 'D-1');
    await depositArrives(store, 'D-2');
    expect((await orderRuntime(root()).orders.getHeader(warehouse))?.paymentVerified).toBe(true);
    await enqueue(warehouse, store);
    expect((await queued()).sort()).toEqual([warehouse, store].sort());

    const expected = [dayIn(ZONE, 2)];
    const first = await run();
    expected.push(dayIn(ZONE, 2));
    expect(first).toMatchObject({
      busy: false,
      orders: 2,
      scheduledLines: 2,
      scheduledUnits: 3,
      releasedLines: 1,
      releasedUnits: 1,
      heldLines: 0,
      awaitingAllocationSync: 1,
      dequeued: 1,
      failed: [],
    });

    // The store's line: scheduled, then released with a release key; its reservation released.
    const s = await line(store);
    expect(s.buckets).toEqual({ 3200: 1 });
    expect(Object.keys(s.releases)).toEqual([`${store}-00001-R1`]);
    expect(s.releases[`${store}-00001-R1`]).toMatchObject({
      facilityId: STORE,
      releasedQty: 1,
      statusQuantity: 1,
    });
    expect(s.schedules?.[STORE]).toMatchObject({ carrier: 'UPS', shippingMethod: 'STANDARD' });
    expect(expected).toContain(s.schedules?.[STORE]?.shipDate);
    // Released, the unit stays promised at the store until NetSuite's figure reflects it.
    expect(await reservedAt(STORE)).toBe(1);

    // The warehouse's line: scheduled (still reserved), waiting for the allocation update.
    const w = await line(warehouse);
    expect(w.buckets).toEqual({ 1500: 2 });
    expect(w.alloc).toEqual({ [WAREHOUSE]: { 1500: 2 } });
    expect(w.schedules?.[WAREHOUSE]).toMatchObject({ carrier: 'UPS', shippingMethod: 'STANDARD' });
    expect(expected).toContain(w.schedules?.[WAREHOUSE]?.shipDate);
    expect(await reservedAt(WAREHOUSE)).toBe(2);
    expect(await queued()).toEqual([warehouse]);
    const waiting = await queueEntry(warehouse);
    expect(waiting).toMatchObject({
      waitingFor: 'allocation sync',
      awaiting: [
        allocationEntryId({ orderId: warehouse, lineSeq: '00001', facilityId: WAREHOUSE }),
      ],
    });
    // While its allocation update is unsent, a run does not read the order again (nor write it).
    expect(await run()).toMatchObject({ queued: 1, orders: 0, stillAwaitingSync: 1 });
    expect(await queueEntry(warehouse)).toEqual(waiting);

    // The allocation update sends the scheduled quantity to NetSuite; then the release goes.
    const sent = await exportAllocations();
    const folder = feedPrefix(cloud.sftp.user, feedById('allocation-update-export'));
    const rows = parse((await feedFiles().readText(`${folder}${sent.files[0]}`))!, {
      columns: true,
    }) as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ quantity: '2', location: '13' })]);
    const second = await run();
    expect(second).toMatchObject({
      orders: 1,
      scheduledLines: 0,
      releasedLines: 1,
      releasedUnits: 2,
      awaitingAllocationSync: 0,
      dequeued: 1,
    });
    const released = await line(warehouse);
    expect(released.buckets).toEqual({ 3200: 2 });
    expect(released.alloc).toEqual({});
    expect(released.releases[`${warehouse}-00001-R1`]).toMatchObject({
      facilityId: WAREHOUSE,
      statusQuantity: 2,
    });
    expect(await reservedAt(WAREHOUSE)).toBe(2);
    expect(await queued()).toEqual([]);
    const history = (await order(warehouse)).events.filter((e) => e.actor === 'schedule-release');
    expect(history.map((e) => [e.from, e.to, e.quantity])).toEqual([
      [1200, 1500, 2],
      [1500, 3200, 2],
    ]);
  });

  it('without the deposit in NetSuite: held in 1500 with DEPOSIT_NOT_IN_NETSUITE and why; a retry writes nothing', async () => {
    noDeposit = await allocatedOrder(WAREHOUSE, 1);
    await exportAllocations();
    await enqueue(noDeposit);
    const report = await run();
    expect(report).toMatchObject({
      orders: 1,
      scheduledLines: 1,
      releasedLines: 0,
      heldLines: 1,
      held: { [DEPOSIT_NOT_IN_NETSUITE]: 1 },
      dequeued: 0,
    });
    const l = await line(noDeposit);
    expect(l.buckets).toEqual({ 1500: 1 });
    expect(l.alloc).toEqual({ [WAREHOUSE]: { 1500: 1 } });
    const payment = (await orderRuntime(root()).orders.getHeader(noDeposit))!.payments[0]!
      .reference;
    expect(l.holds[DEPOSIT_NOT_IN_NETSUITE]).toMatchObject({
      kind: 'gate',
      reason: `the customer deposit is not in NetSuite yet: no deposit id came back for payment ${payment}`,
    });
    expect(Object.values(l.releases)).toEqual([]);
    // `oms order show` lists the hold with its reason.
    const shown = renderOrder(orderView(noDeposit, await order(noDeposit)));
    expect(shown).toContain(DEPOSIT_NOT_IN_NETSUITE);
    expect(shown).toContain(`no deposit id came back for payment ${payment}`);
    const entry = await queueEntry(noDeposit);
    expect(entry).toMatchObject({ attempts: 1, waitingFor: DEPOSIT_NOT_IN_NETSUITE });
    expect(entry?.heldSince).toBeDefined();

    // The next run looks again, finds the same reason and writes nothing to the order.
    const before = JSON.stringify(await order(noDeposit));
    const again = await run();
    expect(again).toMatchObject({ orders: 1, heldLines: 1, scheduledLines: 0, releasedLines: 0 });
    expect(JSON.stringify(await order(noDeposit))).toBe(before);
    expect(await queueEntry(noDeposit)).toMatchObject({
      attempts: 2,
      heldSince: entry?.heldSince,
    });
  });

  it('is released by the first run after the deposit id came back; the gate hold is lifted', async () => {
    await depositArrives(noDeposit, 'D-3');
    const report = await run();
    expect(report).toMatchObject({ releasedLines: 1, releasedUnits: 1, heldLines: 0, dequeued: 1 });
    const l = await line(noDeposit);
    expect(l.buckets).toEqual({ 3200: 1 });
    expect(l.holds).toEqual({});
    expect(l.releases[`${noDeposit}-00001-R1`]).toMatchObject({ statusQuantity: 1 });
    expect(await queued()).toEqual([]);
  });

  it('a run with nothing to do, or an order queued again after its release, changes nothing', async () => {
    const ids = [warehouse, store, noDeposit];
    const before = JSON.stringify(await Promise.all(ids.map(order)));
    expect(await run()).toMatchObject({ queued: 0, orders: 0 });
    await enqueue(...ids);
    expect(await run()).toMatchObject({
      orders: 3,
      scheduledLines: 0,
      releasedLines: 0,
      dequeued: 3,
    });
    expect(JSON.stringify(await Promise.all(ids.map(order)))).toBe(before);
    expect(await queued()).toEqual([]);
  });

  it('never runs twice at once: a run finding the lock taken does nothing', async () => {
    const orderId = await allocatedOrder(STORE, 1);
    await depositArrives(orderId, 'D-4');
    await enqueue(orderId);
    const lock = scheduleReleaseLock(root());
    await lock.acquire('someone-else', 60_000);
    try {
      expect(await run()).toMatchObject({ busy: true, orders: 0 });
      expect((await line(orderId)).buckets).toEqual({ 1200: 1 });
    } finally {
      await lock.release('someone-else', true);
    }
    expect(await run()).toMatchObject({ busy: false, releasedLines: 1 });
    expect((await line(orderId)).buckets).toEqual({ 3200: 1 });
  });

  it('two runs at once (lock aside, separate services and caches) schedule and release once', async () => {
    const orderIds = [await allocatedOrder(STORE, 1), await allocatedOrder(STORE, 2)];
    for (const [i, id] of orderIds.entries()) await depositArrives(id, `D-5${i}`);
    await enqueue(...orderIds);
    const { orders, positions } = orderRuntime(root());
    const runner = () =>
      scheduleAndRelease(
        scheduleReleaseDeps(root(), {
          service: new OrderService({
            orders,
            positions,
            cache: new StateCache(),
            gates: releaseGates(),
          }),
          cache: undefined,
          lock: {
            acquire: async () => ({}),
            renew: async () => undefined,
            release: async () => undefined,
          },
        }),
      );
    const reports = await Promise.all([runner(), runner(), runner()]);
    expect(reports.flatMap((r) => r.failed)).toEqual([]);
    for (const id of orderIds) {
      const { lines, events } = await order(id);
      expect(lines[0]!.buckets).toEqual({ 3200: lines[0]!.quantity });
      expect(Object.keys(lines[0]!.releases)).toEqual([`${id}-00001-R1`]);
      const moves = events.filter((e) => e.actor === 'schedule-release');
      expect(moves.map((e) => `${e.from}→${e.to}`)).toEqual(['1200→1500', '1500→3200']);
    }
    expect(await queued()).toEqual([]);
  });

  it('an order waiting only for its allocation update is read again when queued again, and an hour after its last look', async () => {
    const orderId = await allocatedOrder(WAREHOUSE, 1);
    await depositArrives(orderId, 'D-6');
    await enqueue(orderId);
    expect(await run()).toMatchObject({ orders: 1, scheduledLines: 1, awaitingAllocationSync: 1 });
    expect(await run()).toMatchObject({ orders: 0, stillAwaitingSync: 1 });
    // A new allocation writes a fresh entry: the next run reads the order.
    await enqueue(orderId);
    expect(await run()).toMatchObject({
      orders: 1,
      awaitingAllocationSync: 1,
      stillAwaitingSync: 0,
    });
    expect(await run()).toMatchObject({ orders: 0, stillAwaitingSync: 1 });
    // A line changed (a hold placed by hand, no new entry): the next run reads the order.
    await orderRuntime(root()).service.addHold({
      orderId,
      lineSeq: '00001',
      code: 'CHECK',
      holdReason: 'checked by hand',
      idempotencyKey: `hold-${orderId}`,
      actor: 'test',
    });
    expect(await run()).toMatchObject({ orders: 1, onHold: 1, stillAwaitingSync: 0 });
    await orderRuntime(root()).service.liftHold({
      orderId,
      lineSeq: '00001',
      code: 'CHECK',
      idempotencyKey: `lift-${orderId}`,
      actor: 'test',
    });
    expect(await run()).toMatchObject({ orders: 1, awaitingAllocationSync: 1 });
    expect(await run()).toMatchObject({ orders: 0, stillAwaitingSync: 1 });
    // An hour after its last look it is read whatever the outbox says.
    const later = new Date(Date.now() + FULL_LOOK_MS + 60_000);
    expect(
      await scheduleAndRelease(scheduleReleaseDeps(root(), { now: () => later })),
    ).toMatchObject({ orders: 1, awaitingAllocationSync: 1, stillAwaitingSync: 0 });
    // Once the update is written, the next run (its next attempt is due then) releases it.
    await exportAllocations();
    expect(
      await scheduleAndRelease(scheduleReleaseDeps(root(), { now: () => later })),
    ).toMatchObject({ orders: 1, releasedLines: 1, dequeued: 1 });
    expect((await line(orderId)).buckets).toEqual({ 3200: 1 });
  });
});

describe('the allocation update for a SKU the product registry lacks', () => {
  it("takes the NetSuite item id from the inventory snapshot's idValue, as the sales order export does", async () => {
    const orderId = await allocatedOrder(WAREHOUSE, 2, SNAPSHOT_SKU);
    const report = await exportAllocations();
    expect(report.held.filter((h) => h.id.startsWith(orderId))).toEqual([]);
    const folder = feedPrefix(cloud.sftp.user, feedById('allocation-update-export'));
    const rows = (
      await Promise.all(
        report.files.map(
          async (f) =>
            parse((await feedFiles().readText(`${folder}${f}`))!, { columns: true }) as Record<
              string,
              string
            >[],
        ),
      )
    ).flat();
    expect(rows.filter((r) => r.internalId === `5${orderId.replace(/\D/g, '').slice(-6)}`)).toEqual(
      [expect.objectContaining({ item: '611', quantity: '2', location: '13' })],
    );
  });
});

describe('NetSuite rejections of released and scheduled quantity', () => {
  const rejectFile = async (name: string, rows: string[]) => {
    const folder = feedPrefix(cloud.sftp.user, feedById('rejected-item-import'));
    await feedFiles().writeAtomically(
      `${folder}${name}`,
      ['orderId,orderItemSeqId,rejectionComments,rejectionReason', ...rows, ''].join('\n'),
    );
    await cloud.dispatcher.idle();
  };
  let released: string;
  let scheduled: string;

  it('a released line goes to 1400 and back to brokering; its release closes at 0', async () => {
    released = await allocatedOrder(WAREHOUSE, 2);
    scheduled = await allocatedOrder(WAREHOUSE, 1);
    await depositArrives(released, 'D-6');
    await exportAllocations();
    await enqueue(released, scheduled);
    await run();
    expect((await line(released)).buckets).toEqual({ 3200: 2 });
    expect((await line(scheduled)).buckets).toEqual({ 1500: 1 });
    const reservedBefore = await reservedAt(WAREHOUSE);

    await rejectFile('rejections-1.csv', [
      `${released},00001,Not found in bin, location 13,NOT_IN_STOCK`,
      `${scheduled},00001,Damaged,`,
    ]);
    const [file] = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(
      'rejected-item-import',
      1,
    );
    expect(file).toMatchObject({ rows: 2, rejected: 0 });
    expect(file?.stats).toMatchObject({ released: 2, fromReleased: 1 });

    const r = await line(released);
    expect(r.buckets).toEqual({ 1400: 2 });
    expect(r.rejectedBy).toEqual([WAREHOUSE]);
    expect(r.releases[`${released}-00001-R1`]).toMatchObject({
      statusQuantity: 0,
      releasedQty: 2,
    });
    expect(r.releases[`${released}-00001-R1`]?.closedAt).toBeDefined();
    expect(await inBrokeringQueue(released)).toBe(true);

    // The scheduled line: 1500 → 1200 → 1400 in one write, its reservation released.
    const s = await line(scheduled);
    expect(s.buckets).toEqual({ 1400: 1 });
    expect(s.alloc).toEqual({});
    expect(s.rejectedBy).toEqual([WAREHOUSE]);
    expect(await inBrokeringQueue(scheduled)).toBe(true);
    // Both lines left the warehouse: the released units (2) and the scheduled one (1) no longer
    // count there.
    expect(await reservedAt(WAREHOUSE)).toBe(reservedBefore - 3);

    // The scheduled order leaves the release queue at the next run: nothing of it is allocated.
    // (Its entry says it waited for its allocation update, still unsent; but its line changed, so
    // the run reads it.)
    expect(await run()).toMatchObject({ dequeued: 1, releasedLines: 0, scheduledLines: 0 });
    expect(await queued()).toEqual([]);
  });

  it('the same rows again change nothing', async () => {
    const before = JSON.stringify([await order(released), await order(scheduled)]);
    await rejectFile('rejections-2.csv', [
      `${released},00001,Not found in bin, location 13,NOT_IN_STOCK`,
      `${scheduled},00001,Damaged,`,
    ]);
    expect(JSON.stringify([await order(released), await order(scheduled)])).toBe(before);
  });
});

describe('rules', () => {
  it('ship date from the zone and lead days, carrier from the shipping method', () => {
    const rules = parseShippingRules('{"EXPRESS":{"carrier":"FedEx","leadDays":1},"PICKUP":{}}');
    const now = new Date('2025-07-02T13:00:00Z'); // 3 July 01:00 in Auckland
    expect(scheduleFor('EXPRESS', rules, now, 'Pacific/Auckland')).toEqual({
      shipDate: '2025-07-04',
      carrier: 'FedEx',
      shippingMethod: 'EXPRESS',
    });
    expect(scheduleFor('UPS_GROUND', rules, now, 'UTC')).toEqual({
      shipDate: '2025-07-02',
      carrier: 'UPS_GROUND',
      shippingMethod: 'UPS_GROUND',
    });
    expect(scheduleFor(undefined, rules, now, 'America/New_York')).toEqual({
      shipDate: '2025-07-02',
    });
    expect(() => parseShippingRules('{"X":{"leadDays":-1}}')).toThrow(/X\.leadDays/);
    expect(() => parseShippingRules('{"X":{"carier":"UPS"}}')).toThrow(/unknown field/);
    expect(() => parseShippingRules('[1]')).toThrow(/must be an object/);
  });

  it('held orders are retried every run for a day, then hourly', () => {
    const now = new Date('2025-07-02T12:00:00Z');
    expect(nextAttemptAt(now, undefined)).toBe(now.toISOString());
    expect(nextAttemptAt(now, '2025-07-02T00:00:00Z')).toBe(now.toISOString());
    expect(nextAttemptAt(now, '2025-07-01T11:00:00Z')).toBe('2025-07-02T13:00:00.000Z');
  });

  it('the deposit gate: verified, nothing to deposit, or which payment is missing', () => {
    const base = {
      payments: [
        { method: 'card', amount: 5, reference: 'P1' },
        { method: 'gift', amount: 5, reference: 'P2' },
      ],
      orderTotal: 10,
    };
    const check = (order: object) =>
      depositGate.check({ order: { ...base, ...order } } as unknown as Parameters<
        typeof depositGate.check
      >[0]);
    expect(check({ paymentVerified: true })).toBeUndefined();
    expect(check({ netsuiteDeposits: { P1: '9' } })).toMatch(/for payment P2$/);
    expect(check({ payments: [], orderTotal: 0 })).toBeUndefined();
    expect(check({ payments: [] })).toMatch(/no payment to deposit/);
    expect(releaseGates().map((g) => g.code)).toEqual([
      'INVENTORY_UNAVAILABLE',
      DEPOSIT_NOT_IN_NETSUITE,
      'FRAUD_CHECK_FAILED',
      'ORDER_INCOMPLETE',
    ]);
  });
});
