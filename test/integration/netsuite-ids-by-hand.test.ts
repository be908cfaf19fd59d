/**
 * An order whose NetSuite ids are recorded by hand (`npx oms order netsuite-ids`) is taken on
 * exactly like one the approval job approves: its hold lifts, it joins the brokering queue (the
 * next `oms broker run` places it) and its deposit joins the deposit outbox (the next deposit
 * export writes it, keyed on the NetSuite order id). Driven through the command line itself, on
 * the local cloud.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEndpoints } from '../../local/cli/connect.ts';
import { ENV } from '../../shared/platform/config.ts';
import { BROKERING_QUEUE, parseRoutingConfig } from '../../shared/domain/brokering/index.ts';
import type { DepositPayload } from '../../shared/domain/sync/deposits.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { feedFiles } from '../../shared/files/feed-file-store.ts';
import { mappingStore, orderRuntime, root, syncStore } from '../../shared/app/root.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { BrokeringStore } from '../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const SKU = 'HAND-SKU';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;

const oms = async (...args: string[]) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(process.cwd(), 'bin/oms.mjs'), '--data-dir', cloud.dataDir, ...args],
    { env: { ...process.env, [ENV.bucket]: '' }, timeout: 60_000 },
  );
  return stdout;
};

const brokering = () => new BrokeringStore(dynamo(), table('control'));
const queued = async (orderId: string) =>
  (await brokering().queue(BROKERING_QUEUE)).some((e) => e.orderId === orderId);
const depositOutbox = async () => {
  const out: { id: string; payload: DepositPayload }[] = [];
  for await (const page of syncStore(root()).entries<DepositPayload>('deposit')) {
    out.push(...page.map((e) => ({ id: e.id, payload: e.payload })));
  }
  return out;
};

beforeAll(async () => {
  cloud = await startTestCloud();
  writeEndpoints(cloud.dataDir, {
    bucket: cloud.bucket,
    tablePrefix: cloud.tablePrefix,
    netsuiteUser: cloud.sftp.user,
    s3Endpoint: cloud.s3Endpoint,
    dynamoEndpoint: cloud.dynamoEndpoint,
    sftpPort: cloud.sftp.port,
  });
  await new FacilityStore(dynamo(), table('control')).save([
    {
      facilityId: 'WH-EAST',
      externalId: '101',
      name: 'East',
      kind: 'warehouse',
      groups: ['NETSUITE_FULFILLED'],
    },
  ]);
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const item of productItems({ sku: SKU, itemId: '801' }, { file: 't', importedAt: 'now' }))
    await products.put(item);
  await products.flush();
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  await inventory.put(
    snapshotItem(
      { sku: SKU, facilityId: 'WH-EAST', availableQty: 10, itemId: '801' },
      { file: 's', importedAt: 'now' },
    ),
  );
  await inventory.flush();
  await mappingStore(root()).save([{ kind: 'paymentMethod', value: 'card', netsuiteId: '7' }]);
  const routing = parseRoutingConfig({
    runs: [
      {
        productStoreId: 'WEB',
        name: 'Web',
        routings: [
          {
            name: 'Warehouses',
            orderFilters: { queue: [BROKERING_QUEUE] },
            inventoryRules: [
              { name: 'East', filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } } },
            ],
          },
        ],
      },
    ],
  });
  if (!routing.ok) throw new Error(JSON.stringify(routing.errors));
  await brokering().saveRouting(routing.config);
}, 120_000);

afterAll(async () => cloud?.cleanup());

describe('oms order netsuite-ids', () => {
  let orderId: string;

  it('lifts the hold and puts the order in the brokering queue and its deposit in the outbox', async () => {
    const created = await orderRuntime(root()).intake.submit(
      sampleOrder({}, [{ sku: SKU, quantity: 2, price: 25, shippingMethod: 'STANDARD' }]),
      { source: 'test', actor: 'test' },
    );
    if (created.status !== 'created') throw new Error(created.status);
    orderId = created.orderId;
    expect(await queued(orderId)).toBe(false);

    const out = JSON.parse(
      await oms(
        'order',
        'netsuite-ids',
        orderId,
        '--order',
        '51234',
        '--line',
        '00001=1',
        '--key',
        'hand-1',
        '--json',
      ),
    ) as { approved: boolean; afterApproval: boolean };
    expect(out).toMatchObject({ approved: true, afterApproval: true });
    const line = (await orderRuntime(root()).orders.order(orderId)).lines[0]!;
    expect(line.holds).toEqual({});
    expect(await queued(orderId)).toBe(true);
    expect(await depositOutbox()).toEqual([
      { id: orderId, payload: expect.objectContaining({ orderId, netsuiteOrderId: '51234' }) },
    ]);
  });

  it('brokering places it and the deposit export writes its deposit', async () => {
    await oms('broker', 'run', '--json');
    const line = (await orderRuntime(root()).orders.order(orderId)).lines[0]!;
    expect(line.buckets).toMatchObject({ 1200: 2 });
    expect(line.alloc).toMatchObject({ 'WH-EAST': { 1200: 2 } });

    const report = (await cloud.scheduler.runNow('customer-deposit-export')) as ExportReport;
    expect(report).toMatchObject({ records: 1 });
    const key = `${feedPrefix(cloud.sftp.user, feedById('customer-deposit-export'))}${report.files[0]}`;
    const deposits = JSON.parse((await feedFiles().readText(key))!) as Record<string, unknown>[];
    expect(deposits).toEqual([
      expect.objectContaining({ orderId: '51234', paymentMethod: '7', totalAmount: 50 }),
    ]);
  });

  it('the same command again changes nothing', async () => {
    const again = JSON.parse(
      await oms(
        'order',
        'netsuite-ids',
        orderId,
        '--order',
        '51234',
        '--line',
        '00001=1',
        '--key',
        'hand-1',
        '--json',
      ),
    ) as { replayed: boolean };
    expect(again).toMatchObject({ replayed: true });
    await oms('broker', 'run', '--json');
    const line = (await orderRuntime(root()).orders.order(orderId)).lines[0]!;
    expect(line.buckets).toMatchObject({ 1200: 2 });
  });
});
