/**
 * NetSuite's credit-memo report end to end on the local cloud: `Credit_Memo-<date>.csv` uploaded
 * over SFTP into `alc-audit-data/` — the folder of the invoice report, told apart by its exact
 * header — is imported by the same handler: each memo is kept on its order (found by the Shopify
 * order id the sales-order export sends as `HCShopifySalesOrderId`) with the Loop return total in
 * cents, exactly; the same file twice or repeated rows change nothing, neither on the orders nor
 * in the running totals; a later row of a memo replaces it and moves the totals by the difference;
 * unknown orders, names that are not the order's and bad values go to the error file with line and
 * field. `oms order show` (text and --json) shows the memos and `oms sync status` counts them.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import type SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../local/cli/connect.ts';
import { ENV } from '../../shared/platform/config.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { invoiceStore, orderRuntime, root, syncStore } from '../../shared/app/root.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { syncStatus } from '../../shared/sync/sync-status.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';
import { keptOverSftp } from '../support/kept-files.ts';
import { sampleOrder } from '../support/order-core.ts';

const HEADER =
  'CREDIT_MEMO_INTERNAL_ID,SHOPIFY_ORDER_NAME,SHOPIFY_ORDER_ID,HC_LOOP_RETURN_ID,HC_LOOP_RETURN_TOTAL,HC_RETURN_ID,CREDIT_MEMO_DATE';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
const dir = () => `/${feedPrefix(cloud.sftp.user, feedById('invoice-import'))}`;

interface Shop {
  orderId: string;
  externalId: string;
  name: string;
}

async function order(): Promise<Shop> {
  const input = sampleOrder({}, [
    { sku: 'CM-SKU', quantity: 1, price: 40, shippingMethod: 'STANDARD' },
  ]);
  const created = await orderRuntime(root()).intake.submit(input, {
    source: 'test',
    actor: 'test',
  });
  if (created.status !== 'created') throw new Error(created.status);
  return { orderId: created.orderId, externalId: input.externalId, name: input.name };
}

const upload = async (name: string, rows: readonly string[], header = HEADER) => {
  await sftp.put(Buffer.from(`${[header, ...rows].join('\n')}\n`), `${dir()}${name}`);
  await cloud.dispatcher.idle();
};
const listed = async (sub: string, name: string) =>
  !!(await keptOverSftp(sftp, `${dir()}${sub}`, name));
/** The error report of the last version of `name` imported (`x~<etag8>.csv.errors.csv`). */
const errorsOf = async (name: string) =>
  parse(
    (await sftp.get(
      (await keptOverSftp(sftp, `${dir()}error`, name, '.errors.csv')) ?? 'missing',
    )) as Buffer,
    { columns: true },
  ) as Record<string, string>[];
const memos = async (o: Shop) =>
  (await invoiceStore(root()).headers([o.orderId])).get(o.orderId)!.creditMemos ?? {};
const totals = () => invoiceStore(root()).creditMemoTotals();

let a: Shop;
let b: Shop;

beforeAll(async () => {
  cloud = await startTestCloud();
  sftp = await connectSftp(cloud);
  a = await order();
  b = await order();
}, 120_000);

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

const FIRST = 'Credit_Memo-2025-07-05.csv';
const firstRows = () => [
  `8001,${a.name},${a.externalId},LR-1,12.34,,07/05/2025`,
  `8002,${b.name},${b.externalId},,,POS-77,7/6/2025`,
  `8003,#9999,no-such-shopify-order,LR-2,5.00,,07/05/2025`,
  `8004,#WRONG,${a.externalId},LR-3,1.00,,07/05/2025`,
  `8005,${a.name},${a.externalId},LR-4,0.105,,07/05/2025`,
  `8006,${a.name},${a.externalId},LR-5,1.00,,02/30/2025`,
  `8007,${b.name},${b.externalId},LR-6,19.99,,07/06/2025`,
];

