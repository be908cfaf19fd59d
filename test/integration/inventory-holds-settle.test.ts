/**
 * When a hold ends (docs/inventory.md), on the local cloud. The test plays NetSuite: it moves the
 * OMS's files to `archive/` (NetSuite took them), writes an error file, uploads a fulfillment file
 * and a snapshot. Then:
 *
 * - the `netsuite-exceptions` job writes a reflect entry per record of a taken allocation,
 *   OMS-fulfilled or inventory adjustment file, covering the quantity the row told NetSuite (kept
 *   in the manifest), taken at the archived object's time; a record refused afterwards loses it;
 * - NetSuite's own fulfillment file gives an entry covering the units shipped from there; units it
 *   shipped that the OMS no longer promised (the line was cancelled) are held at the facility,
 *   once per row, until a snapshot reflects the shipment;
 * - the settle step, for a snapshot uploaded after takenAt + L, ends what an entry covers at the
 *   pairs the file listed (line: reflected, reservation row and position lowered; adjustment: its
 *   hold ends), leaves the rest for a later file, and changes nothing when run again; a snapshot
 *   file imported through the feed does it on its own;
 * - the reconcile job lists holds older than OMS_HOLD_MAX_AGE_HOURS with an alarm line.
 *
 * The tests build on each other: they run in order on one cloud.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Facility } from '../../shared/domain/facility.ts';
import type { LineState } from '../../shared/domain/lifecycle/line.ts';
import {
  allocationEntryId,
  NETSUITE_FULFILLED,
  type AllocationPayload,
} from '../../shared/domain/sync/allocation-rows.ts';
import type { InventoryAdjustmentPayload } from '../../shared/domain/sync/inventory-adjustment-rows.ts';
import {
  omsFulfilledEntryId,
  type OmsFulfilledPayload,
} from '../../shared/domain/sync/oms-fulfilled-rows.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { s3 } from '../../shared/files/s3-client.ts';
import { settleReflected } from '../../shared/inventory/settle.ts';
import type { ReconcileReport } from '../../shared/jobs/reconcile-reservations.ts';
import {
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  root,
  settleDeps,
  syncStore,
} from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import { ReflectStore, type ReflectEntry } from '../../shared/store/reflect-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import type { ExceptionsReport } from '../../shared/sync/netsuite-exceptions.ts';
import { keptInS3 } from '../support/kept-files.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const WH = 'WH1';
const STORE = 'ST1';
const NS_QTY = 50;
const MIN = 60_000;
const SKUS = ['RF-A', 'RF-S', 'RF-J', 'RF-N', 'RF-O', 'RF-U'] as const;
type Sku = (typeof SKUS)[number];

const facilities: Facility[] = [
  {
    facilityId: WH,
    externalId: '13',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
  { facilityId: STORE, externalId: '21', name: 'Store 1', kind: 'store', groups: [] },
];

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const reflect = () => new ReflectStore(dynamo(), table('control'));
let n = 0;
const key = (label: string) => `${label}-${++n}`;

const folderOf = (feed: FeedId) => feedPrefix(cloud.sftp.user, feedById(feed));
const runJob = () => cloud.scheduler.runNow('netsuite-exceptions') as Promise<ExceptionsReport>;
const runExport = (feed: FeedId) => cloud.scheduler.runNow(feed) as Promise<ExportReport>;
const putObject = (k: string, body: string) =>
  s3().send(new PutObjectCommand({ Bucket: cloud.bucket, Key: k, Body: body }));

/** NetSuite took the file: moved to archive/; returns the archived object's time. */
async function take(feed: FeedId, file: string): Promise<string> {
  const prefix = folderOf(feed);
  expect(await feedFiles().move(`${prefix}${file}`, `${prefix}archive/${file}`)).toBe(true);
  return (await feedFiles().head(`${prefix}archive/${file}`))!.lastModified!.toISOString();
}

async function rowsOf(feed: FeedId, file: string, folder = '') {
  const text = (await feedFiles().readText(`${folderOf(feed)}${folder}${file}`))!;
  return parse(text, { columns: true }) as Record<string, string>[];
}

