/**
 * The NetSuite order sync end to end, on the local cloud with the NetSuite simulator: orders from
 * intake → customers, sales orders → ids back over SFTP → approval → customer deposits → deposit
 * ids back, until every valid order is approved and its payment confirmed. Then a second full cycle
 * must send nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SftpClient from 'ssh2-sftp-client';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { netsuiteSample, type Sample } from '../../local/sample/netsuite-sample.ts';
import { HOLDS } from '../../shared/domain/lifecycle/holds.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import { partyIdFor } from '../../shared/domain/sync/party.ts';
import { MISSING_FIELDS_COLUMN } from '../../shared/domain/sync/sales-order-rows.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import {
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  root,
  syncStore,
} from '../../shared/app/root.ts';
import { productItems } from '../../shared/store/product-store.ts';
import type { ExportReport } from '../../shared/sync/export-run.ts';
import type { ApprovalReport } from '../../shared/sync/approval.ts';
import { ProductStore } from '../../shared/store/product-store.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../shared/store/import-ledger.ts';
import { syncStatus } from '../../shared/sync/sync-status.ts';
import { startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import { keptName } from '../support/kept-files.ts';

const ORDERS = Number(process.env.E2E_ORDERS) || 1_000;
const CUSTOMERS = Math.min(300, ORDERS);

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sim: NetsuiteSimulator;
let sample: Sample;
let clock = new Date('2025-07-02T10:00:00Z');
const created = new Map<string, string>(); // externalId → orderId
let unmappedOrder: OrderInput;
let noCountryOrder: OrderInput;
let snapshotOnlyOrder: OrderInput;
/** The orders as submitted (the sample with the awkward ones swapped in). */
let submitted: OrderInput[] = [];
let duplicateResult: { status: string; orderId?: string };

const run = <T>(job: string) => cloud.scheduler.runNow(job) as Promise<T>;

/** One day-part of the sync: OMS exports, NetSuite runs its scripts, the OMS imports and approves. */
async function syncCycle() {
  const exports = {
    customers: await run<ExportReport>('customer-export'),
    orders: await run<ExportReport>('sales-order-export'),
    deposits: await run<ExportReport>('customer-deposit-export'),
  };
  clock = new Date(clock.getTime() + 5 * 60_000);
  await sim.cycle();
  await cloud.dispatcher.idle();
  const approval = await run<ApprovalReport>('approve-orders');
  return { exports, approval };
}

