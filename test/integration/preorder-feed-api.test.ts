/**
 * Pre-order allocation through its real entry points on the local cloud: the open purchase orders
 * file over SFTP (ledger, error file naming file/line/field, archive/), the HTTP API (bearer
 * token, the same handler CDK deploys), the `oms` command line, and the page's static files.
 * The tests build on each other and run in order on one cloud.
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
import { orderRuntime, root } from '../../shared/app/root.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { PurchaseOrderStore } from '../../shared/store/purchase-order-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { connectSftp, startTestCloud } from '../support/local-cloud.ts';
import { keptOverSftp } from '../support/kept-files.ts';
import { sampleOrder } from '../support/order-core.ts';

const TOKEN = 'preorder-test-token';

/** A JSON object from the API; lists in it are read with `list`. */
type Rec = Record<string, unknown>;
const list = (v: unknown): Rec[] => v as Rec[];
const HEADER =
  'external-id,product-sku,quantity,external-facility-id,item-external-id,arrival-date';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sftp: SftpClient;
let pos: PurchaseOrderStore;
const dir = () => `/${feedPrefix(cloud.sftp.user, feedById('purchase-order-import'))}`;

beforeAll(async () => {
  cloud = await startTestCloud({ api: { token: TOKEN } });
  const dynamo = createDynamoClient(cloud.config);
  pos = new PurchaseOrderStore(dynamo, tableName(cloud.tablePrefix, 'inventory'));
  await new FacilityStore(dynamo, tableName(cloud.tablePrefix, 'control')).save([
    { facilityId: 'WH-EAST', externalId: '101', name: 'East', kind: 'warehouse', groups: [] },
  ]);
  sftp = await connectSftp(cloud);
});

afterAll(async () => {
  await sftp?.end();
  await cloud?.cleanup();
});

const upload = async (name: string, lines: readonly string[]) => {
  await sftp.put(Buffer.from(`${lines.join('\n')}\n`), `${dir()}${name}`);
  await cloud.dispatcher.idle();
};

