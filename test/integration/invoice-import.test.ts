/**
 * NetSuite's invoice report end to end on the local cloud: a file uploaded over SFTP into
 * `alc-audit-data/` is imported by the catalog's handler; each order is marked invoiced on its
 * header (invoice internal id, number, total, amount due, date; several invoices per order), the
 * same rows again — the same file twice, or repeated in another file — change nothing, a later row
 * of an invoice replaces it; unknown orders and NetSuite ids that are not the order's go to the
 * error file with line and field while the good rows apply. `oms sync status` lists an order fully
 * shipped and not invoiced past the threshold, and no longer once its invoice came.
 */
import { parse } from 'csv-parse/sync';
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceOverdueHours } from '../../shared/platform/config.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { invoiceStore, orderRuntime, root, syncStore } from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { awaitingInvoiceItem } from '../../shared/store/invoice-store.ts';
import { syncStatus } from '../../shared/sync/sync-status.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';
import { keptOverSftp } from '../support/kept-files.ts';
import { sampleOrder } from '../support/order-core.ts';

const HEADER =
  'INVOICE_INTERNAL_ID,SHOPIFY_ORDER_NAME,SHOPIFY_ORDER_ID,SALES_ORDER_INTERNAL_ID,HC_ORDER_ID,INVOICE_NUMBER,INVOICE_TOTAL,AMOUNT_DUE,INVOICE_DATE';
const SKU = 'INV-SKU';
const WAREHOUSE = 'WH1';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
let n = 0;
const key = (label: string) => `${label}-${++n}`;
const dir = () => `/${feedPrefix(cloud.sftp.user, feedById('invoice-import'))}`;
const nsIdOf = (orderId: string) => `7${orderId.replace(/\D/g, '').slice(-6)}`;

/** An order NetSuite knows (ids back), `shipped` units of its one line shipped from WH1. */
async function order(opts: { shipped?: boolean; shippedAt?: string } = {}): Promise<string> {
  const { intake, service } = orderRuntime(root());
  const created = await intake.submit(
    sampleOrder({}, [{ sku: SKU, quantity: 2, price: 15, shippingMethod: 'STANDARD' }]),
    { source: 'test', actor: 'test' },
  );
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  await service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: nsIdOf(orderId),
    lineIds: { '00001': '1' },
    idempotencyKey: key('ids'),
    actor: 'test',
  });
  if (opts.shipped) {
    await service.move({
      orderId,
      lineSeq: '00001',
      from: 1100,
      to: 1200,
      quantity: 2,
      facilityId: WAREHOUSE,
      idempotencyKey: key('alloc'),
      actor: 'test',
    });
    // The last unit ships: the shipping path marks the order as awaiting its invoice.
    await service.fulfill({
      orderId,
      lineSeq: '00001',
      facilityId: WAREHOUSE,
      quantity: 2,
      idempotencyKey: key('ship'),
      actor: 'test',
      linked: [
        {
          label: 'linked:awaiting-invoice',
          item: awaitingInvoiceItem(orderId, opts.shippedAt ?? new Date().toISOString()),
        },
      ],
    });
  }
  return orderId;
}

const upload = async (name: string, rows: readonly string[]) => {
  await sftp.put(Buffer.from(`${[HEADER, ...rows].join('\n')}\n`), `${dir()}${name}`);
  await cloud.dispatcher.idle();
};
const archived = async (name: string) => !!(await keptOverSftp(sftp, `${dir()}archive`, name));
/** The error report of the last version of `name` imported (`x~<etag8>.csv.errors.csv`). */
const errorsOf = async (name: string) =>
  parse(
    (await sftp.get(
      (await keptOverSftp(sftp, `${dir()}error`, name, '.errors.csv')) ?? 'missing',
    )) as Buffer,
    { columns: true },
  ) as Record<string, string>[];
const hasErrorFile = async (name: string) =>
  !!(await keptOverSftp(sftp, `${dir()}error`, name, '.errors.csv'));
const header = async (orderId: string) =>
  (await invoiceStore(root()).headers([orderId])).get(orderId)!;
