/**
 * Cancellations on the local cloud: a cancelled line's quantity goes to 9000 with its reservation
 * released, and NetSuite's line is closed by the line-close export (`salesorder/update`,
 * `internalId,lineId,closed`) exactly once; a replay changes nothing; the cancelled line is not in
 * the allocation export, is not brokered again and leaves the store queue; a pre-ordered unit gives
 * its PO line's ATP back. Before NetSuite knows the order, no close row goes: the sales order
 * export sends the line closed (or an order cancelled whole not at all). A partial cancellation of
 * a line NetSuite already holds at a location re-sends its allocation row with the lowered
 * quantity (also once released or partly shipped); a line with a shipped part is never closed.
 * Partial cancels, refusals, the HTTP route.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerOrders } from '../../shared/brokering/broker-orders.ts';
import {
  brokerDeps,
  brokeringStore,
  cancellations,
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  preorderRuntime,
  root,
  syncStore,
} from '../../shared/app/root.ts';
import { BROKERING_QUEUE, parseRoutingConfig } from '../../shared/domain/brokering/index.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import {
  allocationEntryId,
  NETSUITE_FULFILLED,
  requoteEntryId,
  type AllocationPayload,
} from '../../shared/domain/sync/allocation-rows.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import type { OutboxFeed } from '../../shared/store/sync-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const TOKEN = 'cancel-token-1';
const WAREHOUSE = 'WH1';
const STORE = 'STORE1';
const SKU = 'CX-SKU-A';
const PRE_SKU = 'CX-SKU-PRE';
const CLOSE_HEADER = 'internalId,lineId,closed';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let n = 0;
const key = (label: string) => `${label}-${++n}`;

const facilities: Facility[] = [
  { facilityId: STORE, externalId: '21', name: 'Store 1', kind: 'store', groups: ['STORES'] },
  {
    facilityId: WAREHOUSE,
    externalId: '13',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
];

/** A new order (1100, waiting for NetSuite's ids) of the given lines of SKU. */
async function newOrder(quantities: readonly number[], sku = SKU, preOrder = false) {
  const created = await orderRuntime(root()).intake.submit(
    sampleOrder(
      {},
      quantities.map((quantity) => ({
        sku,
        quantity,
        price: 10,
        shippingMethod: 'STANDARD',
        preOrder,
      })),
    ),
    { source: 'test', actor: 'test' },
  );
  if (created.status !== 'created') throw new Error(created.status);
  return created.orderId;
}

const netsuiteOrderIdOf = (orderId: string) => `5${orderId.replace(/\D/g, '').slice(-6)}`;

/** NetSuite's ids as the approval job records them. */
async function giveIds(orderId: string, lines: number) {
  await orderRuntime(root()).service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: netsuiteOrderIdOf(orderId),
    lineIds: Object.fromEntries(
      Array.from({ length: lines }, (_, i) => [String(i + 1).padStart(5, '0'), String(i + 1)]),
    ),
    idempotencyKey: key('ids'),
    actor: 'test',
  });
}

/** Allocates `quantity` of line 1 at a facility as brokering does (with its linked write). */
async function allocate(orderId: string, facilityId: string, quantity: number) {
  const at = new Date().toISOString();
  const payload: AllocationPayload = {
    orderId,
    lineSeq: '00001',
    facilityId,
    afterRejection: false,
  };
  await orderRuntime(root()).service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId,
    idempotencyKey: key('alloc'),
    actor: 'brokering',
    linked: [
      facilityId === WAREHOUSE
        ? {
            label: 'linked:allocation-outbox',
            item: syncStore(root()).outboxPut(
              'allocation',
              allocationEntryId(payload),
              payload,
              at,
            ),
          }
        : {
            label: 'linked:store-queue',
            item: brokeringStore(root()).storeQueuePut({
              facilityId,
              orderId,
              lineSeq: '00001',
              sku: SKU,
              quantity,
              allocatedAt: at,
            }),
          },
    ],
  });
}