const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
  const res = await fetch(`${cloud.api!.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Rec };
};

/** An approved pre-order created through POST /orders. */
const preorder = async (sku: string, quantity: number, date: string) => {
  const order = sampleOrder({ date }, [
    { sku, quantity, price: 20, shippingMethod: 'STANDARD', preOrder: true },
  ]);
  const created = await call('POST', '/orders', order);
  expect(created.status).toBe(201);
  const orderId = created.body.orderId as string;
  await orderRuntime(root()).service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: `9${Date.now() % 100000}`,
    lineIds: { '00001': '1' },
    idempotencyKey: `ids-${orderId}`,
    actor: 'test',
  });
  return orderId;
};

describe('the open purchase orders feed', () => {
  it('upserts good rows, reports bad ones by file, line and field, and archives the file', async () => {
    await upload('open-pos-1.csv', [
      HEADER,
      'PO-100,SKU-PRE,5,101,1,03/15/2026',
      'PO-100,SKU-OTHER,2,101,2,03/15/2026',
      'PO-200,SKU-PRE,4,101,1,01/20/2026',
      'PO-300,SKU-PRE,4,999,1,01/20/2026', // unknown facility
      'PO-400,SKU-PRE,x,101,1,01/20/2026', // bad quantity
      'PO-500,SKU-PRE,3,101,1,02/30/2026', // not a date
    ]);
    // Kept under the version's name (`open-pos-1~<etag8>.csv`), its report beside it.
    const kept = (await keptOverSftp(sftp, `${dir()}archive`, 'open-pos-1.csv'))!;
    expect(kept).toBeDefined();
    const keptAs = kept.slice(kept.lastIndexOf('/') + 1);
    const errors = parse((await sftp.get(`${dir()}error/${keptAs}.errors.csv`)) as Buffer, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(errors.map((e) => [e.file, e.line, e.field])).toEqual([
      [keptAs, '5', 'external-facility-id'],
      [keptAs, '6', 'quantity'],
      [keptAs, '7', 'arrival-date'],
    ]);
    expect(await pos.line('PO-100', '1')).toMatchObject({
      sku: 'SKU-PRE',
      quantity: 5,
      arrivalDate: '2026-03-15',
      facilityId: 'WH-EAST',
      atp: 5,
      status: 'open',
    });
    expect((await pos.list()).map((h) => h.poId).sort()).toEqual(['PO-100', 'PO-200']);
  });

  it('a later file changes a quantity and an arrival date; the same file again changes nothing', async () => {
    await upload('open-pos-2.csv', [HEADER, 'PO-100,SKU-PRE,6,101,1,03/20/2026']);
    expect(await pos.line('PO-100', '1')).toMatchObject({ quantity: 6, arrivalDate: '2026-03-20' });
    await upload('open-pos-2-again.csv', [HEADER, 'PO-100,SKU-PRE,6,101,1,03/20/2026']);
    expect(await pos.line('PO-100', '1')).toMatchObject({ quantity: 6, atp: 6 });
  });
});

describe('the HTTP API', () => {
  let first: string;
  let second: string;
  let third: string;

  it('requires the token, and serves the page without one', async () => {
    expect((await call('GET', '/purchase-orders', undefined, null)).status).toBe(401);
    const page = await fetch(`${cloud.api!.url}/merchandiser/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('Purchase orders');
    expect((await fetch(`${cloud.api!.url}/merchandiser/app.js`)).status).toBe(200);
    // `..` never leaves the page's folder: the path is normalised first, and then needs the token.
    expect((await fetch(`${cloud.api!.url}/merchandiser/%2e%2e/package.json`)).status).toBe(401);
    expect((await fetch(`${cloud.api!.url}/merchandiser/nope.txt`)).status).toBe(404);
  });

  it('allocates FIFO on demand and reviews a PO line', async () => {
    first = await preorder('SKU-PRE', 3, '2025-07-01T10:00:00Z');
    second = await preorder('SKU-PRE', 2, '2025-07-02T10:00:00Z');
    const run = await call('POST', '/preorders/allocate', { sku: 'SKU-PRE' });
    expect(run.status).toBe(200);
    // PO-200 (4 units, arriving first) serves the first order fully and the second in part.
    expect(list(run.body.lines).map((l) => [l.orderId, l.poId, l.quantity])).toEqual([
      [first, 'PO-200', 3],
      [second, 'PO-200', 1],
      [second, 'PO-100', 1],
    ]);
    const review = await call('GET', '/purchase-orders/PO-200/lines/1/allocations');
    expect(review.body).toMatchObject({ totalOrdered: 4, atpConsumed: 4, atp: 0 });
    const listed = await call('GET', '/purchase-orders');
    expect(list(listed.body.purchaseOrders).map((p) => [p.poId, p.allocated])).toEqual([
      ['PO-200', 4],
      ['PO-100', 1],
    ]);
    const detail = await call('GET', '/purchase-orders/PO-100');
    expect(list(detail.body.lines).map((l) => [l.lineId, l.allocated, l.atp, l.orders])).toEqual([
      ['1', 1, 5, 1],
      ['2', 0, 2, 0],
    ]);
  });

  it('refuses what it must, with a code and a reason', async () => {
    third = await preorder('SKU-PRE', 6, '2025-07-03T10:00:00Z');
    const beyond = await call('POST', '/purchase-orders/PO-100/lines/1/allocations', {
      idempotencyKey: 'k-beyond',
      orders: [{ orderId: third, lineSeq: '00001' }],
    });
    expect(beyond).toMatchObject({ status: 409, body: { error: 'BEYOND_ATP', atp: 5, asked: 6 } });
    expect((await call('GET', '/purchase-orders/PO-NONE')).body).toMatchObject({
      error: 'UNKNOWN_PO',
    });
    expect((await call('GET', '/purchase-orders/PO-NONE')).status).toBe(404);
    const noKey = await call('POST', '/purchase-orders/PO-100/lines/1/allocations', {
      orders: [{ orderId: third, lineSeq: '00001', quantity: 1 }],
    });
    expect(noKey).toMatchObject({ status: 400, body: { error: 'MISSING_IDEMPOTENCY_KEY' } });
    const wrongSku = await call('POST', '/purchase-orders/PO-100/lines/2/allocations', {
      idempotencyKey: 'k-sku',
      orders: [{ orderId: third, lineSeq: '00001', quantity: 1 }],
    });
    expect(wrongSku).toMatchObject({ status: 409, body: { error: 'WRONG_SKU' } });
  });

  it('allocates, syncs dates and removes through the routes', async () => {
    const ok = await call('POST', '/purchase-orders/PO-100/lines/1/allocations', {
      idempotencyKey: 'k-ok',
      orders: [{ orderId: third, lineSeq: '00001', quantity: 2 }],
    });
    expect(ok.body.results).toEqual([
      { orderId: third, lineSeq: '00001', quantity: 2, outcome: 'allocated' },
    ]);
    expect(ok.body.poLine).toMatchObject({ allocated: 3, atp: 3 });
    await upload('open-pos-3.csv', [HEADER, 'PO-100,SKU-PRE,6,101,1,04/01/2026']);
    const sync = await call('POST', '/purchase-orders/PO-100/lines/1/sync-dates', {});
    expect(sync.body).toMatchObject({ arrivalDate: '2026-04-01', changed: 2, unchanged: 0 });
    const removed = await call('POST', '/purchase-orders/PO-100/lines/1/removals', {
      idempotencyKey: 'k-remove',
      orders: [{ orderId: third, lineSeq: '00001' }],
    });
    expect(list(removed.body.results)[0]).toMatchObject({ outcome: 'removed', quantity: 2 });
    expect(removed.body.poLine).toMatchObject({ allocated: 1, atp: 5 });
    const order = await call('GET', `/orders/${third}`);
    expect(list(order.body.lines)[0]!.buckets).toMatchObject({ 1100: 4, 1300: 2 });
  });
});