/** A new order of one line with NetSuite's ids, allocated whole at the facility. */
async function allocatedOrder(
  sku: Sku,
  quantity: number,
  facilityId: string,
  opts: { outbox?: boolean } = {},
): Promise<string> {
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
    idempotencyKey: key('ids'),
    actor: 'test',
  });
  const payload: AllocationPayload = {
    orderId,
    lineSeq: '00001',
    facilityId,
    afterRejection: false,
  };
  await service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId,
    idempotencyKey: key('alloc'),
    actor: 'brokering',
    ...(opts.outbox
      ? {
          linked: [
            {
              label: 'linked:allocation-outbox' as const,
              item: syncStore(root()).outboxPut(
                'allocation',
                allocationEntryId(payload),
                payload,
                new Date().toISOString(),
              ),
            },
          ],
        }
      : {}),
  });
  return orderId;
}

async function lineOf(orderId: string): Promise<LineState> {
  const { lines } = await orderRuntime(root()).orders.linesWithHeaders([
    { orderId, lineSeq: '00001' },
  ]);
  return lines.get(`${orderId}|00001`)!;
}

/** The position's counted units, the line's reservation row and its reflected units there. */
async function held(sku: Sku, facilityId: string, orderId?: string) {
  const { positions, reservations, holds } = await orderRuntime(root()).positions.sku(sku);
  return {
    reserved: positions.get(facilityId)?.reserved ?? 0,
    row:
      reservations.find((r) => r.facilityId === facilityId && (!orderId || r.orderId === orderId))
        ?.qty ?? 0,
    holds: holds.filter((h) => h.facilityId === facilityId).map((h) => [h.adjustmentId, h.qty]),
    ...(orderId ? { reflected: (await lineOf(orderId)).reflected?.[facilityId] ?? 0 } : {}),
  };
}

const only =
  (...pairs: [string, string][]) =>
  (sku: string, facilityId: string) =>
    pairs.some(([s, f]) => s === sku && f === facilityId);

const settle = (uploadedAt: string, seen: (sku: string, f: string) => boolean, lagMs = 0) =>
  settleReflected({ uploadedAt, seen }, settleDeps(root(), { lagMs }));

const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** Every item of the tables the settle writes, sorted (to assert that nothing changed). */
async function everything(): Promise<string[]> {
  const out: string[] = [];
  for (const t of ['orders', 'inventory', 'control'] as const) {
    let start: Record<string, never> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({ TableName: table(t), ExclusiveStartKey: start }),
      );
      for (const i of page.Items ?? []) {
        if (i.pk?.S?.startsWith('SYNCRUN#')) continue;
        out.push(`${t} ${JSON.stringify(i, Object.keys(i).sort())}`);
      }
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
  }
  return out.sort();
}

beforeAll(async () => {
  cloud = await startTestCloud();
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const [i, sku] of SKUS.entries()) {
    for (const facilityId of [WH, STORE]) {
      await inventory.put(
        snapshotItem(
          { sku, facilityId, availableQty: NS_QTY, itemId: `70${i}` },
          { file: 'snapshot.csv', importedAt: new Date().toISOString() },
        ),
      );
    }
    for (const item of productItems(
      { sku, itemId: `70${i}` },
      { file: 'test', importedAt: 'now' },
    )) {
      await products.put(item);
    }
  }
  await inventory.flush();
  await products.flush();
  await mappingStore(root()).save([
    { kind: 'shippingMethod', value: 'STANDARD', netsuiteId: '4' },
    { kind: 'salesChannel', value: 'web', netsuiteId: '2' },
    { kind: 'subsidiary', value: '*', netsuiteId: '1' },
  ]);
  const ids = netsuiteIdStore(root()).writer();
  await ids.put(
    netsuiteIdStore(root()).customerIdItem(partyIdFor('cust-1'), '1001', 'test', 'now'),
  );
  await ids.flush();
}, 120_000);

