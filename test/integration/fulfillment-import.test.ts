/**
 * NetSuite's item fulfillments on the local cloud: files uploaded over SFTP land in S3, fire the
 * event, and the catalog's handlers bring the shipped quantities to 3700 through the order core —
 * full and partial quantities, quantity already released, tracking numbers joined with ` | `,
 * a carrier with an unescaped comma read back, a shipment from another facility than the
 * allocated one (the reservation moves), bad rows in the error file with their line, field and
 * reason while the good rows apply, the same file or rows again changing nothing, and the JSON
 * variant. The account's UTC offset comes from OMS_NETSUITE_UTC_OFFSET (-05:00 here).
 *
 * The tests in this file build on each other: they run in order on one cloud.
 */
import { parse } from 'csv-parse/sync';
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Facility } from '../../shared/domain/facility.ts';
import { NETSUITE_FULFILLED } from '../../shared/domain/sync/allocation-rows.ts';
import { feedById, type FeedId } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import type { ReconcileReport } from '../../shared/jobs/reconcile-reservations.ts';
import { orderRuntime, root } from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';
import { keptName, keptOverSftp } from '../support/kept-files.ts';
import { sampleOrder } from '../support/order-core.ts';

const CSV_HEADER =
  'orderId,orderItemSeqId,externalFacilityId,shippedDate,quantity,trackingNumber,carrier,shippingMethod,shippingMethodId';
const SKUS = ['FUL-A', 'FUL-B', 'FUL-C', 'FUL-E', 'FUL-R', 'FUL-J'] as const;
type Sku = (typeof SKUS)[number];
const NS_QTY = 50;

const facilities: Facility[] = [
  {
    facilityId: 'WH1',
    externalId: '101',
    name: 'Warehouse 1',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
  {
    facilityId: 'WH2',
    externalId: '102',
    name: 'Warehouse 2',
    kind: 'warehouse',
    groups: [NETSUITE_FULFILLED],
  },
];

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
let offsetBefore: string | undefined;

const dirOf = (id: FeedId) => `/${feedPrefix(cloud.sftp.user, feedById(id))}`;

const upload = async (feed: FeedId, name: string, body: string) => {
  await sftp.put(Buffer.from(body), `${dirOf(feed)}${name}`);
  await cloud.dispatcher.idle();
};

/** A NetSuite CSV: fixed header, rows joined with commas, nothing quoted, `\n` line ends. */
const csv = (rows: readonly string[]) => `${[CSV_HEADER, ...rows].join('\n')}\n`;

/** The error report of the last version of `name` imported (`x~<etag8>.csv.errors.csv`). */
const errorsOf = async (feed: FeedId, name: string) =>
  parse(
    (await sftp.get(
      (await keptOverSftp(sftp, `${dirOf(feed)}error`, name, '.errors.csv')) ?? 'missing',
    )) as Buffer,
    { columns: true },
  ) as Array<Record<string, string>>;

const hasErrorFile = async (feed: FeedId, name: string) =>
  !!(await keptOverSftp(sftp, `${dirOf(feed)}error`, name, '.errors.csv'));

const archived = async (feed: FeedId, name: string) =>
  !!(await keptOverSftp(sftp, `${dirOf(feed)}archive`, name));

const lastRun = async (feed: FeedId) =>
  (await new ImportLedger(dynamo(), table('control')).recentFeedRuns(feed, 1))[0];

/** An approved order of `quantity` units of `sku`, allocated (1100 → 1200) at `facilityId`. */
async function allocatedOrder(sku: Sku, quantity: number, facilityId: string): Promise<string> {
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
  await service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity,
    facilityId,
    idempotencyKey: `alloc-${orderId}`,
    actor: 'brokering',
  });
  return orderId;
}

const records = async (orderId: string) => orderRuntime(root()).orders.order(orderId);

/** Per facility: the position's reserved figure and the sum of the reservation rows. */
async function held(sku: Sku): Promise<Record<string, { reserved: number; rows: number }>> {
  const { positions, reservations } = await orderRuntime(root()).positions.sku(sku);
  const out: Record<string, { reserved: number; rows: number }> = {};
  for (const f of facilities.map((x) => x.facilityId)) {
    out[f] = {
      reserved: positions.get(f)?.reserved ?? 0,
      rows: reservations.filter((r) => r.facilityId === f).reduce((n, r) => n + r.qty, 0),
    };
  }
  return out;
}