/** Schedules and releases (1200 → 1500 → 3200) what line 1 has at the facility. */
async function scheduleAndRelease(orderId: string, facilityId: string, quantity: number) {
  for (const [from, to] of [
    [1200, 1500],
    [1500, 3200],
  ] as const) {
    await orderRuntime(root()).service.move({
      orderId,
      lineSeq: '00001',
      from,
      to,
      quantity,
      facilityId,
      idempotencyKey: key(`move-${to}`),
      actor: 'schedule-release',
    });
  }
}

/** NetSuite ships `quantity` of line 1 from the facility (the fulfillment import's command). */
const netsuiteShips = (orderId: string, facilityId: string, quantity: number) =>
  orderRuntime(root()).service.fulfill({
    orderId,
    lineSeq: '00001',
    facilityId,
    quantity,
    shipped: { trackingNumbers: [key('1Z')], shippedAt: new Date().toISOString() },
    idempotencyKey: key('ship'),
    actor: 'netsuite',
  });

const cancel = (over: Record<string, unknown>) =>
  cancellations(root()).cancel({
    actor: 'test',
    orderId: undefined,
    reason: 'CUSTOMER_REQUEST',
    ...over,
  });

const line = async (orderId: string, seq = '00001') =>
  (await orderRuntime(root()).orders.order(orderId)).lines.find((l) => l.lineSeq === seq)!;
const reserved = async (sku: string, facilityId: string) => {
  const { positions, reservations } = await orderRuntime(root()).positions.sku(sku);
  return {
    reserved: positions.get(facilityId)?.reserved ?? 0,
    rows: reservations
      .filter((r) => r.facilityId === facilityId)
      .reduce((s, r) => s + (r.qty as number), 0),
  };
};
const outbox = async (feed: OutboxFeed) => {
  const ids: string[] = [];
  for await (const page of syncStore(root()).entries(feed)) ids.push(...page.map((e) => e.id));
  return ids.sort();
};
const run = (feed: FeedId) => cloud.scheduler.runNow(feed) as Promise<ExportReport>;
const rowsOf = async (feed: FeedId, report: ExportReport) => {
  const prefix = feedPrefix(cloud.sftp.user, feedById(feed));
  const out: { header: string; rows: Record<string, string>[] }[] = [];
  for (const name of report.files) {
    const text = (await feedFiles().readText(`${prefix}${name}`))!;
    out.push({ header: text.split('\n')[0]!, rows: parse(text, { columns: true }) });
  }
  return out;
};
/** Every item of the three tables, to show that nothing changed. */
const everything = async () => {
  const out: string[] = [];
  for (const t of ['orders', 'inventory', 'control'] as const) {
    let start: Record<string, never> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({ TableName: table(t), ExclusiveStartKey: start }),
      );
      for (const i of page.Items ?? [])
        out.push(`${t} ${JSON.stringify(i, Object.keys(i).sort())}`);
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
  }
  return out.sort();
};

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false, api: { token: TOKEN } });
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const f of facilities) {
    await inventory.put(
      snapshotItem(
        { sku: SKU, facilityId: f.facilityId, availableQty: 50, itemId: '501' },
        { file: 'snapshot.csv', importedAt: new Date().toISOString() },
      ),
    );
  }
  await inventory.flush();
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const [sku, itemId] of [
    [SKU, '501'],
    [PRE_SKU, '502'],
  ] as const) {
    for (const item of productItems(
      { sku, itemId },
      { file: 'test', importedAt: new Date().toISOString() },
    )) {
      await products.put(item);
    }
  }
  await products.flush();
  await mappingStore(root()).save([
    { kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' },
    { kind: 'salesChannel', value: 'web', netsuiteId: '2' },
    { kind: 'subsidiary', value: '*', netsuiteId: '1' },
  ]);
  // The sample orders' customer is known to NetSuite (so their sales orders can go).
  const ids = netsuiteIdStore(root()).writer();
  await ids.put(
    netsuiteIdStore(root()).customerIdItem(partyIdFor('cust-1'), '1001', 'test', 'now'),
  );
  await ids.flush();
}, 120_000);

afterAll(async () => cloud?.cleanup());