beforeAll(async () => {
  cloud = await startTestCloud();
  sample = netsuiteSample({
    orders: ORDERS,
    customers: CUSTOMERS,
    products: 40,
    seed: 7,
    prefix: 'E',
  });
  // Reference data: products (all but one SKU), mappings.
  const products = new ProductStore(dynamo(), table('control'));
  const writer = products.writer();
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const p of sample.products) {
    for (const item of productItems(p, { file: 'test', importedAt: new Date().toISOString() })) {
      await writer.put(item);
    }
  }
  // One SKU only the inventory snapshot knows (its `idValue`): the export learns it from there.
  await inventory.put(
    snapshotItem(
      { sku: 'E-SKU-SNAP', facilityId: 'WH1', availableQty: 5, itemId: '9999' },
      { file: 'snapshot.csv', importedAt: new Date().toISOString() },
    ),
  );
  await inventory.flush();
  await writer.flush();
  await mappingStore(root()).save(sample.mappings);

  sim = new NetsuiteSimulator({
    host: '127.0.0.1',
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
  });
  sim.seedItems([
    ...sample.products.map((p) => ({ itemId: p.itemId, sku: p.sku })),
    { itemId: '9999', sku: 'E-SKU-SNAP' },
  ]);
  sim.seedCustomers(
    sample.customers
      .filter((c) => c.existingNetsuiteId)
      .map((c) => ({
        externalId: c.shopCustomerId,
        internalId: c.existingNetsuiteId,
        email: c.email,
      })),
  );

  // The awkward ones: a SKU NetSuite has no item for, an address without a country.
  const orders = [...sample.orders];
  unmappedOrder = {
    ...orders[7]!,
    lines: [
      ...orders[7]!.lines,
      { sku: 'E-SKU-UNKNOWN', quantity: 1, price: 5, shippingMethod: 'STANDARD' },
    ],
  };
  orders[7] = unmappedOrder;
  const { country: _drop, ...noCountry } = orders[11]!.customer.shippingAddress;
  noCountryOrder = {
    ...orders[11]!,
    customer: { ...orders[11]!.customer, shippingAddress: noCountry as never },
  };
  orders[11] = noCountryOrder;
  snapshotOnlyOrder = {
    ...orders[3]!,
    lines: [
      ...orders[3]!.lines,
      { sku: 'E-SKU-SNAP', quantity: 2, price: 9, shippingMethod: 'EXPRESS' },
    ],
  };
  orders[3] = snapshotOnlyOrder;

  submitted = orders;
  const { intake } = orderRuntime(root());
  const queue = orders.map((o, i) => ({ o, i }));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const r = await intake.submit(next.o, {
          source: 'test',
          actor: 'test',
          position: next.i + 1,
        });
        if (r.status !== 'created') throw new Error(`order ${next.o.externalId}: ${r.status}`);
        created.set(next.o.externalId, r.orderId);
      }
    }),
  );
  // The storefront submits one order twice.
  duplicateResult = await intake.submit(orders[5]!, { source: 'test', actor: 'test' });
}, 300_000);

afterAll(async () => {
  await sim?.stop();
  await cloud?.cleanup();
});

const valid = () =>
  [...created.keys()].filter(
    (e) => e !== unmappedOrder.externalId && e !== noCountryOrder.externalId,
  );

