/**
 * Fault: an order re-submitted under the same external id with other content (issue #22, item 6).
 * Before, intake answered `duplicate` and dropped the change without a word. Now the change is a
 * conflict everywhere an order comes in, naming what differs, and the stored order is untouched:
 * HTTP 409 (POST /orders), the storefront file's record refused in its error file, `oms order
 * create` failing with the differences. The same order again stays an idempotent duplicate.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../local/cli/connect.ts';
import { ENV } from '../../shared/platform/config.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const TOKEN = 'order-conflict-token';
const LINES = [
  { sku: 'SKU-1', quantity: 1, price: 10, shippingMethod: 'STANDARD' },
  { sku: 'SKU-2', quantity: 2, price: 5.5, shippingMethod: 'STANDARD' },
  { sku: 'SKU-3', quantity: 1, price: 20, shippingMethod: 'STANDARD' },
];

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let files: FeedFileStore;

beforeAll(async () => {
  cloud = await startTestCloud({ api: { token: TOKEN } });
  files = new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user);
});

afterAll(async () => {
  await cloud?.cleanup();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${cloud.api!.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** The same order with line 1's quantity 1 → 3, line 2 removed, SKU-9 added, another e-mail. */
const changed = (o: OrderInput): OrderInput => ({
  ...o,
  customer: { ...o.customer, email: 'new-address@example.com' },
  lines: [
    { ...o.lines[0]!, quantity: 3 },
    o.lines[2]!,
    { sku: 'SKU-9', quantity: 2, price: 4, shippingMethod: 'STANDARD' },
  ],
});

/** The lines the OMS holds for an order: what a re-submission must not change. */
const storedLines = async (orderId: string) =>
  ((await call('GET', `/orders/${orderId}`)).body.lines as Array<Record<string, unknown>>).map(
    (l) => [l.lineSeq, l.sku, l.quantity, l.price],
  );

describe('over the HTTP API', () => {
  it('answers 409 naming what differs, and changes nothing; the same order again is a duplicate', async () => {
    const order = sampleOrder({}, LINES);
    const first = await call('POST', '/orders', order);
    expect(first.status).toBe(201);
    const orderId = first.body.orderId as string;
    const before = await storedLines(orderId);

    const conflict = await call('POST', '/orders', changed(order));
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      error: 'ORDER_CONFLICT',
      status: 'conflict',
      orderId,
      externalId: order.externalId,
      differences: {
        lines: {
          changed: [
            {
              lineSeq: '00001',
              sku: 'SKU-1',
              fields: [{ field: 'quantity', stored: 1, submitted: 3 }],
            },
          ],
          added: [{ line: 3, sku: 'SKU-9', quantity: 2, price: 4 }],
          removed: [{ lineSeq: '00002', sku: 'SKU-2', quantity: 2, price: 5.5 }],
        },
        header: [
          {
            field: 'customer.email',
            stored: 'ada@example.com',
            submitted: 'new-address@example.com',
          },
        ],
      },
    });
    expect(String(conflict.body.message)).toMatch(/line 00001 SKU-1: quantity 1 → 3/);
    expect(await storedLines(orderId)).toEqual(before);

    // A price alone, and a header field alone, are conflicts too.
    const cheaper = { ...order, lines: [{ ...LINES[0]!, price: 9 }, ...LINES.slice(1)] };
    expect(await call('POST', '/orders', cheaper)).toMatchObject({
      status: 409,
      body: {
        differences: {
          lines: {
            changed: [{ sku: 'SKU-1', fields: [{ field: 'price', stored: 10, submitted: 9 }] }],
          },
        },
      },
    });
    expect(await call('POST', '/orders', { ...order, salesChannel: 'pos' })).toMatchObject({
      status: 409,
      body: {
        differences: { header: [{ field: 'salesChannel', stored: 'web', submitted: 'pos' }] },
      },
    });

    // The same order again: idempotent.
    expect(await call('POST', '/orders', order)).toEqual({
      status: 200,
      body: { status: 'duplicate', orderId, externalId: order.externalId },
    });
    expect((await call('GET', `/orders/${orderId}`)).body.history).toHaveLength(1);
  });

  it('the same new order sent several times at once: one created, the others duplicates', async () => {
    const order = sampleOrder({}, LINES);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call('POST', '/orders', order)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
  });

  it('in an array, a conflict is one result among the others', async () => {
    const known = sampleOrder({}, LINES);
    const knownId = (await call('POST', '/orders', known)).body.orderId as string;
    const fresh = sampleOrder();
    const batch = await call('POST', '/orders', [changed(known), fresh, known]);
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ created: 1, duplicate: 1, conflict: 1, rejected: 0 });
    const results = batch.body.results as Array<Record<string, unknown>>;
    expect(results.map((r) => r.status)).toEqual(['conflict', 'created', 'duplicate']);
    expect(results[0]).toMatchObject({ orderId: knownId, differences: { lines: {} } });
  });
});