const status = (hours: number) =>
  syncStatus(
    {
      sync: syncStore(root()),
      ledger: new ImportLedger(dynamo(), table('control')),
      invoices: invoiceStore(root()),
      orders: orderRuntime(root()).orders,
    },
    { invoiceOverdueHours: hours },
  );

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

let a: string;
let b: string;
let late: string;
let recent: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  await inventory.put(
    snapshotItem(
      { sku: SKU, facilityId: WAREHOUSE, availableQty: 100, itemId: '801' },
      { file: 'snapshot.csv', importedAt: new Date().toISOString() },
    ),
  );
  await inventory.flush();
  sftp = await connectSftp(cloud);
  a = await order();
  b = await order();
  late = await order({ shipped: true, shippedAt: hoursAgo(72) });
  recent = await order({ shipped: true, shippedAt: hoursAgo(3) });
}, 120_000);

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

describe('sync status before the invoices', () => {
  it('lists the order shipped past the threshold, not the recent one', async () => {
    const s = await status(48);
    expect(s.invoices).toMatchObject({ thresholdHours: 48, awaiting: 2, overdueTotal: 1 });
    expect(s.invoices!.overdue).toEqual([
      expect.objectContaining({ orderId: late, hours: expect.any(Number) }),
    ]);
    expect(s.invoices!.overdue[0]!.hours).toBeGreaterThanOrEqual(71);
    // A lower threshold from the environment lists both, oldest first.
    expect(invoiceOverdueHours({ OMS_INVOICE_OVERDUE_HOURS: '2' })).toBe(2);
    expect(invoiceOverdueHours({})).toBe(48);
    expect(() => invoiceOverdueHours({ OMS_INVOICE_OVERDUE_HOURS: 'soon' })).toThrow(
      /OMS_INVOICE_OVERDUE_HOURS/,
    );
    const low = await status(invoiceOverdueHours({ OMS_INVOICE_OVERDUE_HOURS: '2' }));
    expect(low.invoices!.overdue.map((o) => o.orderId)).toEqual([late, recent]);
  });
});