afterAll(async () => cloud?.cleanup());

describe('an allocation file NetSuite took', () => {
  let orderId: string;
  let file: string;
  let takenAt: string;
  let entry: ReflectEntry;

  it('gives a reflect entry covering the quantity its row told NetSuite', async () => {
    orderId = await allocatedOrder('RF-A', 3, WH, { outbox: true });
    expect(await held('RF-A', WH, orderId)).toMatchObject({ reserved: 3, row: 3, reflected: 0 });
    const report = await runExport('allocation-update-export');
    expect(report.files).toHaveLength(1);
    file = report.files[0]!;
    const [row] = await rowsOf('allocation-update-export', file);
    expect(row!.quantity).toBe('3');
    // The manifest keeps the row's quantity.
    const manifest = (await syncStore(root()).netsuiteFiles().manifest(file))!;
    expect(manifest.records[0]).toMatchObject({ quantity: 3 });

    takenAt = await take('allocation-update-export', file);
    const job = await runJob();
    expect(job).toMatchObject({ filesTaken: 1, reflectEntries: 1, reflectDropped: 0 });
    const entries = await reflect().all();
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'allocation',
        recordId: allocationEntryId({ orderId, lineSeq: '00001', facilityId: WH }),
        orderId,
        lineSeq: '00001',
        facilityId: WH,
        sku: 'RF-A',
        covered: Number(row!.quantity),
        file,
        takenAt,
      }),
    ]);
    entry = entries[0]!;
    expect(entry.key.startsWith(`${takenAt}#allocation#`)).toBe(true);
    // Running the job again writes nothing more (the file is no longer pending).
    expect(await runJob()).toMatchObject({ filesTaken: 0, reflectEntries: 0 });
    expect(await reflect().all()).toEqual(entries);
  });

  it('a snapshot uploaded before takenAt + L changes nothing', async () => {
    const before = await everything();
    // Uploaded when NetSuite took the file (L = 0): not after it.
    expect(await settle(takenAt, () => true)).toMatchObject({ read: 0, linesReflected: 0 });
    // 30 minutes after, with L = 45 minutes: the search may have run before NetSuite's import.
    expect(await settle(later(takenAt, 30 * MIN), () => true, 45 * MIN)).toMatchObject({
      read: 0,
      linesReflected: 0,
    });
    expect(await everything()).toEqual(before);
    expect(await held('RF-A', WH, orderId)).toMatchObject({ reserved: 3, row: 3, reflected: 0 });
  });

  it('a snapshot file that does not list the pair leaves the entry for a later file', async () => {
    const before = await everything();
    const r = await settle(later(takenAt, 46 * MIN), only(['RF-A', STORE]), 45 * MIN);
    expect(r).toMatchObject({ read: 1, left: 1, linesReflected: 0, unitsDropped: 0 });
    expect(await everything()).toEqual(before);
    expect(await reflect().all()).toEqual([entry]);
  });

  it('a snapshot uploaded after takenAt + L listing the pair ends the count of the line', async () => {
    const r = await settle(later(takenAt, 46 * MIN), only(['RF-A', WH]), 45 * MIN);
    expect(r).toMatchObject({ read: 1, left: 0, linesReflected: 1, unitsDropped: 3, failed: 0 });
    // Position, reservation row and line in one transaction; the entry is gone.
    expect(await held('RF-A', WH, orderId)).toMatchObject({ reserved: 0, row: 0, reflected: 3 });
    expect(await reflect().all()).toEqual([]);
    const line = await lineOf(orderId);
    expect(line.buckets).toEqual({ 1200: 3 }); // still promised: only no longer counted
  });

  it('running the settle again changes nothing', async () => {
    const before = await everything();
    const r = await settle(later(takenAt, 46 * MIN), () => true, 45 * MIN);
    expect(r).toMatchObject({ read: 0, linesReflected: 0, unitsDropped: 0 });
    expect(await everything()).toEqual(before);
    // The same entry again (the watcher saw the archive twice): the reflection replays.
    await reflect().put([entry]);
    const again = await settle(later(takenAt, 46 * MIN), () => true, 45 * MIN);
    expect(again).toMatchObject({ read: 1, linesReflected: 0, unitsDropped: 0 });
    expect(await held('RF-A', WH, orderId)).toMatchObject({ reserved: 0, row: 0, reflected: 3 });
    expect(await reflect().all()).toEqual([]);
  });

  it('a record NetSuite refuses after taking its file loses its entry', async () => {
    const other = await allocatedOrder('RF-A', 2, WH, { outbox: true });
    const report = await runExport('allocation-update-export');
    const second = report.files[0]!;
    await take('allocation-update-export', second);
    expect(await runJob()).toMatchObject({ reflectEntries: 1 });
    expect((await reflect().all()).map((e) => e.orderId)).toEqual([other]);
    // The error file comes in a later run: NetSuite's books do not hold the row after all.
    await putObject(
      `${folderOf('allocation-update-export')}error/${new Date().toString()}-ErrorSalesOrderUpdate.csv`,
      `fileName,errorMessage\n${second},line 2: Invalid item reference key 700\n`,
    );
    expect(await runJob()).toMatchObject({ recordsRefused: 1, reflectDropped: 1 });
    expect(await reflect().all()).toEqual([]);
    // Nothing to settle: the other line keeps counting.
    await settle(later(new Date().toISOString(), MIN), () => true);
    expect(await held('RF-A', WH, other)).toMatchObject({ row: 2, reflected: 0 });
  });
});