describe('credit memo import', () => {
  it('takes the credit-memo header in alc-audit-data, keeps each memo on its order, reports bad rows', async () => {
    await upload(FIRST, firstRows());
    expect(await listed('archive', FIRST)).toBe(true);
    expect(await listed('failed', FIRST)).toBe(false);
    const errors = await errorsOf(FIRST);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      ['4', 'SHOPIFY_ORDER_ID'],
      ['5', 'SHOPIFY_ORDER_NAME'],
      ['6', 'HC_LOOP_RETURN_TOTAL'],
      ['7', 'CREDIT_MEMO_DATE'],
    ]);
    expect(errors[0]!.reason).toMatch(/unknown order.*no-such-shopify-order/);
    expect(errors[1]!.reason).toContain(a.name);

    expect(await memos(a)).toEqual({
      '8001': expect.objectContaining({
        creditMemoId: '8001',
        orderName: a.name,
        externalOrderId: a.externalId,
        loopReturnId: 'LR-1',
        loopReturnTotalCents: 1234,
        creditMemoDate: '2025-07-05',
        file: FIRST,
        line: 2,
      }),
    });
    const mb = await memos(b);
    expect(Object.keys(mb).sort()).toEqual(['8002', '8007']);
    expect(mb['8002']).toMatchObject({ returnId: 'POS-77', creditMemoDate: '2025-07-06' });
    expect(mb['8002']!.loopReturnTotalCents).toBeUndefined();
    expect(mb['8007']!.loopReturnTotalCents).toBe(1999);
    expect(await totals()).toEqual({ memos: 3, amountCents: 1234 + 1999 });
  });

  it('the same file again, or its rows repeated in another file, change nothing', async () => {
    const before = [await memos(a), await memos(b), await totals()];
    await upload(FIRST, firstRows());
    const SECOND = 'Credit_Memo-2025-07-06.csv';
    await upload(SECOND, [
      `8001,${a.name},${a.externalId},LR-1,12.340,,07/05/2025`,
      `8007,${b.name},${b.externalId},LR-6,19.99,,07/06/2025`,
      `8007,${b.name},${b.externalId},LR-6,19.99,,07/06/2025`,
    ]);
    expect(await listed('archive', SECOND)).toBe(true);
    expect(await keptOverSftp(sftp, `${dir()}error`, SECOND, '.errors.csv')).toBeUndefined();
    expect([await memos(a), await memos(b), await totals()]).toEqual(before);
    const runs = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(
      'invoice-import',
      5,
    );
    expect(runs.find((r) => r.key.endsWith(SECOND))).toMatchObject({
      rows: 3,
      applied: 3,
      rejected: 0,
      stats: { creditMemos: 3, recorded: 0, unchanged: 3, amountCents: 0 },
    });
  });

  it('a later row of a memo replaces it and moves the totals by the difference, in cents', async () => {
    const THIRD = 'Credit_Memo-2025-07-08.csv';
    await upload(THIRD, [`8001,${a.name},${a.externalId},LR-1,10.01,,07/05/2025`]);
    expect((await memos(a))['8001']).toMatchObject({ loopReturnTotalCents: 1001, file: THIRD });
    expect(await totals()).toEqual({ memos: 3, amountCents: 1001 + 1999 });
  });

  it('a file with neither header still fails, naming both', async () => {
    const BAD = 'Credit_Memo-bad.csv';
    await upload(BAD, ['1,2,3'], 'CREDIT_MEMO_ID,ORDER,DATE');
    expect(await listed('failed', BAD)).toBe(true);
    const [row] = await errorsOf(BAD);
    expect(row!.reason).toContain('INVOICE_INTERNAL_ID');
    expect(row!.reason).toContain('CREDIT_MEMO_INTERNAL_ID');
  });
});

describe('the operator sees them', () => {
  const oms = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(process.cwd(), 'bin/oms.mjs'), '--data-dir', cloud.dataDir, ...args],
      { env: { ...process.env, [ENV.bucket]: '' }, timeout: 60_000 },
    );
    return stdout;
  };

  it('oms order show lists the memos, with exact amounts', async () => {
    writeEndpoints(cloud.dataDir, {
      bucket: cloud.bucket,
      tablePrefix: cloud.tablePrefix,
      netsuiteUser: cloud.sftp.user,
      s3Endpoint: cloud.s3Endpoint,
      dynamoEndpoint: cloud.dynamoEndpoint,
      sftpPort: cloud.sftp.port,
    });
    const json = JSON.parse(await oms('order', 'show', b.orderId, '--json')) as {
      creditMemos: Record<string, unknown>[];
    };
    expect(json.creditMemos.map((m) => [m.creditMemoId, m.loopReturnTotal, m.returnId])).toEqual([
      ['8002', undefined, 'POS-77'],
      ['8007', '19.99', undefined],
    ]);
    const text = await oms('order', 'show', a.orderId);
    expect(text).toMatch(/Credit memos/);
    expect(text).toMatch(/8001\s+2025-07-05\s+LR-1\s+10\.01/);
  });

  it('oms sync status counts them and lists the last credit-memo files', async () => {
    const s = await syncStatus({
      sync: syncStore(root()),
      ledger: new ImportLedger(dynamo(), table('control')),
      creditMemos: invoiceStore(root()),
    });
    expect(s.creditMemos).toMatchObject({ memos: 3, amountCents: 3000 });
    expect(s.creditMemos!.files.map((f) => f.key.split('/').pop())).toEqual(
      expect.arrayContaining(['Credit_Memo-2025-07-08.csv', 'Credit_Memo-2025-07-06.csv']),
    );
    const json = JSON.parse(await oms('sync', 'status', '--json')) as {
      creditMemos: { memos: number; amountCents: number };
    };
    expect(json.creditMemos).toMatchObject({ memos: 3, amountCents: 3000 });
    expect(await oms('sync', 'status')).toMatch(
      /Credit memos: 3 recorded, Loop return totals 30\.00/,
    );
  });
});