describe('invoice import', () => {
  const FIRST = 'Order_Invoice-2025-07-03.csv';

  it('marks orders invoiced; bad rows go to the error file while good rows apply', async () => {
    await upload(FIRST, [
      `9001,#A,shop-a,${nsIdOf(a)},${a},INV100,30.00,30.00,07/03/2025`,
      `9002,#B,shop-b,${nsIdOf(b)},${b},INV101,10,0,7/3/2025`,
      `9003,#B,shop-b,${nsIdOf(b)},${b},INV102,20.5,20.5,07/04/2025`,
      `9004,#X,shop-x,555,NO-SUCH-ORDER,INV103,1.00,1.00,07/03/2025`,
      `9005,#A,shop-a,999999,${a},INV104,1.00,1.00,07/03/2025`,
      `9006,#A,shop-a,${nsIdOf(a)},${a},INV105,12.345,0,07/03/2025`,
      `9007,#L,shop-l,${nsIdOf(late)},${late},INV106,30.00,0,07/05/2025`,
    ]);
    expect(await archived(FIRST)).toBe(true);
    const errors = await errorsOf(FIRST);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      ['5', 'HC_ORDER_ID'],
      ['6', 'SALES_ORDER_INTERNAL_ID'],
      ['7', 'INVOICE_TOTAL'],
    ]);
    expect(errors[0]!.reason).toMatch(/unknown order "NO-SUCH-ORDER"/);
    expect(errors[1]!.reason).toMatch(/999999/);

    const ha = await header(a);
    expect(ha.invoices).toEqual({
      '9001': expect.objectContaining({
        invoiceId: '9001',
        invoiceNumber: 'INV100',
        netsuiteOrderId: nsIdOf(a),
        total: 30,
        amountDue: 30,
        invoiceDate: '2025-07-03',
        file: FIRST,
        line: 2,
      }),
    });
    expect(ha.invoicedAt).toEqual(expect.any(String));
    const hb = await header(b);
    expect(Object.values(hb.invoices).map((i) => [i.invoiceNumber, i.total, i.amountDue])).toEqual(
      expect.arrayContaining([
        ['INV101', 10, 0],
        ['INV102', 20.5, 20.5],
      ]),
    );
    expect(Object.keys(hb.invoices)).toHaveLength(2);

    // Invoices checked against what shipped: a and b are invoiced with nothing shipped.
    const s = await status(48);
    const diff = new Map((s.invoices!.differences ?? []).map((d) => [d.orderId, d]));
    expect(diff.get(a)).toMatchObject({
      invoiced: 3000,
      shipped: 0,
      difference: 3000,
      file: FIRST,
    });
    expect(diff.get(b)).toMatchObject({ invoiced: 3050, shipped: 0, difference: 3050 });
    expect(s.invoices!.differencesTotal).toBe(diff.size);
  });

  it('the same file again, or its rows in another file, change nothing', async () => {
    const before = await invoiceStore(root()).headers([a, b, late]);
    // NetSuite puts the same file again (same name, same content).
    await upload(FIRST, [
      `9001,#A,shop-a,${nsIdOf(a)},${a},INV100,30.00,30.00,07/03/2025`,
      `9002,#B,shop-b,${nsIdOf(b)},${b},INV101,10,0,7/3/2025`,
      `9003,#B,shop-b,${nsIdOf(b)},${b},INV102,20.5,20.5,07/04/2025`,
      `9004,#X,shop-x,555,NO-SUCH-ORDER,INV103,1.00,1.00,07/03/2025`,
      `9005,#A,shop-a,999999,${a},INV104,1.00,1.00,07/03/2025`,
      `9006,#A,shop-a,${nsIdOf(a)},${a},INV105,12.345,0,07/03/2025`,
      `9007,#L,shop-l,${nsIdOf(late)},${late},INV106,30.00,0,07/05/2025`,
    ]);
    // The next report repeats rows, one of them twice.
    const SECOND = 'Order_Invoice-2025-07-04.csv';
    await upload(SECOND, [
      `9001,#A,shop-a,${nsIdOf(a)},${a},INV100,30.00,30.00,07/03/2025`,
      `9002,#B,shop-b,${nsIdOf(b)},${b},INV101,10.00,0.00,07/03/2025`,
      `9002,#B,shop-b,${nsIdOf(b)},${b},INV101,10.00,0.00,07/03/2025`,
    ]);
    expect(await archived(SECOND)).toBe(true);
    expect(await hasErrorFile(SECOND)).toBe(false);
    expect(await invoiceStore(root()).headers([a, b, late])).toEqual(before);
    const runs = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(
      'invoice-import',
      5,
    );
    const second = runs.find((r) => r.key.endsWith(SECOND))!;
    expect(second).toMatchObject({ rows: 3, applied: 3, rejected: 0 });
    expect(second.stats).toMatchObject({ recorded: 0, unchanged: 3 });
  });

  it('a later row of an invoice replaces it (paid: nothing due)', async () => {
    const THIRD = 'Order_Invoice-2025-07-10.csv';
    await upload(THIRD, [`9003,#B,shop-b,${nsIdOf(b)},${b},INV102,20.50,0,07/04/2025`]);
    const hb = await header(b);
    expect(hb.invoices['9003']).toMatchObject({ amountDue: 0, total: 20.5, file: THIRD });
    expect(hb.invoices['9002']).toMatchObject({ amountDue: 0, file: FIRST });
  });
});

describe('sync status after the invoices', () => {
  it('no longer lists the invoiced order, and shows the import runs', async () => {
    const s = await status(2);
    expect(s.invoices!.overdue.map((o) => o.orderId)).toEqual([recent]);
    expect(s.invoices!.awaiting).toBe(1);
    const feed = s.inbound.find((f) => f.feed === 'invoice-import')!;
    expect(feed.files.map((f) => f.key.split('/').pop())).toEqual(
      expect.arrayContaining(['Order_Invoice-2025-07-10.csv', 'Order_Invoice-2025-07-04.csv']),
    );
  });
});