describe('an OMS-fulfilled file NetSuite took', () => {
  it('gives an entry at the store that shipped, and the settle ends the count', async () => {
    const orderId = await allocatedOrder('RF-S', 2, STORE);
    const { service } = orderRuntime(root());
    await service.fulfill({
      orderId,
      lineSeq: '00001',
      facilityId: STORE,
      quantity: 2,
      idempotencyKey: key('ship'),
      actor: 'store',
    });
    // Shipped units are still promised at the store and count until NetSuite's figure has them.
    expect(await held('RF-S', STORE, orderId)).toMatchObject({ reserved: 2, row: 2 });
    const payload: OmsFulfilledPayload = {
      orderId,
      lineSeq: '00001',
      facilityId: STORE,
      shipmentKey: `${orderId}-00001-S1`,
      quantity: 2,
      shippedAt: new Date().toISOString(),
    };
    await syncStore(root()).enqueue(
      'fulfilled',
      omsFulfilledEntryId(payload),
      payload,
      payload.shippedAt,
    );
    const report = await runExport('oms-fulfilled-export');
    expect(report.files).toHaveLength(1);
    const file = report.files[0]!;
    const takenAt = await take('oms-fulfilled-export', file);
    expect(await runJob()).toMatchObject({ reflectEntries: 1 });
    const [entry] = await reflect().all();
    expect(entry).toMatchObject({
      kind: 'fulfilled',
      recordId: omsFulfilledEntryId(payload),
      orderId,
      facilityId: STORE,
      sku: 'RF-S',
      covered: 2,
      file,
      takenAt,
    });
    expect(await settle(later(takenAt, 1), only(['RF-S', STORE]))).toMatchObject({
      linesReflected: 1,
      unitsDropped: 2,
    });
    expect(await held('RF-S', STORE, orderId)).toMatchObject({ reserved: 0, row: 0, reflected: 2 });
  });
});

