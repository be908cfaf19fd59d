/**
 * The store side of fulfilment on the local cloud: the store queue lists what brokering allocated
 * to a store; a store rejection moves the item 1200 → 1400 (reservation released, the store in
 * `rejectedBy`), puts the order back in the brokering queue and, for an inventory reason, queues
 * the NetSuite inventory adjustment, which the export writes to `inventoryadjustment/csv` (exact
 * header, signed quantity, the account's internal id, the store's subsidiary, Reference No = the
 * adjustment id, at most 1,000 rows a file). Units stolen or damaged are held (an adjustment hold
 * counted in reserved) until NetSuite's figure reflects the adjustment; NetSuite's figure in the OMS
 * never changes at the rejection, and a found variance changes nothing until NetSuite has it. A
 * replay changes nothing; other reasons only re-broker. Also once through the HTTP API. When
 * NetSuite's adjustment delta export returns the OMS's own adjustments
 * (`OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`), the delta import applies the returned row and ends the
 * hold in one transaction (counted exactly once); when it does not, nothing is matched and the hold
 * stays for the snapshot that reflects it.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';
import { CommandError } from '../../shared/domain/lifecycle/errors.ts';
import {
  brokeringStore,
  deltaImporter,
  mappingStore,
  orderRuntime,
  root,
  storeFulfillment,
  syncStore,
} from '../../shared/app/root.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import { NETSUITE_FULFILLED } from '../../shared/domain/sync/allocation-rows.ts';
import type { InventoryAdjustmentPayload } from '../../shared/domain/sync/inventory-adjustment-rows.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { reconcileReservations } from '../../shared/jobs/reconcile-reservations.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const TOKEN = 'store-token-1';
const STORE = 'STORE1';
const WAREHOUSE = 'WH1';
const SKU = 'SR-SKU-A';
const HEADER =
  'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,HC Inventory Adj Id,Adjustment Location,Subsidiary';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const today = () => new Date().toISOString().slice(0, 10);

const facilities: Facility[] = [
  {
    facilityId: STORE,
    externalId: '21',
    name: 'Store 1',
    kind: 'store',
    groups: ['STORES'],
    subsidiary: '2',
  },
  {
    facilityId: WAREHOUSE,
    externalId: '13',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
];

/** An approved order of `quantity` units of SKU, allocated to the store as brokering does it. */
async function allocatedOrder(quantity: number): Promise<string> {
  const { intake, service } = orderRuntime(root());
  const created = await intake.submit(
    sampleOrder({}, [{ sku: SKU, quantity, price: 10, shippingMethod: 'STANDARD' }]),
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
  const brokering = brokeringStore(root());
  const at = new Date().toISOString();
  await service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId: STORE,
    idempotencyKey: `alloc-${orderId}`,
    actor: 'brokering',
    linked: [
      {
        label: 'linked:store-queue',
        item: brokering.storeQueuePut({
          facilityId: STORE,
          orderId,
          lineSeq: '00001',
          sku: SKU,
          quantity,
          allocatedAt: at,
        }),
      },
    ],
  });
  await brokering.addDailyCount(at.slice(0, 10), STORE, 1);
  return orderId;
}

const figure = async () => orderRuntime(root()).positions.facility(SKU, STORE);
/** The store's adjustment holds: adjustment id → units. */
const holds = async () =>
  Object.fromEntries(
    (await orderRuntime(root()).positions.rowsAt(SKU, STORE)).holds.map((h) => [
      h.adjustmentId,
      h.qty,
    ]),
  );
/** What the OMS may still promise at the store: figure − reserved (holds included) − safety. */
const available = async () => {
  const f = await figure();
  return (f.nsQty ?? 0) - f.position.reserved - f.position.safety;
};
const line = async (orderId: string) =>
  (await orderRuntime(root()).orders.order(orderId)).lines[0]!;
const inBrokeringQueue = async (orderId: string) =>
  (await brokeringStore(root()).queue(BROKERING_QUEUE)).some((e) => e.orderId === orderId);
