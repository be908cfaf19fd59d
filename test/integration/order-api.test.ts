/**
 * Order intake through its real entry points: the local HTTP API (bearer token, API Gateway v2
 * events, the same handler modules CDK deploys), the storefront JSON file feed (S3 emulator, SQS
 * event, import ledger, error file, archive), and the `oms` command line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../local/cli/connect.ts';
import { startDynamoLocal, type DynamoLocal } from '../../local/dynamodb-local.ts';
import { invoke } from '../../local/handlers.ts';
import { startHttpApi, type HttpApi } from '../../local/http/server.ts';
import { startS3Emulator, type S3Emulator } from '../../local/s3-emulator.ts';
import { ensureTables } from '../../local/tables.ts';
import { ENV } from '../../shared/platform/config.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { OrderStore } from '../../shared/store/order-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { sampleOrder } from '../support/order-core.ts';
import { keptName } from '../support/kept-files.ts';

const TOKEN = 'test-token-123';
const BUCKET = 'oms-test-orders';
const PREFIX = 'api';
const USER = 'netsuite';

let dynamo: DynamoLocal;
let s3: S3Emulator;
let api: HttpApi;
let dataDir: string;
let files: FeedFileStore;
let orders: OrderStore;
let client: DynamoDBClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oms-api-'));
  [dynamo, s3] = await Promise.all([
    startDynamoLocal(),
    startS3Emulator({ directory: join(dataDir, 's3'), buckets: [BUCKET] }),
  ]);
  // The handlers read their configuration from the environment, as a Lambda does.
  process.env[ENV.bucket] = BUCKET;
  process.env[ENV.tablePrefix] = PREFIX;
  process.env[ENV.netsuiteUser] = USER;
  process.env[ENV.dynamoEndpoint] = dynamo.endpoint;
  process.env[ENV.s3Endpoint] = s3.endpoint;
  process.env[ENV.region] = 'us-east-1';
  const cfg = {
    bucket: BUCKET,
    tablePrefix: PREFIX,
    netsuiteUser: USER,
    region: 'us-east-1',
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
  };
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(client, PREFIX);
  orders = new OrderStore(client, tableName(PREFIX, 'orders'));
  files = new FeedFileStore(createS3Client(cfg), BUCKET, USER);
  api = await startHttpApi({ token: TOKEN });
});

afterAll(async () => {
  await api?.close();
  client?.destroy();
  await dynamo?.stop();
  await s3?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

describe('POST /orders and GET /orders/{orderId} on the local HTTP API', () => {
  it('requires the bearer token', async () => {
    const order = sampleOrder();
    expect((await call('POST', '/orders', order, null)).status).toBe(401);
    expect((await call('POST', '/orders', order, 'wrong')).status).toBe(401);
    expect((await call('GET', '/orders/x', undefined, null)).status).toBe(401);
    expect(await orders.orderIdForExternal(order.externalId)).toBeUndefined();
  });

  it('creates an order once per external id', async () => {
    const order = sampleOrder();
    const first = await call('POST', '/orders', order);
    expect(first).toMatchObject({
      status: 201,
      body: { status: 'created', externalId: order.externalId },
    });
    const again = await call('POST', '/orders', order);
    expect(again).toEqual({ status: 200, body: { ...first.body, status: 'duplicate' } });

    const got = await call('GET', `/orders/${first.body.orderId as string}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      orderId: first.body.orderId,
      externalId: order.externalId,
      lines: [
        {
          lineSeq: '00001',
          sku: 'SKU-1',
          status: 'Created',
          buckets: { 1100: 1 },
          holds: [{ code: 'AWAITING_NETSUITE_IDS', kind: 'order' }],
        },
      ],
      history: [{ type: 'created' }],
    });
    expect((await call('GET', `/orders/${order.externalId}`)).body.orderId).toBe(
      first.body.orderId,
    );
    expect(await call('GET', '/orders/NO-SUCH')).toMatchObject({
      status: 404,
      body: { error: 'UNKNOWN_ORDER' },
    });
  });

  it('answers 400 naming the order and the field; in a batch the valid orders still go in', async () => {
    const bad = { ...sampleOrder(), customer: { ...sampleOrder().customer, email: 'nope' } };
    const single = await call('POST', '/orders', bad);
    expect(single).toMatchObject({
      status: 400,
      body: {
        error: 'INVALID_ORDER',
        order: bad.externalId,
        errors: [{ field: 'customer.email', message: '"nope" is not an e-mail address' }],
      },
    });
    const good = sampleOrder();
    const batch = await call('POST', '/orders', [bad, good, { name: 'no id' }]);
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ created: 1, duplicate: 0, rejected: 2 });
    const results = batch.body.results as Array<Record<string, unknown>>;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'created', 'rejected']);
    expect(results[2]).toMatchObject({
      order: '#3',
      messages: expect.arrayContaining(['order #3: externalId is required']),
    });
    expect(await orders.orderIdForExternal(good.externalId)).toBe(results[1]!.orderId);
    expect(await orders.orderIdForExternal(bad.externalId)).toBeUndefined();
  });

  it('answers 400 for a body that is not JSON, 404 for an unknown route', async () => {
    expect(await call('POST', '/orders', '{not json')).toMatchObject({
      status: 400,
      body: { error: 'BAD_REQUEST' },
    });
    expect(await call('POST', '/orders', '"text"')).toMatchObject({ status: 400 });
    expect((await call('DELETE', '/orders')).status).toBe(404);
    expect((await call('GET', '/nothing')).status).toBe(404);
  });
});

describe('storefront order files (storefront/orders)', () => {
  const feed = feedById('storefront-order-import');
  const folder = feedPrefix(USER, feed);

  const sqsEvent = async (key: string): Promise<SQSEvent> => {
    const head = await files.head(key);
    const body = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: BUCKET },
            object: {
              key: key
                .split('/')
                .map((s) => encodeURIComponent(s).replace(/%20/g, '+'))
                .join('/'),
              size: head?.size ?? 0,
              eTag: head?.eTag ?? '',
            },
          },
        },
      ],
    });
    return { Records: [{ messageId: key, body } as SQSEvent['Records'][number]] };
  };

  const drop = async (name: string, text: string) => {
    const key = `${folder}${name}`;
    await files.writeAtomically(key, text, 'application/json');
    const event = await sqsEvent(key);
    const out = await invoke<{ batchItemFailures: unknown[] }>(feed.handler!, event);
    expect(out.batchItemFailures).toEqual([]);
    return event;
  };

  it('imports the valid orders, reports the invalid ones with order and field, archives the file', async () => {
    const a = sampleOrder();
    const b = sampleOrder();
    const invalid = {
      ...sampleOrder(),
      lines: [{ sku: 'X', quantity: 0, price: 1, shippingMethod: 'S' }],
    };
    const name = 'Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-orders.json';
    const body = JSON.stringify([a, invalid, b, 'junk']);
    const event = await drop(name, body);

    const idA = await orders.orderIdForExternal(a.externalId);
    const idB = await orders.orderIdForExternal(b.externalId);
    expect(idA).toBeDefined();
    expect(idB).toBeDefined();
    expect((await orders.order(idA!)).header?.source).toBe(`file:${folder}${name}`);
    expect(await orders.orderIdForExternal(invalid.externalId)).toBeUndefined();
    // Kept under the version's name (its ETag's first 8 characters), the report beside it.
    const kept = keptName(name, body);
    expect(await files.head(`${folder}archive/${kept}`)).toBeDefined();
    expect(await files.head(`${folder}${name}`)).toBeUndefined();
    const report = parse((await files.readText(`${folder}error/${kept}.errors.csv`))!, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(report.map((r) => [r.line, r.field, r.reason])).toEqual([
      ['2', 'lines[0].quantity', `order ${invalid.externalId}: lines[0].quantity 0 is below 1`],
      ['4', '(order)', 'order #4: (order) must be an object, found string'],
    ]);
    expect(report[0]!.file).toBe(kept);
    expect(JSON.parse(report[0]!.raw!)).toEqual(invalid);

    // The same event again: the ledger says done; nothing is created twice.
    const again = await invoke<{ batchItemFailures: unknown[] }>(feed.handler!, event);
    expect(again.batchItemFailures).toEqual([]);
    // The same orders in another file: each external id is already known.
    await drop('again.json', JSON.stringify([a, b]));
    expect(await orders.orderIdForExternal(a.externalId)).toBe(idA);
    expect((await orders.order(idA!)).events).toHaveLength(1);
  });

  it('moves a file that is not a JSON array to failed/ with an error file', async () => {
    const broken = '{"externalId": ';
    const object = JSON.stringify(sampleOrder());
    await drop('broken.json', broken);
    await drop('object.json', object);
    const kept = {
      broken: keptName('broken.json', broken),
      object: keptName('object.json', object),
    };
    for (const name of Object.values(kept)) {
      expect(await files.head(`${folder}failed/${name}`)).toBeDefined();
    }
    expect(await files.readText(`${folder}error/${kept.broken}.errors.csv`)).toMatch(
      /not valid JSON/,
    );
    expect(await files.readText(`${folder}error/${kept.object}.errors.csv`)).toMatch(
      /top-level value must be an array of records, found object/,
    );
  });
});

describe('the oms command line', () => {
  const oms = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(process.cwd(), 'bin/oms.mjs'), '--data-dir', dataDir, ...args],
      { env: { ...process.env, [ENV.bucket]: '' }, timeout: 60_000 },
    );
    return stdout;
  };

  it('shows an order and runs the reconcile job', async () => {
    writeEndpoints(dataDir, {
      bucket: BUCKET,
      tablePrefix: PREFIX,
      netsuiteUser: USER,
      s3Endpoint: s3.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      sftpPort: 0,
    });
    const order = sampleOrder();
    const created = await call('POST', '/orders', order);
    const text = await oms('order', 'show', order.externalId);
    expect(text).toContain(`Order ${created.body.orderId as string}  external ${order.externalId}`);
    expect(text).toMatch(/Lines\n.*line\s+sku\s+qty\s+status/);
    expect(text).toMatch(/00001\s+SKU-1\s+1\s+Created\s+1100:1\s+AWAITING_NETSUITE_IDS/);
    // The money: an order without money fields has its prices and payments as money.
    expect(text).toContain('Money (USD)');
    expect(text).toMatch(
      / {2}lines \d+\.\d{2} {2}discounts -0\.00 {2}shipping 0\.00 {2}taxes 0\.00 {2}total /,
    );
    expect(text).toMatch(/refund due 0\.00/);
    const json = JSON.parse(await oms('order', 'show', order.externalId, '--json')) as {
      money: { currency: string; total: string; cents: Record<string, number> };
    };
    expect(json.money).toMatchObject({ currency: 'USD', cents: { discounts: 0, refundDue: 0 } });
    expect(json.money.cents.total).toBe(Math.round(Number(json.money.total) * 100));
    const report = JSON.parse(
      await oms('job', 'run', 'reconcile-reservations', '--json'),
    ) as Record<string, unknown>;
    expect(report).toMatchObject({ fixed: [], busy: [] });
  }, 120_000);
});