const orders: Record<'A' | 'B' | 'C' | 'E' | 'R', string> = { A: '', B: '', C: '', E: '', R: '' };
const FIRST = '2025-07-02-10-15-00-SalesOrderFulfillment.csv';
let firstRows: string[] = [];

beforeAll(async () => {
  offsetBefore = process.env.OMS_NETSUITE_UTC_OFFSET;
  process.env.OMS_NETSUITE_UTC_OFFSET = '-05:00';
  cloud = await startTestCloud();
  await new FacilityStore(dynamo(), table('control')).save(facilities);
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const sku of SKUS) {
    for (const f of facilities) {
      await inventory.put(
        snapshotItem(
          { sku, facilityId: f.facilityId, availableQty: NS_QTY, itemId: '700' },
          { file: 'snapshot.csv', importedAt: new Date().toISOString() },
        ),
      );
    }
  }
  await inventory.flush();
  sftp = await connectSftp(cloud);
}, 120_000);

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
  if (offsetBefore === undefined) delete process.env.OMS_NETSUITE_UTC_OFFSET;
  else process.env.OMS_NETSUITE_UTC_OFFSET = offsetBefore;
});

describe('NetSuite fulfillments (CSV)', () => {
  it('ships full, partial and released quantities; bad rows go to the error file, good rows apply', async () => {
    orders.A = await allocatedOrder('FUL-A', 2, 'WH1');
    orders.B = await allocatedOrder('FUL-B', 3, 'WH1');
    orders.E = await allocatedOrder('FUL-E', 1, 'WH1');
    orders.R = await allocatedOrder('FUL-R', 2, 'WH1');
    const { service } = orderRuntime(root());
    for (const [from, to] of [
      [1200, 1500],
      [1500, 3200],
    ] as const) {
      const moved = await service.move({
        orderId: orders.R,
        lineSeq: '00001',
        from,
        to,
        quantity: 2,
        facilityId: 'WH1',
        idempotencyKey: `r-${from}-${orders.R}`,
        actor: 'test',
      });
      expect(moved.outcome).toBe('moved');
    }
    const eBefore = await records(orders.E);
    expect(await held('FUL-E')).toEqual({
      WH1: { reserved: 1, rows: 1 },
      WH2: { reserved: 0, rows: 0 },
    });

    firstRows = [
      // 2: all of A, two tracking numbers
      `${orders.A},1,101,1/4/2024 4:23 pm,2,1Z999AA1 | 1Z999AA2,UPS,Ground,12`,
      // 3: one of B's three, "FedEx, Inc." written unescaped
      `${orders.B},00001,101,01/04/2024 16:30,1,794611111111,FedEx, Inc.,Ground,13`,
      // 4: cannot tell carrier from shipping method
      `${orders.E},1,101,1/4/2024 4:40 pm,1,TRK-E,FedEx,Inc.,Ground,13`,
      // 5–9: unknown order, unknown line, unknown location, impossible date, too much quantity
      `NO-SUCH-ORDER,1,101,1/4/2024 4:41 pm,1,TRK-X,UPS,Ground,12`,
      `${orders.A},9,101,1/4/2024 4:42 pm,1,TRK-X,UPS,Ground,12`,
      `${orders.E},1,999,1/4/2024 4:43 pm,1,TRK-X,UPS,Ground,12`,
      `${orders.E},1,101,2/30/2024 4:44 pm,1,TRK-X,UPS,Ground,12`,
      `${orders.E},1,101,1/4/2024 4:45 pm,5,TRK-X,UPS,Ground,12`,
      // 10: R, already released at WH1, no tracking number, no carrier
      `${orders.R},1,101,1/5/2024 9:05 am,2,,,Will call,`,
    ];
    await upload('fulfillment-csv-import', FIRST, csv(firstRows));

    expect(await archived('fulfillment-csv-import', FIRST)).toBe(true);
    const errors = await errorsOf('fulfillment-csv-import', FIRST);
    // Each row names the version it comes from (`name~<etag8>.csv`, as kept in archive/).
    const firstKept = keptName(FIRST, csv(firstRows));
    expect(errors.map((e) => [e.file, e.line, e.field])).toEqual([
      [firstKept, '4', '*'],
      [firstKept, '5', 'orderId'],
      [firstKept, '6', 'orderItemSeqId'],
      [firstKept, '7', 'externalFacilityId'],
      [firstKept, '8', 'shippedDate'],
      [firstKept, '9', 'quantity'],
    ]);
    expect(errors[0]!.reason).toContain('cannot tell carrier from shipping method');
    expect(errors[0]!.raw).toBe(firstRows[2]);
    expect(errors[1]!.reason).toContain('NO-SUCH-ORDER');
    expect(errors[2]!.reason).toContain('has no line 00009');
    expect(errors[3]!.reason).toContain('"999"');
    expect(errors[4]!.reason).toContain('day 30');
    expect(errors[5]!.reason).toContain('fewer than the 5 fulfilled');
    expect(await lastRun('fulfillment-csv-import')).toMatchObject({
      rows: 9,
      applied: 3,
      rejected: 6,
      stats: { fulfilled: 3, units: 5, repeated: 0, reservationsMoved: 0 },
    });

    // A: all shipped, under one shipment with both tracking numbers, at the account's offset.
    const a = await records(orders.A);
    expect(a.lines[0]!.buckets).toEqual({ 3700: 2 });
    expect(a.lines[0]!.alloc).toEqual({});
    expect(a.shipments).toHaveLength(1);
    expect(a.shipments[0]).toMatchObject({
      facilityId: 'WH1',
      quantity: 2,
      status: 'shipped',
      trackingNumbers: ['1Z999AA1', '1Z999AA2'],
      carrier: 'UPS',
      shippingMethod: 'Ground',
      shippedAt: '2024-01-04T21:23:00.000Z',
    });
    // Shipped units count until NetSuite's figure reflects them.
    expect(await held('FUL-A')).toEqual({
      WH1: { reserved: 2, rows: 2 },
      WH2: { reserved: 0, rows: 0 },
    });

    // B: one of three shipped, the rest still allocated (and reserved) at WH1.
    const b = await records(orders.B);
    expect(b.lines[0]!.buckets).toEqual({ 1200: 2, 3700: 1 });
    expect(b.lines[0]!.alloc).toEqual({ WH1: { 1200: 2 } });
    expect(b.shipments).toEqual([
      expect.objectContaining({
        quantity: 1,
        trackingNumbers: ['794611111111'],
        carrier: 'FedEx, Inc.',
        shippingMethod: 'Ground',
        shippedAt: '2024-01-04T21:30:00.000Z',
      }),
    ]);
    // Two allocated and one shipped: all three count at WH1.
    expect(await held('FUL-B')).toEqual({
      WH1: { reserved: 3, rows: 3 },
      WH2: { reserved: 0, rows: 0 },
    });

    // R: shipped under the release it already had.
    const r = await records(orders.R);
    expect(r.lines[0]!.buckets).toEqual({ 3700: 2 });
    expect(r.releases).toHaveLength(1);
    expect(r.shipments).toEqual([
      expect.objectContaining({
        releaseKey: r.releases[0]!.key,
        quantity: 2,
        shippingMethod: 'Will call',
        shippedAt: '2024-01-05T14:05:00.000Z',
      }),
    ]);
    expect(r.shipments[0]!.trackingNumbers ?? []).toEqual([]);
    expect(r.shipments[0]!.carrier).toBeUndefined();

    // E: every one of its rows was refused: nothing changed.
    expect(await records(orders.E)).toEqual(eBefore);
    expect(await held('FUL-E')).toEqual({
      WH1: { reserved: 1, rows: 1 },
      WH2: { reserved: 0, rows: 0 },
    });
  });

  it('a shipment from another facility moves the reservation there', async () => {
    orders.C = await allocatedOrder('FUL-C', 2, 'WH1');
    expect(await held('FUL-C')).toEqual({
      WH1: { reserved: 2, rows: 2 },
      WH2: { reserved: 0, rows: 0 },
    });
    const name = '2025-07-02-10-30-00-SalesOrderFulfillment.csv';
    await upload(
      'fulfillment-csv-import',
      name,
      csv([`${orders.C},1,102,1/4/2024 5:00 pm,2,TRK-C,USPS,Priority,14`]),
    );
    expect(await hasErrorFile('fulfillment-csv-import', name)).toBe(false);
    expect(await lastRun('fulfillment-csv-import')).toMatchObject({
      applied: 1,
      stats: { fulfilled: 1, reservationsMoved: 1 },
    });
    const c = await records(orders.C);
    expect(c.lines[0]!.buckets).toEqual({ 3700: 2 });
    expect(c.lines[0]!.alloc).toEqual({});
    expect(c.lines[0]!.rejectedBy).toEqual([]);
    expect(c.releases).toEqual([expect.objectContaining({ facilityId: 'WH2', releasedQty: 2 })]);
    expect(c.shipments).toEqual([
      expect.objectContaining({ facilityId: 'WH2', quantity: 2, carrier: 'USPS' }),
    ]);
    const event = c.events.find((e) => e.type === 'fulfilled');
    expect(event?.steps?.slice(0, 2)).toEqual([
      expect.objectContaining({ from: 1200, to: 1100, quantity: 2, facilityId: 'WH1' }),
      expect.objectContaining({ from: 1100, to: 1200, quantity: 2, facilityId: 'WH2' }),
    ]);
    // WH1 gave its reservation back; WH2 reserved it and shipped it: it counts there until
    // NetSuite's figure reflects it.
    expect(await held('FUL-C')).toEqual({
      WH1: { reserved: 0, rows: 0 },
      WH2: { reserved: 2, rows: 2 },
    });
    const report = (await cloud.scheduler.runNow('reconcile-reservations')) as ReconcileReport;
    expect(report.fixed).toEqual([]);
  });

  it('the same file again, or its rows in a later file, changes nothing', async () => {
    const ids = Object.values(orders);
    const before = await Promise.all(ids.map(records));
    const heldBefore = await Promise.all(SKUS.map(held));

    // The same file (same name and bytes) uploaded again: the ledger knows it.
    await upload('fulfillment-csv-import', FIRST, csv(firstRows));
    expect(await archived('fulfillment-csv-import', FIRST)).toBe(true);
    expect(await Promise.all(ids.map(records))).toEqual(before);

    // The good rows again in a later file, shuffled, one date spelled another way, plus
    // NetSuite's repeated boundary row: all repeats.
    const later = '2025-07-02-10-45-00-SalesOrderFulfillment.csv';
    await upload(
      'fulfillment-csv-import',
      later,
      csv([
        `${orders.C},1,102,1/4/2024 5:00 pm,2,TRK-C,USPS,Priority,14`,
        `${orders.R},1,101,01/05/2024 09:05,2,,,Will call,`,
        `${orders.B},00001,101,01/04/2024 16:30,1,794611111111,FedEx, Inc.,Ground,13`,
        `${orders.A},1,101,1/4/2024 4:23 pm,2,1Z999AA1 | 1Z999AA2,UPS,Ground,12`,
        `${orders.A},1,101,1/4/2024 4:23 pm,2,1Z999AA1 | 1Z999AA2,UPS,Ground,12`,
      ]),
    );
    expect(await hasErrorFile('fulfillment-csv-import', later)).toBe(false);
    expect(await lastRun('fulfillment-csv-import')).toMatchObject({
      rows: 5,
      applied: 5,
      rejected: 0,
      stats: { fulfilled: 0, units: 0, repeated: 5 },
    });
    expect(await Promise.all(ids.map(records))).toEqual(before);
    expect(await Promise.all(SKUS.map(held))).toEqual(heldBefore);

    // A genuinely new shipment of B's rest still applies.
    const rest = '2025-07-02-11-00-00-SalesOrderFulfillment.csv';
    await upload(
      'fulfillment-csv-import',
      rest,
      csv([`${orders.B},1,101,1/4/2024 6:00 pm,2,794622222222,FedEx, Inc.,Express, 2 day,13`]),
    );
    expect(await hasErrorFile('fulfillment-csv-import', rest)).toBe(false);
    const b = await records(orders.B);
    expect(b.lines[0]!.buckets).toEqual({ 3700: 3 });
    expect(b.shipments.map((s) => [s.quantity, s.carrier, s.shippingMethod])).toEqual([
      [1, 'FedEx, Inc.', 'Ground'],
      [2, 'FedEx, Inc.', 'Express, 2 day'],
    ]);
    expect(await held('FUL-B')).toEqual({
      WH1: { reserved: 3, rows: 3 },
      WH2: { reserved: 0, rows: 0 },
    });
  });
});