describe('an inventory adjustment file NetSuite took', () => {
  it('gives an entry of |delta| units, and the settle ends the adjustment hold', async () => {
    const adjustmentId = 'SR-TEST-00001-abc';
    const { positions } = orderRuntime(root());
    expect(
      await positions.holds.place({ sku: 'RF-J', facilityId: STORE, adjustmentId, qty: 2 }),
    ).toBe('held');
    expect(await held('RF-J', STORE)).toMatchObject({ reserved: 2, holds: [[adjustmentId, 2]] });
    const payload: InventoryAdjustmentPayload = {
      adjustmentId,
      sku: 'RF-J',
      facilityId: STORE,
      delta: -2,
      reason: 'VAR_DAMAGED',
      at: new Date().toISOString(),
      orderId: 'TEST',
      lineSeq: '00001',
    };
    await syncStore(root()).enqueue('invadj', adjustmentId, payload, payload.at);
    const report = await runExport('inventory-adjustment-export');
    expect(report.files).toHaveLength(1);
    const file = report.files[0]!;
    const [row] = await rowsOf('inventory-adjustment-export', file);
    expect(row!['Adjust Qty By']).toBe('-2');
    const takenAt = await take('inventory-adjustment-export', file);
    expect(await runJob()).toMatchObject({ reflectEntries: 1 });
    expect(await reflect().all()).toEqual([
      expect.objectContaining({
        kind: 'invadj',
        recordId: adjustmentId,
        adjustmentId,
        sku: 'RF-J',
        facilityId: STORE,
        covered: 2,
        file,
        takenAt,
      }),
    ]);
    const r = await settle(later(takenAt, 1), only(['RF-J', STORE]));
    expect(r).toMatchObject({ adjustmentsEnded: 1, linesReflected: 0 });
    expect(await held('RF-J', STORE)).toMatchObject({ reserved: 0, holds: [] });
    expect(await positions.holds.get('RF-J', STORE, adjustmentId)).toBeUndefined();
    expect(await reflect().all()).toEqual([]);
    // Again: nothing to end.
    const before = await everything();
    expect(await settle(later(takenAt, 1), () => true)).toMatchObject({ read: 0 });
    expect(await everything()).toEqual(before);
  });
});

describe("NetSuite's own fulfillment file", () => {
  let orderId: string;
  let uploadedAt: string;

  it('gives an entry covering the units the line shipped from that facility', async () => {
    orderId = await allocatedOrder('RF-N', 2, WH);
    const folder = folderOf('fulfillment-csv-import');
    const t0 = Date.now();
    await putObject(
      `${folder}fulfillment-rf-n.csv`,
      'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId\n' +
        `${orderId},1,13,1/4/2024 4:23 pm,2,1ZRFN,UPS,Ground,12\n`,
    );
    await cloud.dispatcher.idle();
    const t1 = Date.now();
    expect((await lineOf(orderId)).buckets).toEqual({ 3700: 2 });
    // Shipped by NetSuite: still counted until a snapshot reflects it.
    expect(await held('RF-N', WH, orderId)).toMatchObject({ reserved: 2, row: 2, reflected: 0 });
    const entries = await reflect().all();
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'nsfulfillment',
        recordId: `${orderId}#00001#${WH}`,
        orderId,
        lineSeq: '00001',
        facilityId: WH,
        sku: 'RF-N',
        covered: 2,
        file: 'fulfillment-rf-n.csv',
      }),
    ]);
    uploadedAt = entries[0]!.takenAt;
    expect(Date.parse(uploadedAt)).toBeGreaterThanOrEqual(t0 - 1_000);
    expect(Date.parse(uploadedAt)).toBeLessThanOrEqual(t1);
  });

  it('a snapshot file imported through the feed settles it on its own', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // S3 times may be whole seconds
    await putObject(
      `${folderOf('inventory-snapshot-import')}snapshot-rf-n.csv`,
      'Item,externalFacilityId,availableQty,idValue\nRF-N,13,48,703\n',
    );
    await cloud.dispatcher.idle();
    expect(await reflect().all()).toEqual([]);
    expect(await held('RF-N', WH, orderId)).toMatchObject({ reserved: 0, row: 0, reflected: 2 });
    const figure = await orderRuntime(root()).positions.facility('RF-N', WH);
    expect(figure.nsQty).toBe(48);
  });
});

