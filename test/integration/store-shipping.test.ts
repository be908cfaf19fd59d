/**
 * A store fulfilling on the local cloud: an item released to the store is picked (3200 → 3350, a
 * shipment key with quantity 0) and shipped with tracking numbers (3350 → 3700, the shipment's
 * quantity = what shipped), and the OMS-fulfilled export tells NetSuite once per line
 * (`salesorder/update`, exact header, `tags`=`hotwax-fulfilled`, at most 2,500 rows a file): one
 * row when nothing of the line is open any more, with every unit shipped. A shipment may ship in
 * parts (still one row); an item not found at picking goes to 1400 and back to brokering, and
 * re-release at another store creates a new release key and a new shipment key while the old
 * ones stay at 0. A line shipped from two stores is held back with the reason. Entries of the
 * older per-shipment format still go. Rejections also take scheduled and released units. Replays
 * change nothing. Also once through the HTTP API.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import { lineInvariantViolations, type LineState } from '../../shared/domain/lifecycle/line.ts';
import { NETSUITE_FULFILLED } from '../../shared/domain/sync/allocation-rows.ts';
import type { OmsFulfilledPayload } from '../../shared/domain/sync/oms-fulfilled-rows.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import {
  brokeringStore,
  cancellations,
  mappingStore,
  orderRuntime,
  root,
  storeFulfillment,
  storeShipping,
  syncStore,
} from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const TOKEN = 'ship-token-1';
const STORE = 'STORE1';
const STORE2 = 'STORE2';
const WAREHOUSE = 'WH1';
const SKU = 'SS-SKU-A';
const ITEM_ID = '501';
const HEADER = 'lineId,internalId,item,quantity,location,tags';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;

const facilities: Facility[] = [
  { facilityId: STORE, externalId: '21', name: 'Store 1', kind: 'store', groups: ['STORES'] },
  { facilityId: STORE2, externalId: '22', name: 'Store 2', kind: 'store', groups: ['STORES'] },
  {
    facilityId: WAREHOUSE,
    externalId: '13',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
];

let nsOrderSeq = 700_000;

/** An approved order (NetSuite ids known) of `lines` lines of SKU, each `quantity` units. */
async function approvedOrder(
  quantity: number,
  lines = 1,
): Promise<{ orderId: string; ns: string }> {
  const { intake, service } = orderRuntime(root());
  const created = await intake.submit(
    sampleOrder(
      {},
      Array.from({ length: lines }, () => ({
        sku: SKU,
        quantity,
        price: 10,
        shippingMethod: 'STANDARD',
      })),
    ),
    { source: 'test', actor: 'test' },
  );
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  const ns = String(nsOrderSeq++);
  await service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: ns,
    lineIds: Object.fromEntries(
      Array.from({ length: lines }, (_, i) => [String(i + 1).padStart(5, '0'), String(i + 1)]),
    ),
    idempotencyKey: `ids-${orderId}`,
    actor: 'test',
  });
  return { orderId, ns };
}