describe(`NetSuite order sync, ${ORDERS} orders`, () => {
  it('approves every valid order and confirms its deposit through the simulator', async () => {
    expect(duplicateResult).toMatchObject({
      status: 'duplicate',
      orderId: created.get(sample.orders[5]!.externalId),
    });
    const reports = [];
    for (let i = 0; i < 6; i++) reports.push(await syncCycle());

    // Cycle 1 sends customers only (orders wait for their customer's id) ...
    expect(reports[0]!.exports.customers.records).toBe(CUSTOMERS);
    expect(reports[0]!.exports.orders.records).toBe(0);
    expect(reports[0]!.exports.orders.waiting).toBe(ORDERS);
    // ... cycle 2 the orders, cycle 3 the deposits of the orders approved in cycle 2.
    expect(reports[1]!.exports.orders.records).toBe(ORDERS - 2);
    expect(reports[1]!.approval.approved).toHaveLength(ORDERS - 2);
    expect(reports[2]!.exports.deposits.records).toBe(ORDERS - 2);
    expect(reports[2]!.approval.depositsConfirmed).toHaveLength(ORDERS - 2);

    const { orders } = orderRuntime(root());
    for (const externalId of valid()) {
      const order = await orders.order(created.get(externalId)!);
      expect(order.header?.netsuiteOrderId, externalId).toMatch(/^\d+$/);
      expect(order.header?.paymentVerified, externalId).toBe(true);
      for (const line of order.lines) {
        expect(line.netsuiteLineId, `${externalId} ${line.lineSeq}`).toMatch(/^\d+$/);
        expect(line.holds[HOLDS.AWAITING_NETSUITE_IDS]).toBeUndefined();
      }
    }
    const learnt = await orders.order(created.get(snapshotOnlyOrder.externalId)!);
    expect(learnt.lines.at(-1)).toMatchObject({ sku: 'E-SKU-SNAP' });
    expect(learnt.lines.at(-1)!.netsuiteLineId).toMatch(/^\d+$/);
    for (const o of [unmappedOrder, noCountryOrder]) {
      const order = await orders.order(created.get(o.externalId)!);
      expect(order.header?.netsuiteOrderId).toBeUndefined();
      expect(order.lines[0]!.holds[HOLDS.AWAITING_NETSUITE_IDS]).toBeDefined();
    }
  });

  it('NetSuite received exactly the expected files, whole', () => {
    expect(sim.partialFilesSeen).toEqual([]);
    const received = (folder: string) => sim.received.filter((f) => f.folder === folder);
    const customers = received(feedById('customer-export').folder);
    const orders = received(feedById('sales-order-export').folder);
    const deposits = received(feedById('customer-deposit-export').folder);
    for (const f of customers) expect(f.header).toEqual(feedById('customer-export').columns);
    for (const f of orders) expect(f.header).toEqual(feedById('sales-order-export').columns);
    // Every customer once (also those NetSuite already had: it answers with their existing id).
    const customerRows = customers.flatMap((f) => f.rows as string[][]);
    expect(customerRows).toHaveLength(CUSTOMERS);
    expect(new Set(customerRows.map((r) => r[0])).size).toBe(CUSTOMERS);
    // Every line of every valid order exactly once; the two held-back orders never.
    const orderRows = orders.flatMap((f) => f.rows as string[][]);
    const expectedLines = submitted
      .filter((o) => valid().includes(o.externalId))
      .reduce((n, o) => n + o.lines.length, 0);
    expect(orderRows).toHaveLength(expectedLines);
    const hcOrderIds = new Set(orderRows.map((r) => r[1]));
    expect(hcOrderIds.size).toBe(ORDERS - 2);
    expect(hcOrderIds.has(created.get(unmappedOrder.externalId)!)).toBe(false);
    // One deposit file, one deposit per valid order.
    expect(deposits).toHaveLength(1);
    expect(deposits[0]!.rows).toHaveLength(ORDERS - 2);
  });

  it('reports what it held back: the unmapped SKU in the run, the missing country in required_fields_missing/', async () => {
    const runs = await syncStore(root()).runs('sales-order-export', 10);
    const held = runs.flatMap(
      (r) => (r.details?.held as { id: string; reasons: string[] }[]) ?? [],
    );
    expect(held).toContainEqual({
      id: created.get(unmappedOrder.externalId),
      reasons: ['no NetSuite item id for SKU "E-SKU-UNKNOWN"'],
    });
    const sftp = new SftpClient();
    await sftp.connect({
      host: '127.0.0.1',
      port: cloud.sftp.port,
      username: cloud.sftp.user,
      password: TEST_PASSWORD,
    });
    try {
      const dir = `/${feedPrefix(cloud.sftp.user, feedById('sales-order-export'))}required_fields_missing/`;
      const names = (await sftp.list(dir)).map((e) => e.name);
      expect(names).toHaveLength(1);
      const text = ((await sftp.get(`${dir}${names[0]}`)) as Buffer).toString('utf8');
      const [header, ...rows] = text.trimEnd().split('\n');
      expect(header).toBe(
        [...feedById('sales-order-export').columns, MISSING_FIELDS_COLUMN].join(','),
      );
      expect(rows).toHaveLength(noCountryOrder.lines.length);
      for (const row of rows) {
        expect(row.split(',')[1]).toBe(created.get(noCountryOrder.externalId));
        expect(row.endsWith(',country')).toBe(true);
      }
    } finally {
      await sftp.end();
    }
  });

  it('stores the ids that came back', async () => {
    const ids = netsuiteIdStore(root());
    const some = valid()
      .slice(0, 20)
      .map((e) => created.get(e)!);
    for (const orderId of some) {
      const got = await ids.forOrder(orderId);
      expect(got.orderId).toMatch(/^\d+$/);
      expect(got.deposits.size).toBe(1);
    }
    const known = await ids.customerIds(sample.customers.map((c) => partyIdFor(c.shopCustomerId)));
    expect(known.size).toBe(CUSTOMERS);
    // Customers NetSuite already had kept their NetSuite id.
    for (const c of sample.customers.filter((x) => x.existingNetsuiteId)) {
      expect(known.get(partyIdFor(c.shopCustomerId))).toBe(c.existingNetsuiteId);
    }
  });

  it('a second full cycle, with re-sending allowed at once, sends nothing new', async () => {
    const before = sim.received.length;
    process.env.OMS_SYNC_RESEND_MINUTES = '0';
    try {
      const again = await syncCycle();
      expect(again.exports.customers.files).toEqual([]);
      expect(again.exports.orders.files).toEqual([]);
      expect(again.exports.deposits.files).toEqual([]);
      expect(again.approval.approved).toEqual([]);
    } finally {
      delete process.env.OMS_SYNC_RESEND_MINUTES;
    }
    expect(sim.received.length).toBe(before);
  });
  it('id rows naming unknown orders or lines go to the error file; the good rows still go through', async () => {
    const orderId = created.get(valid()[0]!)!;
    const folder = `/${feedPrefix(cloud.sftp.user, feedById('order-line-id-import'))}`;
    const text = [
      'orderId,orderItemSeqId,attrName,attrValue',
      `${orderId},00001,NetsuiteItemLineId,1`,
      'ONOSUCHORDER,00001,NetsuiteItemLineId,7',
      `${orderId},00099,NetsuiteItemLineId,8`,
      `${orderId},00001,SomethingElse,9`,
      '',
    ].join('\n');
    const sftp = new SftpClient();
    await sftp.connect({
      host: '127.0.0.1',
      port: cloud.sftp.port,
      username: cloud.sftp.user,
      password: TEST_PASSWORD,
    });
    try {
      await sftp.put(Buffer.from(text), `${folder}bad-ids.csv`);
      await cloud.dispatcher.idle();
      const errors = (
        (await sftp.get(`${folder}error/${keptName('bad-ids.csv', text)}.errors.csv`)) as Buffer
      )
        .toString('utf8')
        .trimEnd()
        .split('\n');
      expect(errors[0]).toBe('file,line,field,reason,raw');
      expect(errors.slice(1).map((e) => e.split(',').slice(1, 3))).toEqual([
        ['3', 'orderId'],
        ['4', 'orderItemSeqId'],
        ['5', 'attrName'],
      ]);
      expect((await sftp.list(`${folder}archive/`)).map((e) => e.name)).toContain(
        keptName('bad-ids.csv', text),
      );
    } finally {
      await sftp.end();
    }
    const [run] = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(
      'order-line-id-import',
      1,
    );
    expect(run).toMatchObject({ rows: 4, applied: 1, rejected: 3, result: 'archived' });
  });

  it('the operator view lists the records still waiting and why', async () => {
    const status = await syncStatus(
      { sync: syncStore(root()), ledger: new ImportLedger(dynamo(), table('control')) },
      { thresholdMinutes: 0 },
    );
    const orders = status.waiting.find((w) => w.outbox === 'salesorder')!;
    expect(orders).toMatchObject({ total: 2, overThreshold: 2, heldBack: 2 });
    expect(orders.oldest.map((r) => [r.id, r.heldBack]).sort()).toEqual(
      [
        [created.get(unmappedOrder.externalId), 'no NetSuite item id for SKU "E-SKU-UNKNOWN"'],
        [created.get(noCountryOrder.externalId), 'missing required fields: country'],
      ].sort(),
    );
    expect(status.waiting.find((w) => w.outbox === 'customer')!.total).toBe(0);
    expect(status.waiting.find((w) => w.outbox === 'deposit')!.total).toBe(0);
    const salesRuns = status.outbound.find((o) => o.feed === 'sales-order-export')!.runs;
    expect(salesRuns.length).toBeGreaterThan(0);
    const lineIds = status.inbound.find((i) => i.feed === 'order-line-id-import')!.files;
    expect(lineIds.some((f) => f.rejected === 3)).toBe(true);
    expect(status.approval[0]).toBeDefined();
  });
});