describe('NetSuite shipping units of a line the OMS cancelled', () => {
  const FULFILLMENT_HEADER =
    'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId\n';
  let orderId: string;
  let row: string;
  const uploadFulfillment = async (name: string) => {
    await putObject(`${folderOf('fulfillment-csv-import')}${name}`, FULFILLMENT_HEADER + row);
    await cloud.dispatcher.idle();
  };
  const unpromised = async () =>
    (await reflect().all()).filter((e) => e.kind === 'nsunpromised' && e.sku === 'RF-U');

  it('holds the shipped units at the facility and reports the row', async () => {
    orderId = await allocatedOrder('RF-U', 2, WH);
    // The OMS cancels the line after NetSuite committed it; NetSuite ships before the close.
    await orderRuntime(root()).service.cancelLine({
      orderId,
      lineSeq: '00001',
      idempotencyKey: key('cancel'),
      actor: 'test',
    });
    expect(await held('RF-U', WH)).toMatchObject({ reserved: 0, holds: [] });
    row = `${orderId},1,13,1/5/2024 9:00 am,2,1ZRFU,UPS,Ground,12\n`;
    await uploadFulfillment('fulfillment-rf-u.csv');

    expect((await lineOf(orderId)).buckets).toEqual({ 9000: 2 });
    const errorKey = await keptInS3(
      feedFiles(),
      `${folderOf('fulfillment-csv-import')}error/`,
      'fulfillment-rf-u.csv',
      '.errors.csv',
    );
    const reported = parse((await feedFiles().readText(errorKey!))!, { columns: true }) as Record<
      string,
      string
    >[];
    expect(reported).toEqual([
      expect.objectContaining({
        line: '2',
        field: 'quantity',
        reason: expect.stringMatching(
          /^line .*\/00001 had 0 unit\(s\) open at WH1 of the 2 NetSuite shipped: the other 2, cancelled in the OMS, are held at WH1 \(hold nsship-[0-9a-f]{24}\) until a NetSuite snapshot reflects the shipment$/,
        ),
      }),
    ]);
    const mine = await held('RF-U', WH);
    expect(mine.reserved).toBe(2);
    expect(mine.holds).toEqual([[expect.stringMatching(/^nsship-[0-9a-f]{24}$/), 2]]);
    const [entry, ...more] = await unpromised();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      facilityId: WH,
      covered: 2,
      adjustmentId: mine.holds[0]![0],
      file: 'fulfillment-rf-u.csv',
    });
  });

  it('the same row in a later file holds nothing more', async () => {
    await uploadFulfillment('fulfillment-rf-u-again.csv');
    const mine = await held('RF-U', WH);
    expect(mine.reserved).toBe(2);
    expect(mine.holds).toHaveLength(1);
    expect(mine.holds[0]![1]).toBe(2);
  });

  it('a snapshot that reflects the shipment ends the hold, and a later repeat holds nothing', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // S3 times may be whole seconds
    await putObject(
      `${folderOf('inventory-snapshot-import')}snapshot-rf-u.csv`,
      'Item,externalFacilityId,availableQty,idValue\nRF-U,13,48,705\n',
    );
    await cloud.dispatcher.idle();
    expect(await unpromised()).toEqual([]);
    expect(await held('RF-U', WH)).toMatchObject({ reserved: 0, holds: [] });
    expect((await orderRuntime(root()).positions.facility('RF-U', WH)).nsQty).toBe(48);

    // NetSuite repeats the row once more after the hold ended: it was held once, not again.
    await uploadFulfillment('fulfillment-rf-u-third.csv');
    expect(await held('RF-U', WH)).toMatchObject({ reserved: 0, holds: [] });
  });

  it('after a partial cancel, the open unit ships and only the cancelled one is held', async () => {
    const partial = await allocatedOrder('RF-U', 2, WH);
    await orderRuntime(root()).service.cancelLine({
      orderId: partial,
      lineSeq: '00001',
      quantity: 1,
      idempotencyKey: key('cancel'),
      actor: 'test',
    });
    // NetSuite ships the 2 its line still had: one still open in the OMS, one cancelled.
    row = `${partial},1,13,1/6/2024 9:00 am,2,1ZRFU2,UPS,Ground,12\n`;
    await uploadFulfillment('fulfillment-rf-u-partial.csv');
    expect((await lineOf(partial)).buckets).toEqual({ 3700: 1, 9000: 1 });
    const mine = await held('RF-U', WH);
    expect(mine.holds).toEqual([[expect.stringMatching(/^nsship-/), 1]]);
    // Both units left the shelf: the shipped one counts until reflected, the other is held.
    expect(mine.reserved).toBe(2);
    const errorKey = await keptInS3(
      feedFiles(),
      `${folderOf('fulfillment-csv-import')}error/`,
      'fulfillment-rf-u-partial.csv',
      '.errors.csv',
    );
    expect((await feedFiles().readText(errorKey!))!).toContain(
      'had 1 unit(s) open at WH1 of the 2 NetSuite shipped: those 1 are shipped; the other 1, cancelled in the OMS, are held at WH1',
    );

    // The same row again (a repeat, or a run that stopped half-way): nothing more ships or is held.
    await uploadFulfillment('fulfillment-rf-u-partial-again.csv');
    expect((await lineOf(partial)).buckets).toEqual({ 3700: 1, 9000: 1 });
    expect(await held('RF-U', WH)).toEqual(mine);
  });

  it('a row for more than the line had open and cancelled is refused whole, nothing held', async () => {
    const other = await allocatedOrder('RF-U', 2, WH);
    await orderRuntime(root()).service.cancelLine({
      orderId: other,
      lineSeq: '00001',
      quantity: 1,
      idempotencyKey: key('cancel'),
      actor: 'test',
    });
    const before = await held('RF-U', WH);
    row = `${other},1,13,1/7/2024 9:00 am,3,1ZRFU3,UPS,Ground,12\n`;
    await uploadFulfillment('fulfillment-rf-u-bad.csv');
    expect((await lineOf(other)).buckets).toEqual({ 1200: 1, 9000: 1 });
    expect(await held('RF-U', WH)).toEqual(before);
  });
});