describe('in a storefront order file', () => {
  it("refuses the changed order's record in the error file with what differs; the rest go in", async () => {
    const known = sampleOrder({}, LINES);
    const knownId = (await call('POST', '/orders', known)).body.orderId as string;
    const before = await storedLines(knownId);
    const fresh = sampleOrder();
    const folder = feedPrefix(cloud.sftp.user, feedById('storefront-order-import'));
    const name = 'Wed Jul 02 2025 10:30:00 GMT-0700 (PDT)-orders.json';
    await createS3Client(cloud.config).send(
      new PutObjectCommand({
        Bucket: cloud.bucket,
        Key: `${folder}${name}`,
        Body: JSON.stringify([known, changed(known), fresh]),
        ContentType: 'application/json',
      }),
    );
    await cloud.dispatcher.idle();

    expect(await files.list(folder)).toEqual([]);
    expect(await files.list(`${folder}archive/`)).toHaveLength(1);
    expect((await call('GET', `/orders/${fresh.externalId}`)).status).toBe(200);
    expect(await storedLines(knownId)).toEqual(before);

    const errorFiles = await files.list(`${folder}error/`);
    expect(errorFiles).toHaveLength(1);
    const report = parse((await files.readText(errorFiles[0]!.key))!, {
      columns: true,
    }) as Array<Record<string, string>>;
    // Only the changed order (record 2); the identical one (record 1) is a duplicate.
    expect(report.map((r) => [r.line, r.field])).toEqual([['2', 'externalId']]);
    expect(report[0]!.reason).toMatch(
      new RegExp(
        `^order ${known.externalId} was already received as ${knownId} with other content`,
      ),
    );
    expect(report[0]!.reason).toContain('line 00001 SKU-1: quantity 1 → 3');
    expect(report[0]!.reason).toContain('line added (position 3): SKU-9 ×2 at 4 STANDARD');
    expect(report[0]!.reason).toContain('line 00002 removed: SKU-2 ×2 at 5.5 STANDARD');
    expect(report[0]!.reason).toContain('customer.email ada@example.com → new-address@example.com');
    expect(JSON.parse(report[0]!.raw!)).toEqual(changed(known));
  });
});

describe('with `oms order create`', () => {
  it('fails with the differences; the same order again succeeds as a duplicate', async () => {
    writeEndpoints(cloud.dataDir, {
      bucket: cloud.bucket,
      tablePrefix: cloud.tablePrefix,
      netsuiteUser: cloud.sftp.user,
      s3Endpoint: cloud.s3Endpoint,
      dynamoEndpoint: cloud.dynamoEndpoint,
      sftpPort: cloud.sftp.port,
    });
    const oms = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [join(process.cwd(), 'bin/oms.mjs'), '--data-dir', cloud.dataDir, ...args],
        { env: { ...process.env, [ENV.bucket]: '' }, timeout: 60_000 },
      );
    const known = sampleOrder({}, LINES);
    const knownId = (await call('POST', '/orders', known)).body.orderId as string;
    const file = join(cloud.dataDir, 'changed-order.json');
    writeFileSync(file, JSON.stringify(changed(known)));
    const failed = await oms('order', 'create', file).then(
      () => undefined,
      (err: { code?: number; stdout?: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain(
      `CONFLICT: order ${known.externalId} is already ${knownId} with other content; not applied:`,
    );
    expect(failed?.stdout).toContain('  - line 00001 SKU-1: quantity 1 → 3');

    writeFileSync(file, JSON.stringify(known));
    const { stdout } = await oms('order', 'create', file, '--json');
    expect(JSON.parse(stdout)).toEqual({
      status: 'duplicate',
      orderId: knownId,
      externalId: known.externalId,
    });
  }, 120_000);
});