describe('NetSuite fulfillments (JSON)', () => {
  it('ships the items of each orderMap; bad items are reported by path', async () => {
    const j1 = await allocatedOrder('FUL-J', 2, 'WH2');
    const j2 = await allocatedOrder('FUL-J', 3, 'WH2');
    const name = '2025-07-02-12-00-00-Fulfillment.json';
    const body = [
      {
        orderMap: {
          orderId: j1,
          items: [
            {
              orderItemSeqId: '1',
              externalFacilityId: 102,
              shippedDate: '1/6/2024 8:00 am',
              quantity: 2,
              trackingNumber: 'J1-A | J1-B',
              carrier: 'DHL, Express',
              shippingMethod: 'Overnight',
            },
          ],
        },
      },
      {
        orderMap: {
          orderId: j2,
          items: [
            {
              orderItemSeqId: 1,
              externalFacilityId: '102',
              shippedDate: '1/6/2024 9:00 am',
              quantity: 1,
              trackingNumber: ['J2-A'],
              carrier: null,
              shippingMethod: 'Ground',
            },
            {
              orderItemSeqId: 1,
              externalFacilityId: '102',
              shippedDate: '1/6/2024 9:15 am',
              quantity: 'two',
              trackingNumber: 'J2-B',
            },
            {
              orderItemSeqId: 1,
              externalFacilityId: '102',
              shippedDate: '1/6/2024 9:30 am',
              quantity: 9,
              trackingNumber: 'J2-C',
            },
          ],
        },
      },
      { notAnOrderMap: true },
    ];
    await upload('fulfillment-json-import', name, JSON.stringify(body));

    expect(await archived('fulfillment-json-import', name)).toBe(true);
    const errors = await errorsOf('fulfillment-json-import', name);
    const kept = keptName(name, JSON.stringify(body));
    expect(errors.map((e) => [e.file, e.line, e.field])).toEqual([
      [kept, '2', '[1].orderMap.items[1].quantity'],
      [kept, '2', '[1].orderMap.items[2].quantity'],
      [kept, '3', '[2].orderMap'],
    ]);
    expect(errors[1]!.reason).toContain('fewer than the 9 fulfilled');
    expect(await lastRun('fulfillment-json-import')).toMatchObject({
      rows: 3,
      stats: { fulfilled: 2, units: 3, repeated: 0 },
    });

    const a = await records(j1);
    expect(a.lines[0]!.buckets).toEqual({ 3700: 2 });
    expect(a.shipments).toEqual([
      expect.objectContaining({
        facilityId: 'WH2',
        quantity: 2,
        trackingNumbers: ['J1-A', 'J1-B'],
        carrier: 'DHL, Express',
        shippingMethod: 'Overnight',
        shippedAt: '2024-01-06T13:00:00.000Z',
      }),
    ]);
    const b = await records(j2);
    expect(b.lines[0]!.buckets).toEqual({ 1200: 2, 3700: 1 });
    expect(b.shipments).toEqual([
      expect.objectContaining({ quantity: 1, trackingNumbers: ['J2-A'], shippingMethod: 'Ground' }),
    ]);
    // At WH2: j1's two shipped units, and j2's one shipped and two still allocated.
    expect(await held('FUL-J')).toEqual({
      WH1: { reserved: 0, rows: 0 },
      WH2: { reserved: 5, rows: 5 },
    });

    // The same items in a later file change nothing.
    const before = await Promise.all([j1, j2].map(records));
    await upload(
      'fulfillment-json-import',
      '2025-07-02-12-15-00-Fulfillment.json',
      JSON.stringify(body.slice(0, 2)),
    );
    expect(await lastRun('fulfillment-json-import')).toMatchObject({
      stats: { fulfilled: 0, units: 0, repeated: 2 },
    });
    expect(await Promise.all([j1, j2].map(records))).toEqual(before);
    expect(cloud.dispatcher.deadLetters).toEqual([]);
  });
});