describe('the oms command line', () => {
  const oms = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(process.cwd(), 'bin/oms.mjs'), '--data-dir', cloud.dataDir, ...args],
      { env: { ...process.env, [ENV.bucket]: '' }, timeout: 60_000 },
    );
    return stdout;
  };

  it('lists, shows, reviews and cancels purchase orders', async () => {
    writeEndpoints(cloud.dataDir, {
      bucket: cloud.bucket,
      tablePrefix: cloud.tablePrefix,
      netsuiteUser: cloud.sftp.user,
      s3Endpoint: cloud.s3Endpoint,
      dynamoEndpoint: cloud.dynamoEndpoint,
      sftpPort: cloud.sftp.port,
    });
    const listedPos = JSON.parse(await oms('po', 'list', '--json')) as Array<{ poId: string }>;
    expect(listedPos.map((p) => p.poId).sort()).toEqual(['PO-100', 'PO-200']);
    expect(await oms('po', 'show', 'PO-200')).toMatch(/PO PO-200\s+open\s+facility WH-EAST/);
    expect(await oms('po', 'review', 'PO-200', '1')).toMatch(/total ordered 4\s+ATP consumed 4/);
    const cancelled = JSON.parse(
      await oms('po', 'cancel', 'PO-200', '--key', 'cli-cancel', '--json'),
    );
    expect(cancelled.unallocated).toHaveLength(2);
    // PO-100 line 1 has 5 units left: the oldest customers take them, the first two fully.
    expect(cancelled.reallocated.allocated).toBe(5);
    expect(cancelled.stillUnallocated).toEqual([]);
    const review = JSON.parse(await oms('po', 'review', 'PO-100', '1', '--json'));
    expect(review.atp).toBe(0);
  });

  it('removes an order line from a PO line and allocates it again; nothing left to allocate: exit 1', async () => {
    const before = JSON.parse(await oms('po', 'review', 'PO-100', '1', '--json'));
    const taken = before.allocations[0] as { orderId: string; lineSeq: string; quantity: number };
    const choice = `${taken.orderId}:${Number(taken.lineSeq)}`;

    const removed = JSON.parse(
      await oms('po', 'remove', 'PO-100', '1', choice, '--key', 'cli-remove', '--json'),
    );
    expect(removed.results).toEqual([expect.objectContaining({ outcome: 'removed' })]);
    expect(removed.poLine.atp).toBe(taken.quantity);

    // The human output names the key given and the PO line's figures.
    const again = await oms('po', 'allocate', 'PO-100', '1', choice, '--key', 'cli-allocate');
    expect(again).toMatch(/PO line PO-100\/1: allocated \d+, ATP 0/);
    expect(again).not.toMatch(/idempotency key/);
    const after = JSON.parse(await oms('po', 'review', 'PO-100', '1', '--json'));
    expect(after.allocations).toEqual(before.allocations);

    // The same line again: nothing left on it to allocate — refused as the API refuses it, exit 1.
    const refused = await oms('po', 'allocate', 'PO-100', '1', choice, '--json').then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/NOTHING_TO_ALLOCATE/);
  });
});