/** Allocates the line at a store as brokering does (with the store queue item). */
async function allocate(orderId: string, facilityId: string, from: 1100 | 1400, quantity: number) {
  const brokering = brokeringStore(root());
  const at = new Date().toISOString();
  await orderRuntime(root()).service.move({
    orderId,
    lineSeq: '00001',
    from,
    to: 1200,
    quantity,
    facilityId,
    idempotencyKey: `alloc-${orderId}-${facilityId}`,
    actor: 'brokering',
    linked: [
      {
        label: 'linked:store-queue',
        item: brokering.storeQueuePut({
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

/** Schedules (1200 → 1500) and, unless told otherwise, releases (1500 → 3200) at the facility. */
async function scheduleAndRelease(
  orderId: string,
  facilityId: string,
  quantity: number,
  release = true,
) {
  const { service } = orderRuntime(root());
  await service.move({
    orderId,
    lineSeq: '00001',
    from: 1200,
    to: 1500,
    quantity,
    facilityId,
    schedule: { shipDate: '2026-01-05', carrier: 'UPS', shippingMethod: 'GROUND' },
    idempotencyKey: `sched-${orderId}-${facilityId}`,
    actor: 'schedule-release',
  });
  if (!release) return;
  const released = await service.move({
    orderId,
    lineSeq: '00001',
    from: 1500,
    to: 3200,
    quantity,
    facilityId,
    idempotencyKey: `release-${orderId}-${facilityId}`,
    actor: 'schedule-release',
  });
  if (released.outcome !== 'moved') throw new Error(JSON.stringify(released.failures));
}

/** An approved order of one line released to the store. */
async function releasedOrder(quantity: number, facilityId = STORE) {
  const order = await approvedOrder(quantity);
  await allocate(order.orderId, facilityId, 1100, quantity);
  await scheduleAndRelease(order.orderId, facilityId, quantity);
  return order;
}

const line = async (orderId: string): Promise<LineState> =>
  (await orderRuntime(root()).orders.order(orderId)).lines[0]!;
const records = (orderId: string) => orderRuntime(root()).orders.order(orderId);
const queue = (facilityId = STORE) => storeFulfillment(root()).storeQueue(facilityId);
const queueItems = async (facilityId = STORE) => brokeringStore(root()).storeQueue(facilityId);
const inBrokeringQueue = async (orderId: string) =>
  (await brokeringStore(root()).queue(BROKERING_QUEUE)).some((e) => e.orderId === orderId);
const outbox = async () => {
  const out: { id: string; payload: OmsFulfilledPayload }[] = [];
  for await (const page of syncStore(root()).entries<OmsFulfilledPayload>('fulfilled')) {
    out.push(...page.map((e) => ({ id: e.id, payload: e.payload })));
  }
  return out;
};
const exportNow = () => cloud.scheduler.runNow('oms-fulfilled-export') as Promise<ExportReport>;
const readCsv = async (name: string) => {
  const key = `${feedPrefix(cloud.sftp.user, feedById('oms-fulfilled-export'))}${name}`;
  return (await feedFiles().readText(key))!;
};
const exportedRows = async (report: ExportReport) => {
  const out: Record<string, string>[] = [];
  for (const f of report.files) {
    const text = await readCsv(f);
    expect(text.split('\n')[0]).toBe(HEADER);
    out.push(...(parse(text, { columns: true }) as Record<string, string>[]));
  }
  return out;
};
const ship = () => storeShipping(root());
const pick = (over: Record<string, unknown>) =>
  ship().pick({ facilityId: STORE, lineSeq: '00001', actor: 'test', orderId: undefined, ...over });
const send = (over: Record<string, unknown>) =>
  ship().ship({ facilityId: STORE, lineSeq: '00001', actor: 'test', orderId: undefined, ...over });
const notFound = (over: Record<string, unknown>) =>
  ship().notFound({
    facilityId: STORE,
    lineSeq: '00001',
    actor: 'test',
    orderId: undefined,
    ...over,
  });

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
        { sku: SKU, facilityId: f.facilityId, availableQty: 10_000, itemId: ITEM_ID },
        { file: 'snapshot.csv', importedAt: new Date().toISOString() },
      ),
    );
  }
  await inventory.flush();
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const item of productItems(
    { sku: SKU, itemId: ITEM_ID },
    { file: 'test', importedAt: new Date().toISOString() },
  )) {
    await products.put(item);
  }
  await products.flush();
  await mappingStore(root()).save([{ kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' }]);
}, 120_000);

afterAll(async () => cloud?.cleanup());

describe('store shipping: pick, ship, OMS-fulfilled export', () => {
  let order: { orderId: string; ns: string };
  let shipmentKey: string;

  it('the queue shows each stage: allocated, scheduled, released (with its release key)', async () => {
    order = await approvedOrder(2);
    await allocate(order.orderId, STORE, 1100, 2);
    expect(await queue()).toEqual([
      expect.objectContaining({
        orderId: order.orderId,
        quantity: 2,
        allocated: 2,
        scheduled: 0,
        released: [],
        picking: [],
      }),
    ]);
    await scheduleAndRelease(order.orderId, STORE, 2, false);
    expect(await queue()).toEqual([
      expect.objectContaining({ quantity: 2, allocated: 0, scheduled: 2, shipDate: '2026-01-05' }),
    ]);
    // Not released yet: the store cannot pick it.
    await expect(pick({ orderId: order.orderId, idempotencyKey: 'p-early' })).rejects.toMatchObject(
      { code: 'INSUFFICIENT_QUANTITY', details: { waitingForRelease: 2 } },
    );
    await orderRuntime(root()).service.move({
      orderId: order.orderId,
      lineSeq: '00001',
      from: 1500,
      to: 3200,
      quantity: 2,
      facilityId: STORE,
      idempotencyKey: `release-${order.orderId}`,
      actor: 'schedule-release',
    });
    expect(await queue()).toEqual([
      expect.objectContaining({
        quantity: 2,
        allocated: 0,
        scheduled: 0,
        released: [{ releaseKey: `${order.orderId}-00001-R1`, quantity: 2 }],
        picking: [],
      }),
    ]);
  });

  it('refuses clearly and changes nothing', async () => {
    const before = JSON.stringify(await records(order.orderId));
    const cases: [() => Promise<unknown>, string][] = [
      [() => pick({ orderId: order.orderId }), 'MISSING_IDEMPOTENCY_KEY'],
      [() => pick({ orderId: 'NO-SUCH', idempotencyKey: 'x1' }), 'UNKNOWN_ORDER'],
      [
        () => pick({ orderId: order.orderId, lineSeq: '00002', idempotencyKey: 'x2' }),
        'UNKNOWN_LINE',
      ],
      [
        () => pick({ orderId: order.orderId, quantity: 3, idempotencyKey: 'x3' }),
        'INSUFFICIENT_QUANTITY',
      ],
      [
        () => pick({ orderId: order.orderId, quantity: 0, idempotencyKey: 'x4' }),
        'INVALID_COMMAND',
      ],
      [
        () => pick({ orderId: order.orderId, releaseKey: 'NOPE-R9', idempotencyKey: 'x5' }),
        'UNKNOWN_RELEASE',
      ],
      // A NetSuite-fulfilled facility ships through NetSuite, not through the store commands.
      [
        () => pick({ orderId: order.orderId, facilityId: WAREHOUSE, idempotencyKey: 'x6' }),
        'INVALID_COMMAND',
      ],
      [
        () => pick({ orderId: order.orderId, facilityId: STORE2, idempotencyKey: 'x7' }),
        'INSUFFICIENT_QUANTITY',
      ],
      // Nothing picked yet: nothing to ship.
      [() => send({ orderId: order.orderId, idempotencyKey: 'x8' }), 'INSUFFICIENT_QUANTITY'],
      [
        () => send({ orderId: order.orderId, trackingNumbers: [''], idempotencyKey: 'x9' }),
        'INVALID_COMMAND',
      ],
      [
        () => send({ orderId: order.orderId, shippedAt: 'yesterday', idempotencyKey: 'x10' }),
        'INVALID_COMMAND',
      ],
      [
        () => notFound({ orderId: order.orderId, idempotencyKey: 'x11', quantity: 3 }),
        'INSUFFICIENT_QUANTITY',
      ],
    ];
    for (const [call, code] of cases) {
      await expect(call(), code).rejects.toMatchObject({ code });
    }
    expect(JSON.stringify(await records(order.orderId))).toBe(before);
    expect(await outbox()).toEqual([]);
  });

  it('pick: 3200 → 3350, a new shipment key with quantity 0', async () => {
    const picked = await pick({ orderId: order.orderId, idempotencyKey: 'pick-1' });
    shipmentKey = `${order.orderId}-00001-S1`;
    expect(picked).toMatchObject({
      quantity: 2,
      releaseKey: `${order.orderId}-00001-R1`,
      shipmentKey,
      buckets: { 3350: 2 },
      replayed: false,
    });
    const l = await line(order.orderId);
    expect(l.shipments[shipmentKey]).toMatchObject({ planned: 2, quantity: 0, status: 'picking' });
    const stored = (await records(order.orderId)).shipments;
    expect(stored).toEqual([expect.objectContaining({ key: shipmentKey, quantity: 0 })]);
    expect(await queue()).toEqual([
      expect.objectContaining({
        quantity: 2,
        released: [],
        picking: [{ shipmentKey, releaseKey: `${order.orderId}-00001-R1`, quantity: 2 }],
      }),
    ]);
    // A replay returns the first result and changes nothing.
    const again = await pick({ orderId: order.orderId, idempotencyKey: 'pick-1' });
    expect(again).toMatchObject({ replayed: true, shipmentKey, quantity: 2 });
    expect((await line(order.orderId)).version).toBe(l.version);
    await expect(
      pick({ orderId: order.orderId, quantity: 1, idempotencyKey: 'pick-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('pack: the shipment being picked records packedAt and parcels; the quantity stays in 3350', async () => {
    const packed = await ship().pack({
      facilityId: STORE,
      orderId: order.orderId,
      lineSeq: '00001',
      packages: 2,
      actor: 'test',
      idempotencyKey: 'pack-1',
    });
    expect(packed).toMatchObject({ shipmentKey, packages: 2, replayed: false });
    const l = await line(order.orderId);
    expect(l.buckets).toEqual({ 3350: 2 });
    expect(l.shipments[shipmentKey]).toMatchObject({ status: 'picking', packages: 2 });
    expect((await records(order.orderId)).shipments).toEqual([
      expect.objectContaining({ key: shipmentKey, packedAt: packed.packedAt, quantity: 0 }),
    ]);
    expect((await queue())[0]!.picking).toEqual([
      expect.objectContaining({ shipmentKey, packedAt: packed.packedAt }),
    ]);
    const { events } = await records(order.orderId);
    expect(events.filter((e) => e.type === 'packed')).toHaveLength(1);
    // A replay changes nothing; another store cannot pack it; bad parcels are refused.
    expect(
      await ship().pack({
        facilityId: STORE,
        orderId: order.orderId,
        lineSeq: '00001',
        packages: 2,
        actor: 'test',
        idempotencyKey: 'pack-1',
      }),
    ).toMatchObject({ replayed: true, packedAt: packed.packedAt });
    expect((await line(order.orderId)).version).toBe(l.version);
    await expect(
      ship().pack({
        facilityId: STORE2,
        orderId: order.orderId,
        lineSeq: '00001',
        shipmentKey,
        actor: 'test',
        idempotencyKey: 'pack-2',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_COMMAND' });
    await expect(
      ship().pack({
        facilityId: STORE,
        orderId: order.orderId,
        lineSeq: '00001',
        packages: 0,
        actor: 'test',
        idempotencyKey: 'pack-3',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_COMMAND', details: { field: 'packages' } });
  });

  it('ship with two tracking numbers: 3700, shipment quantity = shipped, the export entry written with it', async () => {
    const shippedAt = '2026-01-05T15:30:00.000Z';
    const result = await send({
      orderId: order.orderId,
      trackingNumbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
      carrier: 'UPS',
      shippedAt,
      idempotencyKey: 'ship-1',
    });
    expect(result).toMatchObject({
      quantity: 2,
      shipmentKey,
      storeDone: true,
      buckets: { 3700: 2 },
      replayed: false,
      shipped: {
        trackingNumbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
        carrier: 'UPS',
        shippingMethod: 'GROUND', // from the schedule
        shippedAt,
      },
    });
    const l = await line(order.orderId);
    expect(l.buckets).toEqual({ 3700: 2 });
    expect(lineInvariantViolations(l)).toEqual([]);
    expect(l.shipments[shipmentKey]).toMatchObject({
      planned: 2,
      quantity: 2,
      status: 'shipped',
      trackingNumbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
      carrier: 'UPS',
      shippedAt,
    });
    expect(l.releases[`${order.orderId}-00001-R1`]).toMatchObject({ statusQuantity: 0 });
    // The line's record for NetSuite: one per line, whatever the shipments.
    expect(result.exportId).toBe(`${order.orderId}#00001`);
    const stored = (await records(order.orderId)).shipments;
    expect(stored).toEqual([expect.objectContaining({ key: shipmentKey, quantity: 2 })]);
    // Nothing of the line is left at the store: the queue item went with the shipment.
    expect(await queue()).toEqual([]);
    expect(await queueItems()).toEqual([]);
    expect(await outbox()).toEqual([
      {
        id: result.exportId,
        payload: {
          orderId: order.orderId,
          lineSeq: '00001',
          facilityId: STORE,
          shipmentKey,
          quantity: 2,
          shippedAt,
        },
      },
    ]);
  });

  it('a ship replay changes nothing; the same key for another shipment is refused', async () => {
    const before = await line(order.orderId);
    const again = await send({
      orderId: order.orderId,
      trackingNumbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
      idempotencyKey: 'ship-1',
    });
    expect(again).toMatchObject({ replayed: true, quantity: 2, shipmentKey, storeDone: true });
    expect(await line(order.orderId)).toEqual(before);
    expect(await outbox()).toHaveLength(1);
    await expect(
      send({ orderId: order.orderId, trackingNumbers: ['OTHER'], idempotencyKey: 'ship-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // A shipped shipment cannot be packed any more.
    await expect(
      ship().pack({
        facilityId: STORE,
        orderId: order.orderId,
        lineSeq: '00001',
        shipmentKey,
        actor: 'test',
        idempotencyKey: 'pack-after-ship',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_COMMAND', details: { field: 'shipmentKey' } });
  });

  it('exports the shipped item once: exact header, NetSuite ids, the store location, hotwax-fulfilled', async () => {
    const report = await exportNow();
    expect(report).toMatchObject({ rows: 1, records: 1, heldBack: 0, waiting: 0 });
    expect(report.files).toHaveLength(1);
    const text = await readCsv(report.files[0]!);
    expect(text).toBe(`${HEADER}\n1,${order.ns},${ITEM_ID},2,21,hotwax-fulfilled\n`);
    expect(await outbox()).toEqual([]);
    const second = await exportNow();
    expect(second).toMatchObject({ files: [], rows: 0, records: 0 });
  });

  it('partial ship: 1 of 2, then the other; the line goes to NetSuite once, with both units', async () => {
    const o = await releasedOrder(2);
    const picked = await pick({ orderId: o.orderId, idempotencyKey: `pick-${o.orderId}` });
    const first = await send({
      orderId: o.orderId,
      quantity: 1,
      trackingNumbers: 'TRACK-A',
      idempotencyKey: `ship-${o.orderId}-1`,
    });
    expect(first).toMatchObject({ quantity: 1, storeDone: false, buckets: { 3350: 1, 3700: 1 } });
    // NetSuite fulfils a line once: nothing goes while a unit of it is open.
    const early = await exportNow();
    expect(early).toMatchObject({ rows: 0, waiting: 1, files: [] });
    expect(await outbox()).toEqual([
      {
        id: `${o.orderId}#00001`,
        payload: expect.objectContaining({ quantity: 1, shipmentKey: picked.shipmentKey }),
      },
    ]);
    let l = await line(o.orderId);
    expect(l.shipments[picked.shipmentKey]).toMatchObject({
      planned: 2,
      quantity: 1,
      status: 'picking',
      trackingNumbers: ['TRACK-A'],
    });
    expect(await queue()).toEqual([
      expect.objectContaining({
        orderId: o.orderId,
        quantity: 1,
        picking: [expect.objectContaining({ shipmentKey: picked.shipmentKey, quantity: 1 })],
      }),
    ]);
    const rest = await send({
      orderId: o.orderId,
      trackingNumbers: ['TRACK-B'],
      idempotencyKey: `ship-${o.orderId}-2`,
    });
    expect(rest).toMatchObject({ quantity: 1, storeDone: true, buckets: { 3700: 2 } });
    l = await line(o.orderId);
    expect(l.shipments[picked.shipmentKey]).toMatchObject({
      quantity: 2,
      status: 'shipped',
      trackingNumbers: ['TRACK-A', 'TRACK-B'],
    });
    expect(lineInvariantViolations(l)).toEqual([]);
    expect(await queue()).toEqual([]);

    // The same record, put again by the second ship; one row with every unit shipped.
    expect(rest.exportId).toBe(first.exportId);
    expect((await outbox()).map((e) => e.id)).toEqual([`${o.orderId}#00001`]);
    const run1 = await exportNow();
    expect(run1).toMatchObject({ rows: 1, records: 1, waiting: 0 });
    expect(await exportedRows(run1)).toEqual([
      {
        lineId: '1',
        internalId: o.ns,
        item: ITEM_ID,
        quantity: '2',
        location: '21',
        tags: 'hotwax-fulfilled',
      },
    ]);
    expect((await exportNow()).rows).toBe(0);
  });

  it('a record (older per-shipment format) whose NetSuite ids are not back yet waits, then goes', async () => {
    // The release gates want NetSuite's ids, so a store shipment normally has them; the export
    // still waits for them rather than writing a broken row.
    const { intake, service } = orderRuntime(root());
    const created = await intake.submit(
      sampleOrder({}, [{ sku: SKU, quantity: 1, price: 10, shippingMethod: 'STANDARD' }]),
      { source: 'test', actor: 'test' },
    );
    if (created.status !== 'created') throw new Error(created.status);
    const orderId = created.orderId;
    const at = new Date().toISOString();
    // Shipped at the store (as the core records it), with a record of the older format.
    await service.fulfill({
      orderId,
      lineSeq: '00001',
      facilityId: STORE,
      quantity: 1,
      shipped: { trackingNumbers: ['T-W'], shippedAt: at },
      idempotencyKey: `ship-${orderId}`,
      actor: 'test',
    });
    await syncStore(root()).enqueue(
      'fulfilled',
      `SF-WAIT-${orderId}`,
      {
        orderId,
        lineSeq: '00001',
        facilityId: STORE,
        shipmentKey: `${orderId}-00001-S1`,
        quantity: 1,
        shippedAt: at,
      } satisfies OmsFulfilledPayload,
      at,
    );
    // A second record of the same line (one per shipment, as older ship commands wrote them).
    await syncStore(root()).enqueue(
      'fulfilled',
      `SF-WAIT2-${orderId}`,
      {
        orderId,
        lineSeq: '00001',
        facilityId: STORE,
        shipmentKey: `${orderId}-00001-S1`,
        quantity: 1,
        shippedAt: at,
      } satisfies OmsFulfilledPayload,
      at,
    );
    // One record stands for the line (the other leaves the outbox) and waits for the ids.
    expect(await exportNow()).toMatchObject({ rows: 0, waiting: 1, done: 1, files: [] });
    expect(await outbox()).toHaveLength(1);
    await service.recordNetsuiteIds({
      orderId,
      netsuiteOrderId: '999001',
      lineIds: { '00001': '7' },
      idempotencyKey: `ids-${orderId}`,
      actor: 'test',
    });
    const report = await exportNow();
    expect(await exportedRows(report)).toEqual([
      {
        lineId: '7',
        internalId: '999001',
        item: ITEM_ID,
        quantity: '1',
        location: '21',
        tags: 'hotwax-fulfilled',
      },
    ]);
    expect(await outbox()).toEqual([]);
  });
});

describe('store shipping: not found, re-brokered, new keys', () => {
  let order: { orderId: string; ns: string };
  const R1 = () => `${order.orderId}-00001-R1`;
  const S1 = () => `${order.orderId}-00001-S1`;

  it('not found at picking: 1400 at the store, shipment left at 0, release closed, back to brokering', async () => {
    order = await releasedOrder(1);
    await pick({ orderId: order.orderId, idempotencyKey: `pick-${order.orderId}` });
    expect(await inBrokeringQueue(order.orderId)).toBe(false);
    const result = await notFound({
      orderId: order.orderId,
      comments: 'not on the shelf',
      idempotencyKey: 'nf-1',
    });
    expect(result).toMatchObject({
      kind: 'not-found',
      quantity: 1,
      reason: 'NOT_FOUND',
      adjustment: undefined,
      replayed: false,
      move: { buckets: { 1400: 1 } },
    });
    const l = await line(order.orderId);
    expect(l.buckets).toEqual({ 1400: 1 });
    expect(l.rejectedBy).toEqual([STORE]);
    expect(l.shipments[S1()]).toMatchObject({
      planned: 1,
      quantity: 0,
      short: 1,
      status: 'not-found',
    });
    expect(l.releases[R1()]).toMatchObject({ releasedQty: 1, statusQuantity: 0 });
    expect(lineInvariantViolations(l)).toEqual([]);
    expect(await inBrokeringQueue(order.orderId)).toBe(true);
    expect((await queue()).map((i) => i.orderId)).not.toContain(order.orderId);
    expect((await queueItems()).map((i) => i.orderId)).not.toContain(order.orderId);
    // A replay changes nothing.
    const again = await notFound({
      orderId: order.orderId,
      comments: 'not on the shelf',
      idempotencyKey: 'nf-1',
    });
    expect(again).toMatchObject({ replayed: true, quantity: 1 });
    expect((await line(order.orderId)).version).toBe(l.version);
    // Nothing left at the store to pick, ship or report.
    await expect(pick({ orderId: order.orderId, idempotencyKey: 'nf-pick' })).rejects.toMatchObject(
      {
        code: 'INSUFFICIENT_QUANTITY',
      },
    );
    await expect(
      notFound({ orderId: order.orderId, idempotencyKey: 'nf-2' }),
    ).rejects.toMatchObject({
      code: 'INSUFFICIENT_QUANTITY',
    });
  });

  it('re-brokered to another store and re-released: new release key R2, new shipment key S2, old ones at 0', async () => {
    await allocate(order.orderId, STORE2, 1400, 1);
    await scheduleAndRelease(order.orderId, STORE2, 1);
    expect((await queue(STORE2)).map((i) => i.released)).toEqual([
      [{ releaseKey: `${order.orderId}-00001-R2`, quantity: 1 }],
    ]);
    const picked = await pick({
      orderId: order.orderId,
      facilityId: STORE2,
      idempotencyKey: `pick2-${order.orderId}`,
    });
    expect(picked).toMatchObject({
      releaseKey: `${order.orderId}-00001-R2`,
      shipmentKey: `${order.orderId}-00001-S2`,
    });
    const shipped = await send({
      orderId: order.orderId,
      facilityId: STORE2,
      trackingNumbers: ['T-2'],
      idempotencyKey: `ship2-${order.orderId}`,
    });
    expect(shipped).toMatchObject({ quantity: 1, shipmentKey: `${order.orderId}-00001-S2` });
    const stored = await records(order.orderId);
    const rel = Object.fromEntries(stored.releases.map((r) => [r.key, r.statusQuantity]));
    const shp = Object.fromEntries(stored.shipments.map((s) => [s.key, [s.quantity, s.status]]));
    expect(rel).toEqual({ [R1()]: 0, [`${order.orderId}-00001-R2`]: 0 });
    expect(shp).toEqual({
      [S1()]: [0, 'not-found'],
      [`${order.orderId}-00001-S2`]: [1, 'shipped'],
    });
    const l = await line(order.orderId);
    expect(l.buckets).toEqual({ 3700: 1 });
    expect(lineInvariantViolations(l)).toEqual([]);
    const report = await exportNow();
    expect(await exportedRows(report)).toEqual([
      {
        lineId: '1',
        internalId: order.ns,
        item: ITEM_ID,
        quantity: '1',
        location: '22',
        tags: 'hotwax-fulfilled',
      },
    ]);
  });

  it('rejection takes released units (3200 → 1400) and scheduled ones (1500 → 1200 → 1400)', async () => {
    const released = await releasedOrder(1);
    const r = await storeFulfillment(root()).rejectStoreItem({
      facilityId: STORE,
      orderId: released.orderId,
      lineSeq: '00001',
      reason: 'WORN_DISPLAY',
      actor: 'test',
      idempotencyKey: `rej-${released.orderId}`,
    });
    expect(r).toMatchObject({ kind: 'rejected', quantity: 1, move: { buckets: { 1400: 1 } } });
    let l = await line(released.orderId);
    expect(l.releases[`${released.orderId}-00001-R1`]).toMatchObject({ statusQuantity: 0 });
    expect(l.rejectedBy).toEqual([STORE]);
    expect(await inBrokeringQueue(released.orderId)).toBe(true);

    const scheduled = await approvedOrder(2);
    await allocate(scheduled.orderId, STORE, 1100, 2);
    await scheduleAndRelease(scheduled.orderId, STORE, 2, false);
    const reserved = (await orderRuntime(root()).positions.facility(SKU, STORE)).position.reserved;
    const s = await storeFulfillment(root()).rejectStoreItem({
      facilityId: STORE,
      orderId: scheduled.orderId,
      lineSeq: '00001',
      reason: 'NOT_IN_STOCK',
      actor: 'test',
      idempotencyKey: `rej-${scheduled.orderId}`,
    });
    expect(s.move.steps).toEqual([
      expect.objectContaining({ from: 1500, to: 1200, quantity: 2 }),
      expect.objectContaining({ from: 1200, to: 1400, quantity: 2 }),
    ]);
    l = await line(scheduled.orderId);
    expect(l.buckets).toEqual({ 1400: 2 });
    expect(l.alloc[STORE]).toBeUndefined();
    expect((await orderRuntime(root()).positions.facility(SKU, STORE)).position.reserved).toBe(
      reserved - 2,
    );
    expect((await queueItems()).map((i) => i.orderId)).not.toContain(scheduled.orderId);
  });
});

describe('store shipping over HTTP', () => {
  it('picks, ships and reports not found through the API', async () => {
    const api = cloud.api!;
    const call = (path: string, body: unknown) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const o = await releasedOrder(2);
    const base = { orderId: o.orderId, lineSeq: '00001' };
    const picked = await call(`/stores/${STORE}/picks`, {
      ...base,
      quantity: 1,
      idempotencyKey: 'http-pick-1',
    });
    expect(picked.status).toBe(200);
    expect(await picked.json()).toMatchObject({
      quantity: 1,
      shipmentKey: `${o.orderId}-00001-S1`,
    });
    const replay = await call(`/stores/${STORE}/picks`, {
      ...base,
      quantity: 1,
      idempotencyKey: 'http-pick-1',
    });
    expect(await replay.json()).toMatchObject({ replayed: true });
    const packed = await call(`/stores/${STORE}/packs`, {
      ...base,
      packages: 1,
      idempotencyKey: 'http-pack-1',
    });
    expect(packed.status).toBe(200);
    expect(await packed.json()).toMatchObject({ packages: 1, replayed: false });

    const bad = await call(`/stores/${STORE}/shipments`, {
      ...base,
      trackingNumbers: [42],
      idempotencyKey: 'http-ship-bad',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'INVALID_COMMAND',
      field: 'trackingNumbers[0]',
    });
    const shipped = await call(`/stores/${STORE}/shipments`, {
      ...base,
      trackingNumbers: ['H-1'],
      idempotencyKey: 'http-ship-1',
    });
    expect(shipped.status).toBe(200);
    expect(await shipped.json()).toMatchObject({ quantity: 1, storeDone: false });
    const none = await call(`/stores/${STORE}/shipments`, {
      ...base,
      idempotencyKey: 'http-ship-2',
    });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: 'INSUFFICIENT_QUANTITY' });

    // The second unit is still released: "not found" takes it too.
    const nf = await call(`/stores/${STORE}/not-found`, { ...base, idempotencyKey: 'http-nf-1' });
    expect(nf.status).toBe(200);
    expect(await nf.json()).toMatchObject({ quantity: 1, kind: 'not-found', reason: 'NOT_FOUND' });
    expect((await line(o.orderId)).buckets).toEqual({ 1400: 1, 3700: 1 });
    // A unit is open: nothing goes. Cancelled, the line goes with the unit that shipped.
    expect(await exportNow()).toMatchObject({ rows: 0, waiting: 1 });
    await cancellations(root()).cancel({
      orderId: o.orderId,
      lineSeq: '00001',
      reason: 'MERCHANT_OUT_OF_STOCK',
      actor: 'test',
      idempotencyKey: `http-cancel-${o.orderId}`,
    });
    expect(await exportedRows(await exportNow())).toEqual([
      {
        lineId: '1',
        internalId: o.ns,
        item: ITEM_ID,
        quantity: '1',
        location: '21',
        tags: 'hotwax-fulfilled',
      },
    ]);
    expect(await outbox()).toEqual([]);
  });
});

describe('OMS-fulfilled export: file size', () => {
  it('2,501 shipped items go out in two files (at most 2,500 rows each)', async () => {
    // 28 orders of 90 lines give 2,520 lines with NetSuite ids; 2,501 of them shipped.
    const refs: { orderId: string; lineSeq: string }[] = [];
    for (let i = 0; i < 28; i++) {
      const { orderId } = await approvedOrder(1, 90);
      for (let n = 1; n <= 90; n++) refs.push({ orderId, lineSeq: String(n).padStart(5, '0') });
    }
    const sync = syncStore(root());
    const at = new Date().toISOString();
    const picked = refs.slice(0, 2_501);
    // Shipped at the store (as the core records it), each with a record of the older format.
    for (let i = 0; i < picked.length; i += 50) {
      await Promise.all(
        picked.slice(i, i + 50).map((r) =>
          orderRuntime(root()).service.fulfill({
            ...r,
            facilityId: STORE,
            quantity: 1,
            shipped: { trackingNumbers: ['T-BULK'], shippedAt: at },
            idempotencyKey: `bulk-ship-${r.orderId}-${r.lineSeq}`,
            actor: 'test',
          }),
        ),
      );
    }
    for (let i = 0; i < picked.length; i += 50) {
      await Promise.all(
        picked.slice(i, i + 50).map((r, j) =>
          sync.enqueue(
            'fulfilled',
            `SF-BULK-${i + j}`,
            {
              ...r,
              facilityId: STORE,
              shipmentKey: `${r.orderId}-${r.lineSeq}-S1`,
              quantity: 1,
              shippedAt: at,
            } satisfies OmsFulfilledPayload,
            at,
          ),
        ),
      );
    }
    const report = await exportNow();
    expect(report).toMatchObject({ rows: 2_501, records: 2_501, waiting: 0, heldBack: 0 });
    expect(report.files).toHaveLength(2);
    const counts = await Promise.all(
      report.files.map(async (f) => {
        const text = await readCsv(f);
        expect(text.split('\n')[0]).toBe(HEADER);
        return (parse(text, { columns: true }) as unknown[]).length;
      }),
    );
    expect(counts.sort((a, b) => b - a)).toEqual([2_500, 1]);
    expect(await outbox()).toEqual([]);
  }, 180_000);
});

describe('OMS-fulfilled export: a line NetSuite cannot fulfil once', () => {
  it('shipped from two stores: held back with the reason (listed by oms sync status), never sent', async () => {
    const o = await releasedOrder(2);
    await pick({ orderId: o.orderId, idempotencyKey: `pick-${o.orderId}` });
    await send({ orderId: o.orderId, quantity: 1, idempotencyKey: `ship-${o.orderId}` });
    await notFound({ orderId: o.orderId, idempotencyKey: `nf-${o.orderId}` });
    await allocate(o.orderId, STORE2, 1400, 1);
    await scheduleAndRelease(o.orderId, STORE2, 1);
    await pick({
      orderId: o.orderId,
      facilityId: STORE2,
      idempotencyKey: `pick2-${o.orderId}`,
    });
    await send({ orderId: o.orderId, facilityId: STORE2, idempotencyKey: `ship2-${o.orderId}` });
    expect((await line(o.orderId)).buckets).toEqual({ 3700: 2 });
    const report = await exportNow();
    const reason = `line ${o.orderId}/00001 shipped from 2 facilities (${STORE}: 1, ${STORE2}: 1): NetSuite fulfils a line once, at one location`;
    expect(report).toMatchObject({ rows: 0, heldBack: 1, files: [] });
    expect(report.held).toEqual([{ id: `${o.orderId}#00001`, reasons: [reason] }]);
    const held: { id: string; heldBack?: string }[] = [];
    for await (const page of syncStore(root()).entries('fulfilled')) {
      held.push(...page.map((e) => ({ id: e.id, heldBack: e.state.heldBack })));
    }
    expect(held).toEqual([{ id: `${o.orderId}#00001`, heldBack: reason }]);
    expect(await exportNow()).toMatchObject({ rows: 0, heldBack: 1 });
  });
});