const storeCount = async () => (await brokeringStore(root()).dailyCounts(today())).get(STORE) ?? 0;
const outbox = async () => {
  const out: { id: string; payload: InventoryAdjustmentPayload }[] = [];
  for await (const page of syncStore(root()).entries<InventoryAdjustmentPayload>('invadj')) {
    out.push(...page.map((e) => ({ id: e.id, payload: e.payload })));
  }
  return out;
};
const exportNow = () =>
  cloud.scheduler.runNow('inventory-adjustment-export') as Promise<ExportReport>;
const readCsv = async (name: string) => {
  const key = `${feedPrefix(cloud.sftp.user, feedById('inventory-adjustment-export'))}${name}`;
  return (await feedFiles().readText(key))!;
};
const reject = (over: Record<string, unknown>) =>
  storeFulfillment(root()).rejectStoreItem({
    facilityId: STORE,
    lineSeq: '00001',
    actor: 'test',
    orderId: undefined,
    reason: 'VAR_DAMAGED',
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
        { sku: SKU, facilityId: f.facilityId, availableQty: 20, itemId: '501' },
        { file: 'snapshot.csv', importedAt: new Date().toISOString() },
      ),
    );
  }
  await inventory.flush();
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const item of productItems(
    { sku: SKU, itemId: '501' },
    { file: 'test', importedAt: new Date().toISOString() },
  )) {
    await products.put(item);
  }
  await products.flush();
  await mappingStore(root()).save([{ kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' }]);
}, 120_000);

afterAll(async () => cloud?.cleanup());

describe('store fulfilment: queue and rejections', () => {
  let damaged: string;

  it('lists the items allocated to the store, with the quantity allocated there now', async () => {
    damaged = await allocatedOrder(3);
    const queue = await storeFulfillment(root()).storeQueue(STORE);
    expect(queue).toEqual([
      expect.objectContaining({
        facilityId: STORE,
        orderId: damaged,
        lineSeq: '00001',
        sku: SKU,
        quantity: 3,
      }),
    ]);
    expect(await storeFulfillment(root()).storeQueue(WAREHOUSE)).toEqual([]);
    expect((await figure()).position.reserved).toBe(3);
  });

  it('refuses clearly and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ orderId: 'NO-SUCH-ORDER', idempotencyKey: 'r-x1' }, 'UNKNOWN_ORDER'],
      [{ orderId: damaged, lineSeq: '00009', idempotencyKey: 'r-x2' }, 'UNKNOWN_LINE'],
      [
        { orderId: damaged, facilityId: WAREHOUSE, idempotencyKey: 'r-x3' },
        'INSUFFICIENT_QUANTITY',
      ],
      [{ orderId: damaged, quantity: 4, idempotencyKey: 'r-x4' }, 'INSUFFICIENT_QUANTITY'],
      [{ orderId: damaged, quantity: 1.5, idempotencyKey: 'r-x5' }, 'INVALID_COMMAND'],
      [{ orderId: damaged, reason: 'VAR DAMAGED', idempotencyKey: 'r-x6' }, 'INVALID_COMMAND'],
      [{ orderId: damaged, reason: '', idempotencyKey: 'r-x7' }, 'INVALID_COMMAND'],
      [{ orderId: damaged }, 'MISSING_IDEMPOTENCY_KEY'],
    ];
    for (const [input, code] of cases) {
      await expect(reject(input), JSON.stringify(input)).rejects.toMatchObject({ code });
    }
    expect((await line(damaged)).buckets).toMatchObject({ 1200: 3 });
    expect(await outbox()).toEqual([]);
    expect((await figure()).nsQty).toBe(20);
  });

  it('VAR_DAMAGED: back to brokering, reservation released, units held (figure unchanged), adjustment queued', async () => {
    expect(await inBrokeringQueue(damaged)).toBe(false);
    expect(await storeCount()).toBe(1);
    expect(await available()).toBe(17);
    const result = await reject({
      orderId: damaged,
      reason: 'VAR_DAMANGED', // HotWax's misspelling is taken
      comments: 'box crushed, wet',
      idempotencyKey: 'rej-damaged-1',
    });
    expect(result).toMatchObject({
      quantity: 3,
      reason: 'VAR_DAMAGED',
      replayed: false,
      dailyCountReturned: true,
      adjustment: { delta: -3, inventory: 'held' },
    });
    const l = await line(damaged);
    expect(l.buckets).toMatchObject({ 1400: 3 });
    expect(l.buckets[1200] ?? 0).toBe(0);
    expect(l.alloc[STORE]).toBeUndefined();
    expect(l.rejectedBy).toEqual([STORE]);
    // NetSuite's figure is NetSuite's: unchanged. The 3 units are held instead of reserved.
    const f = await figure();
    expect(f.nsQty).toBe(20);
    expect(f.position.reserved).toBe(3);
    expect(await holds()).toEqual({ [result.adjustment!.adjustmentId]: 3 });
    expect(await available()).toBe(17);
    // The reservation rows and the holds add up to reserved: nothing for reconcile to repair.
    expect(
      await reconcileReservations(orderRuntime(root()).positions, { skus: [SKU] }),
    ).toMatchObject({
      fixed: [],
      busy: [],
    });
    expect(await inBrokeringQueue(damaged)).toBe(true);
    expect(await storeFulfillment(root()).storeQueue(STORE)).toEqual([]);
    expect(await storeCount()).toBe(0);
    const entries = await outbox();
    expect(entries).toEqual([
      {
        id: result.adjustment!.adjustmentId,
        payload: expect.objectContaining({
          sku: SKU,
          facilityId: STORE,
          delta: -3,
          orderId: damaged,
        }),
      },
    ]);
  });

  it('exports the adjustment once, with the exact header and the signed row', async () => {
    const report = await exportNow();
    expect(report).toMatchObject({ rows: 1, records: 1, heldBack: 0, done: 0 });
    expect(report.files).toHaveLength(1);
    const text = await readCsv(report.files[0]!);
    expect(text.split('\n')[0]).toBe(HEADER);
    const [row] = parse(text, { columns: true }) as Record<string, string>[];
    const day = today();
    expect(row).toEqual({
      // Unique per adjustment (the adjustment id): two rejections of one line are two adjustments.
      'Reference No': row!['HC Inventory Adj Id'],
      // The local cloud's default for OMS_NETSUITE_ADJUSTMENT_ACCOUNT (the simulator's account).
      'Adjustment Account': '58',
      Item: '501',
      'Adjust Qty By': '-3',
      Location: '21',
      Date: `${day.slice(5, 7)}/${day.slice(8, 10)}/${day.slice(0, 4)}`,
      Memo: 'VAR_DAMAGED: box crushed, wet',
      'HC Inventory Adj Id': expect.stringMatching(new RegExp(`^SR-${damaged}-00001-`)),
      'Adjustment Location': '21',
      Subsidiary: '2',
    });
    expect(await outbox()).toEqual([]);
    expect((await exportNow()).files).toEqual([]);
  });

  it('a replay (same key) changes nothing', async () => {
    const again = await reject({
      orderId: damaged,
      reason: 'VAR_DAMAGED',
      comments: 'box crushed, wet',
      idempotencyKey: 'rej-damaged-1',
    });
    expect(again).toMatchObject({
      replayed: true,
      quantity: 3,
      dailyCountReturned: false,
      adjustment: { delta: -3, inventory: 'duplicate' },
    });
    expect((await figure()).nsQty).toBe(20);
    expect((await figure()).position.reserved).toBe(3);
    expect(Object.values(await holds())).toEqual([3]);
    expect(await outbox()).toEqual([]);
    expect(await storeCount()).toBe(0);
    expect((await line(damaged)).buckets).toMatchObject({ 1400: 3 });
    // The same key for another rejection is refused.
    await expect(
      reject({ orderId: damaged, reason: 'VAR_STOLEN', idempotencyKey: 'rej-damaged-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('another reason only re-brokers: no adjustment, no hold, figure unchanged', async () => {
    const orderId = await allocatedOrder(2);
    const before = (await figure()).nsQty;
    const result = await reject({ orderId, reason: 'OTHER', idempotencyKey: 'rej-other-1' });
    expect(result).toMatchObject({ quantity: 2, reason: 'OTHER', adjustment: undefined });
    expect(result.adjustment).toBeUndefined();
    expect((await figure()).nsQty).toBe(before);
    // Only the damaged units' hold is left in reserved.
    expect((await figure()).position.reserved).toBe(3);
    expect(await outbox()).toEqual([]);
    expect(await inBrokeringQueue(orderId)).toBe(true);
    expect((await line(orderId)).buckets).toMatchObject({ 1400: 2 });
  });

  it('VAR_FOUND of part of an allocation: nothing counted until NetSuite has it, the rest stays in the store queue', async () => {
    const orderId = await allocatedOrder(2);
    const before = (await figure()).nsQty!;
    const holdsBefore = await holds();
    const result = await reject({
      orderId,
      reason: 'var_found',
      quantity: 1,
      idempotencyKey: 'rej-found-1',
    });
    expect(result).toMatchObject({
      quantity: 1,
      dailyCountReturned: false,
      adjustment: { delta: 1, inventory: 'unchanged' },
    });
    // NetSuite's next figure will carry the found unit: the OMS adds nothing now, holds nothing.
    expect((await figure()).nsQty).toBe(before);
    expect(await holds()).toEqual(holdsBefore);
    // The damaged hold (3) and the unit still allocated (1).
    expect((await figure()).position.reserved).toBe(4);
    expect(await storeFulfillment(root()).storeQueue(STORE)).toEqual([
      expect.objectContaining({ orderId, quantity: 1 }),
    ]);
    expect((await line(orderId)).buckets).toMatchObject({ 1200: 1, 1400: 1 });
    const report = await exportNow();
    const [row] = parse(await readCsv(report.files[0]!), { columns: true }) as Record<
      string,
      string
    >[];
    expect(row).toMatchObject({ 'Adjust Qty By': '1', Memo: 'VAR_FOUND' });
  });

  it('a refused move takes the hold back; the same key then holds again', async () => {
    const orderId = await allocatedOrder(1);
    const reserved = (await figure()).position.reserved;
    const holdsBefore = await holds();
    const refusing = storeFulfillment(root(), {
      service: {
        backorderFromNode: async () => {
          throw new CommandError('CONFLICT', 'gave up (test)');
        },
      },
    });
    const input = {
      facilityId: STORE,
      orderId,
      lineSeq: '00001',
      reason: 'VAR_DAMAGED',
      actor: 'test',
      idempotencyKey: 'rej-refused-1',
    };
    await expect(refusing.rejectStoreItem(input)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await holds()).toEqual(holdsBefore);
    expect((await figure()).position.reserved).toBe(reserved);
    const result = await storeFulfillment(root()).rejectStoreItem(input);
    expect(result).toMatchObject({ quantity: 1, adjustment: { inventory: 'held' } });
    expect((await holds())[result.adjustment!.adjustmentId]).toBe(1);
    // The line's unit left the reservation, the hold took it: reserved is unchanged.
    expect((await figure()).position.reserved).toBe(reserved);
    await exportNow(); // leaves the outbox empty for the next test
  });

  it('through the HTTP API: the queue and a rejection', async () => {
    const orderId = await allocatedOrder(1);
    const api = cloud.api!;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const queue = await call('GET', `/stores/${STORE}/queue`);
    expect(queue.status).toBe(200);
    const listed = (await queue.json()) as { items: { orderId: string }[] };
    expect(listed.items.map((i) => i.orderId)).toContain(orderId);

    const body = { orderId, lineSeq: '00001', reason: 'VAR_STOLEN', idempotencyKey: 'http-1' };
    const res = await call('POST', `/stores/${STORE}/rejections`, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      quantity: 1,
      reason: 'VAR_STOLEN',
      replayed: false,
      adjustment: { delta: -1, inventory: 'held' },
    });
    const replay = await call('POST', `/stores/${STORE}/rejections`, body);
    expect(await replay.json()).toMatchObject({ replayed: true });
    const bad = await call('POST', `/stores/${STORE}/rejections`, { ...body, reason: 'no good' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'INVALID_COMMAND', field: 'reason' });
    const none = await call('POST', `/stores/${STORE}/rejections`, {
      ...body,
      idempotencyKey: 'http-2',
    });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: 'INSUFFICIENT_QUANTITY' });
    expect((await line(orderId)).rejectedBy).toEqual([STORE]);
    await exportNow(); // leaves the outbox empty for the next test
  });

  it('1,001 adjustments go out in two files (at most 1,000 rows each)', async () => {
    const sync = syncStore(root());
    const at = new Date().toISOString();
    const ids = Array.from({ length: 1_001 }, (_, i) => `SR-BULK-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id, j) =>
          sync.enqueue(
            'invadj',
            id,
            {
              adjustmentId: id,
              sku: SKU,
              facilityId: STORE,
              delta: -1,
              reason: 'VAR_DAMAGED',
              at,
              orderId: 'BULK',
              lineSeq: String(i + j + 1).padStart(5, '0'),
            } satisfies InventoryAdjustmentPayload,
            at,
          ),
        ),
      );
    }
    const report = await exportNow();
    expect(report).toMatchObject({ rows: 1_001, records: 1_001, done: 0 });
    expect(report.files).toHaveLength(2);
    const counts = await Promise.all(
      report.files.map(async (f) => {
        const text = await readCsv(f);
        expect(text.split('\n')[0]).toBe(HEADER);
        return (parse(text, { columns: true }) as unknown[]).length;
      }),
    );
    expect(counts.sort((a, b) => b - a)).toEqual([1_000, 1]);
    expect(await outbox()).toEqual([]);
  });
});

describe("NetSuite's adjustment deltas and the OMS's own adjustments", () => {
  const INCLUDE = 'OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS';
  let file = 0;
  /** One `inventoryadjustment/import` file through the delta importer; its log-line figures. */
  const deltaFile = async (
    rows: readonly string[],
    opts: { includeOms?: boolean; writtenAt?: Date } = {},
  ) => {
    const fileName = `adjustment-deltas-${++file}.csv`;
    const session = await deltaImporter(root(), 'inventory-adjustment-import', {
      ...(opts.includeOms === undefined ? {} : { includeOms: opts.includeOms }),
    }).open({
      key: fileName,
      fileName,
      eTag: `e${file}`,
      resumed: false,
      lastModified: opts.writtenAt ?? new Date(),
    });
    for (const [i, r] of rows.entries()) {
      const [externalFacilityId, idValue, idType, availableDelta, comments] = r.split(',');
      const rejected = await session.row(
        { externalFacilityId, idValue, idType, availableDelta, comments } as Record<string, string>,
        i + 2,
      );
      expect(rejected).toBeUndefined();
    }
    return session.finish();
  };
  const row = (delta: number, tx: number) =>
    `21,501,NETSUITE_PRODUCT_ID,${delta},Inventory Adjusted from Inventory Adjustment Transaction # ${tx} in NetSuite `;

  it('when NetSuite returns them (setting true): the returned row applies and ends the hold, exactly once', async () => {
    process.env[INCLUDE] = 'true';
    try {
      const before = (await figure()).nsQty!;
      const orderId = await allocatedOrder(2);
      const reservedBefore = (await figure()).position.reserved;
      const result = await reject({ orderId, reason: 'VAR_DAMAGED', idempotencyKey: 'own-1' });
      const id = result.adjustment!.adjustmentId;
      // The OMS holds the units; NetSuite's figure stays NetSuite's.
      expect((await figure()).nsQty).toBe(before);
      expect((await holds())[id]).toBe(2);
      expect((await figure()).position.reserved).toBe(reservedBefore);
      const exported = await exportNow();
      expect(exported.records).toBe(1);
      const availableBefore = await available();

      // A delta file NetSuite wrote before it had our adjustment cannot hold it: applied, held on.
      const early = await deltaFile([row(-2, 7000)], {
        writtenAt: new Date(Date.now() - 3_600_000),
      });
      expect(early).toMatchObject({ applied: 1, own: 0, ownHoldsEnded: 0 });
      expect((await figure()).nsQty).toBe(before - 2);
      expect((await holds())[id]).toBe(2);

      // NetSuite's adjustment delta returns ours (7001) beside a genuine adjustment of the same
      // size at the same store (7002): ours lowers the figure and ends its hold in one go (the
      // availability does not move), the other lowers the figure.
      const stats = await deltaFile([row(-2, 7001), row(-2, 7002)]);
      expect(stats).toMatchObject({ own: 1, ownHoldsEnded: 1, applied: 1, duplicates: 0 });
      expect((await figure()).nsQty).toBe(before - 6);
      expect((await holds())[id]).toBeUndefined();
      expect((await figure()).position.reserved).toBe(reservedBefore - 2);
      expect(await available()).toBe(availableBefore - 4);

      // NetSuite repeats its boundary row in the next file: a duplicate, the hold is not ended
      // twice (reserved does not drop again), nothing matched again.
      const again = await deltaFile([row(-2, 7001), row(-2, 7003)]);
      expect(again).toMatchObject({ own: 0, ownHoldsEnded: 0, applied: 1, duplicates: 1 });
      expect((await figure()).nsQty).toBe(before - 8);
      expect((await figure()).position.reserved).toBe(reservedBefore - 2);
      // Ending it again (the settle step at a snapshot) finds nothing to end.
      expect(await orderRuntime(root()).positions.holds.end(SKU, STORE, id)).toBe('none');
      expect((await figure()).position.reserved).toBe(reservedBefore - 2);
      expect(
        await reconcileReservations(orderRuntime(root()).positions, { skus: [SKU] }),
      ).toMatchObject({
        fixed: [],
      });
    } finally {
      delete process.env[INCLUDE];
    }
  });

  it('setting true, the hold already ended at a snapshot that reflects it: the returned row is matched, not applied', async () => {
    process.env[INCLUDE] = 'true';
    try {
      const orderId = await allocatedOrder(1);
      const result = await reject({ orderId, reason: 'VAR_STOLEN', idempotencyKey: 'own-3' });
      const id = result.adjustment!.adjustmentId;
      expect((await exportNow()).records).toBe(1);
      const reserved = (await figure()).position.reserved;
      // The settle step ends the hold (NetSuite's figure now has the adjustment).
      expect(await orderRuntime(root()).positions.holds.end(SKU, STORE, id)).toBe('ended');
      expect((await figure()).position.reserved).toBe(reserved - 1);
      const before = (await figure()).nsQty!;
      const stats = await deltaFile([row(-1, 7201)]);
      expect(stats).toMatchObject({ own: 1, ownHoldsEnded: 0, applied: 0 });
      expect((await figure()).nsQty).toBe(before);
      expect((await figure()).position.reserved).toBe(reserved - 1);
    } finally {
      delete process.env[INCLUDE];
    }
  });

  it('when NetSuite does not return them (default false): nothing is matched, the hold stays', async () => {
    const before = (await figure()).nsQty!;
    const orderId = await allocatedOrder(1);
    const result = await reject({ orderId, reason: 'VAR_STOLEN', idempotencyKey: 'own-2' });
    const id = result.adjustment!.adjustmentId;
    expect((await figure()).nsQty).toBe(before);
    expect((await holds())[id]).toBe(1);
    expect((await exportNow()).records).toBe(1);
    // A row that looks like ours is NetSuite's own adjustment here: applied; the hold stays (it
    // ends at the snapshot that reflects the adjustment).
    const stats = await deltaFile([row(-1, 7101)]);
    expect(stats).toMatchObject({ own: 0, applied: 1 });
    expect((await figure()).nsQty).toBe(before - 1);
    expect((await holds())[id]).toBe(1);
    // Even an importer told to match finds nothing pending: the export recorded none.
    const matching = await deltaFile([row(-1, 7102)], { includeOms: true });
    expect(matching).toMatchObject({ own: 0, applied: 1 });
    expect((await figure()).nsQty).toBe(before - 2);
    expect((await holds())[id]).toBe(1);
  });

  it('reconcile counts the adjustment holds with the reservation rows', async () => {
    const { positions } = orderRuntime(root());
    const { reservations, holds: held } = await positions.rowsAt(SKU, STORE);
    const sum = [...reservations, ...held].reduce((n, r) => n + r.qty, 0);
    expect(held.length).toBeGreaterThan(0);
    expect((await figure()).position.reserved).toBe(sum);
    // Drift: the position loses the holds; reconcile puts them back.
    const seen = await figure();
    expect(
      await positions.writePosition(seen, { reserved: sum - 2 }, new Date().toISOString()),
    ).toBe(true);
    const report = await reconcileReservations(positions, { skus: [SKU] });
    expect(report.fixed).toEqual([
      {
        sku: SKU,
        facilityId: STORE,
        was: sum - 2,
        now: sum,
        rows: reservations.length + held.length,
        holds: held.length,
      },
    ]);
    expect((await figure()).position.reserved).toBe(sum);
  });
});