describe('cancelling an allocated line NetSuite knows', () => {
  let orderId: string;
  let first: Awaited<ReturnType<typeof cancel>>;

  it('releases the reservation, moves the line to 9000 and queues the line close', async () => {
    orderId = await newOrder([3]);
    await giveIds(orderId, 1);
    await allocate(orderId, WAREHOUSE, 3);
    expect(await reserved(SKU, WAREHOUSE)).toEqual({ reserved: 3, rows: 3 });
    expect(await outbox('allocation')).toEqual([`${orderId}#00001#${WAREHOUSE}`]);

    first = await cancel({
      orderId,
      lineSeq: '00001',
      reason: 'customer_request',
      note: '  changed  their mind ',
      idempotencyKey: 'cx-1',
    });
    expect(first).toMatchObject({
      orderId,
      by: 'customer',
      reason: 'CUSTOMER_REQUEST',
      note: 'changed their mind',
      cancelled: 3,
      replayed: false,
      lines: [{ lineSeq: '00001', outcome: 'cancelled', quantity: 3, buckets: { 9000: 3 } }],
    });
    const l = await line(orderId);
    expect(l.buckets).toEqual({ 9000: 3 });
    expect(l.alloc[WAREHOUSE]).toBeUndefined();
    expect(await reserved(SKU, WAREHOUSE)).toEqual({ reserved: 0, rows: 0 });
    expect(await outbox('lineclose')).toEqual([`${orderId}#00001`]);
    const { events } = await orderRuntime(root()).orders.order(orderId);
    expect(events.at(-1)).toMatchObject({
      type: 'cancelled',
      reason: 'cancelled by the customer (CUSTOMER_REQUEST): changed their mind',
      idempotencyKey: 'cx-1',
    });
  });

  it('the allocation never sent is not sent: it leaves the outbox', async () => {
    const report = await run('allocation-update-export');
    expect(report).toMatchObject({ rows: 0, done: 1 });
    expect(report.files).toEqual([]);
    expect(await outbox('allocation')).toEqual([]);
  });

  it('the line-close export writes the close once, with the exact header', async () => {
    const report = await run('line-close-export');
    expect(report).toMatchObject({ rows: 1, records: 1 });
    const files = await rowsOf('line-close-export', report);
    expect(files).toHaveLength(1);
    expect(files[0]!.header).toBe(CLOSE_HEADER);
    expect(files[0]!.rows).toEqual([
      { internalId: netsuiteOrderIdOf(orderId), lineId: '1', closed: 'true' },
    ]);
    expect(await outbox('lineclose')).toEqual([]);
    const again = await run('line-close-export');
    expect(again).toMatchObject({ rows: 0, records: 0 });
    expect(again.files).toEqual([]);
  });

  it('a replay (same key) changes nothing and returns the first result', async () => {
    const before = await everything();
    const again = await cancel({ orderId, lineSeq: '00001', idempotencyKey: 'cx-1' });
    expect(again).toMatchObject({ replayed: true, cancelled: 0 });
    expect(again.lines).toEqual([{ ...first.lines[0], outcome: 'replayed' }]);
    expect(await everything()).toEqual(before);
    // The same key for another cancellation is refused.
    await expect(
      cancel({ orderId, lineSeq: '00001', quantity: 1, idempotencyKey: 'cx-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Nothing left to cancel under a new key.
    await expect(
      cancel({ orderId, lineSeq: '00001', idempotencyKey: 'cx-2' }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_QUANTITY' });
    expect(await everything()).toEqual(before);
  });

  it('is not brokered again', async () => {
    const config = parseRoutingConfig({
      runs: [
        {
          productStoreId: 'CX',
          name: 'cancellation test',
          routings: [
            {
              name: 'everything',
              orderFilters: { queue: [BROKERING_QUEUE] },
              inventoryRules: [{ name: 'anywhere', partialAllocation: true }],
            },
          ],
        },
      ],
    });
    if (!config.ok) throw new Error(JSON.stringify(config.errors));
    const deps = (await brokerDeps(root(), { config: config.config }))!;
    const placed = await newOrder([2]);
    await giveIds(placed, 1);
    for (const id of [orderId, placed]) {
      await brokeringStore(root()).enqueue({
        queue: BROKERING_QUEUE,
        orderId: id,
        orderDate: '2025-07-02T10:15:00Z',
        enqueuedAt: new Date().toISOString(),
        reason: 'test',
      });
    }
    const report = await brokerOrders(deps, { orderIds: [orderId, placed] });
    // The other order is placed (the run works); the cancelled one is only dequeued.
    expect(report.allocatedUnits).toBe(2);
    expect((await line(placed)).buckets[1200]).toBe(2);
    expect((await line(orderId)).buckets).toEqual({ 9000: 3 });
    expect(
      (await brokeringStore(root()).queue(BROKERING_QUEUE)).map((e) => e.orderId),
    ).not.toContain(orderId);
  });
});

describe('cancelling before NetSuite knows the order', () => {
  it('sends the line closed with the sales order, and no close row', async () => {
    const orderId = await newOrder([1, 2]);
    const result = await cancel({
      orderId,
      lineSeq: '00002',
      reason: 'MERCHANT_OUT_OF_STOCK',
      idempotencyKey: key('cx'),
    });
    expect(result).toMatchObject({ by: 'merchant', cancelled: 2 });
    expect(await outbox('lineclose')).toEqual([`${orderId}#00002`]);

    const report = await run('sales-order-export');
    const rows = (await rowsOf('sales-order-export', report)).flatMap((f) => f.rows);
    const mine = rows.filter((r) => r.HCOrderId === orderId);
    expect(mine.map((r) => [r.orderLineId, r.quantity, r.closed])).toEqual([
      ['00001', '1', ''],
      ['00002', '2', 'true'],
    ]);
    expect(await outbox('lineclose')).toEqual([]);

    // NetSuite's ids come back (closed lines get one too): still no close row.
    await giveIds(orderId, 2);
    const closes = await run('line-close-export');
    expect(closes.files).toEqual([]);
  });

  it('a line partly cancelled goes with what is left; its close stays queued, the other line is sent as taken', async () => {
    const orderId = await newOrder([3, 1]);
    await cancel({ orderId, lineSeq: '00001', quantity: 2, idempotencyKey: key('cx-part') });
    expect(await outbox('lineclose')).toEqual([`${orderId}#00001`]);

    const report = await run('sales-order-export');
    const rows = (await rowsOf('sales-order-export', report)).flatMap((f) => f.rows);
    const mine = rows.filter((r) => r.HCOrderId === orderId);
    expect(mine.map((r) => [r.orderLineId, r.quantity, r.closed])).toEqual([
      ['00001', '1', ''],
      ['00002', '1', ''],
    ]);
    // Not closed: the close waits (for NetSuite's ids and for nothing of the line to be open).
    expect(await outbox('lineclose')).toEqual([`${orderId}#00001`]);
    await syncStore(root()).complete('lineclose', [`${orderId}#00001`]); // the next tests count the outbox
  });

  it('an order cancelled whole is not sent at all', async () => {
    const orderId = await newOrder([1, 1]);
    const result = await cancel({
      orderId,
      reason: 'CUSTOMER_FRAUD_SUSPECTED',
      idempotencyKey: 'cx-w',
    });
    expect(result.lines.map((l) => [l.lineSeq, l.outcome, l.quantity])).toEqual([
      ['00001', 'cancelled', 1],
      ['00002', 'cancelled', 1],
    ]);
    expect(await outbox('lineclose')).toEqual([`${orderId}#00001`, `${orderId}#00002`]);
    expect(await outbox('salesorder')).toContain(orderId);
    const report = await run('sales-order-export');
    const rows = (await rowsOf('sales-order-export', report)).flatMap((f) => f.rows);
    expect(rows.filter((r) => r.HCOrderId === orderId)).toEqual([]);
    expect(await outbox('salesorder')).not.toContain(orderId);
    expect(await outbox('lineclose')).toEqual([]);
    // Replaying the order cancel changes nothing.
    const again = await cancel({
      orderId,
      reason: 'CUSTOMER_FRAUD_SUSPECTED',
      idempotencyKey: 'cx-w',
    });
    expect(again).toMatchObject({ replayed: true, cancelled: 0 });
  });
});

describe('partial cancellation', () => {
  it('cancels part of an allocation; the close waits until nothing of the line is open', async () => {
    const orderId = await newOrder([3]);
    await giveIds(orderId, 1);
    await allocate(orderId, WAREHOUSE, 3);
    const before = await reserved(SKU, WAREHOUSE);

    const part = await cancel({
      orderId,
      lineSeq: '00001',
      quantity: 1,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: key('cx'),
    });
    expect(part.lines[0]).toMatchObject({ quantity: 1, buckets: { 1200: 2, 9000: 1 } });
    expect(await reserved(SKU, WAREHOUSE)).toEqual({
      reserved: before.reserved - 1,
      rows: before.rows - 1,
    });
    // The allocation not sent yet goes with what is left.
    const alloc = await rowsOf('allocation-update-export', await run('allocation-update-export'));
    const mine = alloc
      .flatMap((f) => f.rows)
      .filter((r) => r.internalId === netsuiteOrderIdOf(orderId));
    expect(mine).toEqual([expect.objectContaining({ location: '13', quantity: '2' })]);
    // NetSuite's line still has units to ship: no close yet.
    const waiting = await run('line-close-export');
    expect(waiting).toMatchObject({ rows: 0, waiting: 1 });
    expect(await outbox('lineclose')).toEqual([`${orderId}#00001`]);

    const rest = await cancel({
      orderId,
      lineSeq: '00001',
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: key('cx'),
    });
    expect(rest.lines[0]).toMatchObject({ quantity: 2, buckets: { 9000: 3 } });
    expect(await reserved(SKU, WAREHOUSE)).toEqual({
      reserved: before.reserved - 3,
      rows: before.rows - 3,
    });
    const closes = await rowsOf('line-close-export', await run('line-close-export'));
    expect(closes.flatMap((f) => f.rows)).toEqual([
      { internalId: netsuiteOrderIdOf(orderId), lineId: '1', closed: 'true' },
    ]);
  });

  it('an order cancel skips a line being picked and cancels the rest', async () => {
    const orderId = await newOrder([1, 1]);
    await giveIds(orderId, 2);
    const svc = orderRuntime(root()).service;
    await svc.move({
      orderId,
      lineSeq: '00002',
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: WAREHOUSE,
      idempotencyKey: key('a'),
      actor: 'test',
    });
    await svc.move({
      orderId,
      lineSeq: '00002',
      from: 1200,
      to: 1500,
      quantity: 1,
      facilityId: WAREHOUSE,
      idempotencyKey: key('s'),
      actor: 'test',
    });
    await svc.move({
      orderId,
      lineSeq: '00002',
      from: 1500,
      to: 3200,
      quantity: 1,
      facilityId: WAREHOUSE,
      idempotencyKey: key('r'),
      actor: 'test',
    });
    await svc.move({
      orderId,
      lineSeq: '00002',
      from: 3200,
      to: 3350,
      quantity: 1,
      idempotencyKey: key('p'),
      actor: 'test',
    });
    const result = await cancel({ orderId, reason: 'CUSTOMER_REQUEST', idempotencyKey: key('cx') });
    expect(result.lines.map((l) => [l.lineSeq, l.outcome, l.quantity])).toEqual([
      ['00001', 'cancelled', 1],
      ['00002', 'nothing-to-cancel', 0],
    ]);
    expect(result.lines[1]!.notes[0]).toMatch(/1 being picked/);
    expect((await line(orderId, '00002')).buckets).toEqual({ 3350: 1 });
    await expect(
      cancel({ orderId, lineSeq: '00002', reason: 'CUSTOMER_REQUEST', idempotencyKey: key('cx') }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_QUANTITY' });
  });
});

describe('partial cancellation of a line NetSuite holds: the allocation row again, lowered', () => {
  /** The allocation rows of an export run for an order. */
  const allocationRows = async (orderId: string) =>
    (await rowsOf('allocation-update-export', await run('allocation-update-export')))
      .flatMap((f) => f.rows)
      .filter((r) => r.internalId === netsuiteOrderIdOf(orderId));
  /** The close rows of a line-close export run for an order. */
  const closeRows = async (orderId: string) =>
    (await rowsOf('line-close-export', await run('line-close-export')))
      .flatMap((f) => f.rows)
      .filter((r) => r.internalId === netsuiteOrderIdOf(orderId));
  const entries = async () => {
    const out: { id: string; payload: AllocationPayload }[] = [];
    for await (const page of syncStore(root()).entries<AllocationPayload>('allocation'))
      out.push(...page.map((e) => ({ id: e.id, payload: e.payload })));
    return out;
  };

  it('queues the re-quote with the cancellation; it goes although the units are released', async () => {
    const orderId = await newOrder([3]);
    await giveIds(orderId, 1);
    await allocate(orderId, WAREHOUSE, 3);
    expect(await allocationRows(orderId)).toEqual([
      expect.objectContaining({ location: '13', quantity: '3' }),
    ]);
    await scheduleAndRelease(orderId, WAREHOUSE, 3);
    expect((await line(orderId)).buckets).toEqual({ 3200: 3 });

    const cx = key('cx');
    const part = await cancel({ orderId, lineSeq: '00001', quantity: 1, idempotencyKey: cx });
    expect(part.lines[0]).toMatchObject({ quantity: 1, buckets: { 3200: 2, 9000: 1 } });
    // In the cancellation's transaction: an allocation record again, as a re-quote.
    const id = requoteEntryId({ orderId, lineSeq: '00001', facilityId: WAREHOUSE }, cx);
    expect((await entries()).filter((e) => e.payload.orderId === orderId)).toEqual([
      {
        id,
        payload: {
          orderId,
          lineSeq: '00001',
          facilityId: WAREHOUSE,
          afterRejection: false,
          requote: true,
        },
      },
    ]);
    const { events } = await orderRuntime(root()).orders.order(orderId);
    expect(events.at(-1)).toMatchObject({ type: 'cancelled' });
    // NetSuite gets the line's quantity less the cancelled unit, at the same location.
    expect(await allocationRows(orderId)).toEqual([
      expect.objectContaining({ lineId: '1', location: '13', quantity: '2', closed: '' }),
    ]);
    expect((await entries()).map((e) => e.id)).not.toContain(id);
    // The close waits: 2 units are still on their way.
    expect(await outbox('lineclose')).toContain(`${orderId}#00001`);

    // NetSuite ships them: a line with a shipped part is never closed.
    await netsuiteShips(orderId, WAREHOUSE, 2);
    expect(await closeRows(orderId)).toEqual([]);
    expect(await outbox('lineclose')).not.toContain(`${orderId}#00001`);
  });

  it('the rest of a partly shipped line cancelled: the quantity comes down to what shipped, no close', async () => {
    const orderId = await newOrder([3]);
    await giveIds(orderId, 1);
    await allocate(orderId, WAREHOUSE, 3);
    await allocationRows(orderId);
    await scheduleAndRelease(orderId, WAREHOUSE, 3);
    await netsuiteShips(orderId, WAREHOUSE, 1);
    const rest = await cancel({ orderId, lineSeq: '00001', idempotencyKey: key('cx') });
    expect(rest.lines[0]).toMatchObject({ quantity: 2, buckets: { 3700: 1, 9000: 2 } });
    expect(await allocationRows(orderId)).toEqual([
      expect.objectContaining({ location: '13', quantity: '1' }),
    ]);
    expect(await closeRows(orderId)).toEqual([]);
    expect(await outbox('lineclose')).not.toContain(`${orderId}#00001`);
  });

  it('a wholly cancelled line is closed, not re-quoted; a store line is never re-quoted', async () => {
    const orderId = await newOrder([2]);
    await giveIds(orderId, 1);
    await allocate(orderId, WAREHOUSE, 2);
    await allocationRows(orderId);
    await scheduleAndRelease(orderId, WAREHOUSE, 2);
    await cancel({ orderId, lineSeq: '00001', idempotencyKey: key('cx') });
    expect((await entries()).map((e) => e.payload.orderId)).not.toContain(orderId);
    expect(await closeRows(orderId)).toEqual([
      { internalId: netsuiteOrderIdOf(orderId), lineId: '1', closed: 'true' },
    ]);

    const atStore = await newOrder([3]);
    await giveIds(atStore, 1);
    await allocate(atStore, STORE, 3);
    await cancel({ orderId: atStore, lineSeq: '00001', quantity: 1, idempotencyKey: key('cx') });
    expect((await entries()).map((e) => e.payload.orderId)).not.toContain(atStore);
  });

  it('an allocation written while the cancellation ran gets the re-quote after it', async () => {
    const orderId = await newOrder([3]);
    await giveIds(orderId, 1);
    await allocate(orderId, WAREHOUSE, 3);
    const id = allocationEntryId({ orderId, lineSeq: '00001', facilityId: WAREHOUSE });
    // The export takes the entry between the cancellation's read and its write.
    const real = syncStore(root());
    let reads = 0;
    const racing = Object.assign(Object.create(real) as typeof real, {
      waiting: async (feed: OutboxFeed, ids: readonly string[]) => {
        const found = await real.waiting(feed, ids);
        if (feed === 'allocation' && reads++ === 0) {
          expect(found.has(id)).toBe(true);
          expect(await allocationRows(orderId)).toEqual([
            expect.objectContaining({ quantity: '3' }),
          ]);
        }
        return found;
      },
    });
    await cancellations(root(), { sync: racing }).cancel({
      actor: 'test',
      orderId,
      lineSeq: '00001',
      quantity: 1,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: key('cx'),
    });
    expect(reads).toBe(2);
    expect(await allocationRows(orderId)).toEqual([expect.objectContaining({ quantity: '2' })]);
  });
});

describe('store queue and pre-orders', () => {
  it('a line cancelled at a store leaves its queue', async () => {
    const orderId = await newOrder([2]);
    await giveIds(orderId, 1);
    const before = await reserved(SKU, STORE);
    await allocate(orderId, STORE, 2);
    expect(await reserved(SKU, STORE)).toEqual({
      reserved: before.reserved + 2,
      rows: before.rows + 2,
    });
    expect((await brokeringStore(root()).storeQueue(STORE)).map((i) => i.orderId)).toContain(
      orderId,
    );
    await cancel({ orderId, reason: 'MERCHANT_DAMAGED', idempotencyKey: key('cx') });
    expect((await brokeringStore(root()).storeQueue(STORE)).map((i) => i.orderId)).not.toContain(
      orderId,
    );
    expect(await reserved(SKU, STORE)).toEqual(before);
  });

  it('a cancelled pre-ordered unit gives its PO line ATP back', async () => {
    const po = preorderRuntime(root()).deps.purchaseOrders;
    const meta = { file: 'po.csv', at: new Date().toISOString() };
    await po.touchHeader('PO-CX', WAREHOUSE, meta);
    await po.upsertLine(
      {
        poId: 'PO-CX',
        lineId: '1',
        sku: PRE_SKU,
        quantity: 5,
        externalFacilityId: '13',
        arrivalDate: '2030-01-01',
        facilityId: WAREHOUSE,
      },
      meta,
    );
    const orderId = await newOrder([3], PRE_SKU, true);
    await giveIds(orderId, 1);
    await preorderRuntime(root()).allocation.allocate(
      'PO-CX',
      '1',
      [{ orderId, lineSeq: '00001' }],
      {
        idempotencyKey: key('pre'),
        actor: 'test',
      },
    );
    expect((await line(orderId)).buckets).toEqual({ 1250: 3 });
    expect(await po.line('PO-CX', '1')).toMatchObject({ allocated: 3, atp: 2 });

    await cancel({
      orderId,
      lineSeq: '00001',
      quantity: 2,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: key('cx'),
    });
    expect((await line(orderId)).buckets).toEqual({ 1250: 1, 9000: 2 });
    expect(await po.line('PO-CX', '1')).toMatchObject({ allocated: 1, atp: 4 });
    expect(await po.allocations('PO-CX', '1')).toEqual([
      expect.objectContaining({ orderId, lineSeq: '00001', quantity: 1 }),
    ]);
    await cancel({ orderId, reason: 'CUSTOMER_REQUEST', idempotencyKey: key('cx') });
    expect(await po.line('PO-CX', '1')).toMatchObject({ allocated: 0, atp: 5 });
    expect(await po.allocations('PO-CX', '1')).toEqual([]);
  });
});

describe('refusals and the HTTP route', () => {
  it('refuses clearly and changes nothing', async () => {
    const orderId = await newOrder([2]);
    const before = await everything();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ orderId: 'NO-SUCH-ORDER', idempotencyKey: 'bad-1' }, 'UNKNOWN_ORDER'],
      [{ orderId, lineSeq: '00009', idempotencyKey: 'bad-2' }, 'UNKNOWN_LINE'],
      [{ orderId, lineSeq: '1', idempotencyKey: 'bad-3' }, 'INVALID_COMMAND', 'lineSeq'],
      [{ orderId, quantity: 1, idempotencyKey: 'bad-4' }, 'INVALID_COMMAND', 'quantity'],
      [{ orderId, lineSeq: '00001', quantity: 0, idempotencyKey: 'bad-5' }, 'INVALID_COMMAND'],
      [
        { orderId, lineSeq: '00001', quantity: 3, idempotencyKey: 'bad-6' },
        'INSUFFICIENT_QUANTITY',
      ],
      [{ orderId, reason: 'CHANGED_MIND', idempotencyKey: 'bad-7' }, 'INVALID_COMMAND', 'reason'],
      [{ orderId, reason: '', idempotencyKey: 'bad-8' }, 'INVALID_COMMAND', 'reason'],
      [{ orderId, note: 'x'.repeat(501), idempotencyKey: 'bad-9' }, 'INVALID_COMMAND', 'note'],
      [{ orderId }, 'MISSING_IDEMPOTENCY_KEY'],
    ];
    for (const [input, code, field] of cases) {
      const failure = await cancel(input).then(
        () => undefined,
        (err: unknown) => err as { code: string; details?: { field?: string } },
      );
      expect(failure?.code, JSON.stringify(input)).toBe(code);
      if (field) expect(failure?.details?.field, JSON.stringify(input)).toBe(field);
    }
    expect(await everything()).toEqual(before);
  });

  it('POST /orders/{orderId}/cancellations', async () => {
    const orderId = await newOrder([2]);
    await giveIds(orderId, 1);
    const api = cloud.api!;
    const post = (path: string, body: unknown) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const body = {
      lineSeq: '00001',
      quantity: 1,
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'h-1',
    };
    const res = await post(`/orders/${orderId}/cancellations`, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      orderId,
      cancelled: 1,
      replayed: false,
      lines: [{ lineSeq: '00001', quantity: 1, buckets: { 1100: 1, 9000: 1 } }],
    });
    const replay = await post(`/orders/${orderId}/cancellations`, body);
    expect(await replay.json()).toMatchObject({ replayed: true, cancelled: 0 });
    const bad = await post(`/orders/${orderId}/cancellations`, { ...body, reason: 'nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'INVALID_COMMAND', field: 'reason' });
    const unknown = await post('/orders/NOPE/cancellations', { ...body, idempotencyKey: 'h-2' });
    expect(unknown.status).toBe(404);
    const whole = await post(`/orders/${orderId}/cancellations`, {
      reason: 'MERCHANT_OTHER',
      idempotencyKey: 'h-3',
    });
    expect(await whole.json()).toMatchObject({ cancelled: 1, by: 'merchant' });
    const none = await post(`/orders/${orderId}/cancellations`, {
      reason: 'MERCHANT_OTHER',
      idempotencyKey: 'h-4',
    });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: 'INSUFFICIENT_QUANTITY' });
    expect((await line(orderId)).buckets).toEqual({ 9000: 2 });
  });
});