describe('the reconcile job', () => {
  it('lists holds older than OMS_HOLD_MAX_AGE_HOURS with an alarm line', async () => {
    const orderId = await allocatedOrder('RF-O', 2, WH);
    const adjustmentId = 'SR-TEST-00002-old';
    await orderRuntime(root()).positions.holds.place({
      sku: 'RF-O',
      facilityId: STORE,
      adjustmentId,
      qty: 1,
    });
    const run = () => cloud.scheduler.runNow('reconcile-reservations') as Promise<ReconcileReport>;
    // Default (72 h): nothing is that old.
    const fresh = await run();
    expect(fresh.staleHolds).toMatchObject({ maxAgeHours: 72, count: 0, units: 0 });

    const before = process.env.OMS_HOLD_MAX_AGE_HOURS;
    process.env.OMS_HOLD_MAX_AGE_HOURS = String(1 / 3600); // one second
    const errors = vi.spyOn(console, 'error');
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      const report = await run();
      const mine = report.staleHolds!.holds.filter((h) => h.sku === 'RF-O');
      expect(mine).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'line',
            sku: 'RF-O',
            facilityId: WH,
            orderId,
            lineSeq: '00001',
            units: 2,
          }),
          expect.objectContaining({
            kind: 'adjustment',
            sku: 'RF-O',
            facilityId: STORE,
            adjustmentId,
            units: 1,
          }),
        ]),
      );
      expect(mine).toHaveLength(2);
      for (const h of mine) expect(h.ageHours).toBeGreaterThanOrEqual(0);
      expect(report.staleHolds!.count).toBeGreaterThanOrEqual(2);
      const lines = errors.mock.calls.map((c) => c.join(' '));
      expect(lines.some((l) => l.includes('StaleInventoryHolds'))).toBe(true);
    } finally {
      errors.mockRestore();
      if (before === undefined) delete process.env.OMS_HOLD_MAX_AGE_HOURS;
      else process.env.OMS_HOLD_MAX_AGE_HOURS = before;
    }
  });
});
