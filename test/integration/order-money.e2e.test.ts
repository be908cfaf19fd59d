/**
 * Order money end to end on the local cloud (DynamoDB Local, the S3 emulator, the SFTP server, the
 * scheduler, event dispatch) with the NetSuite simulator: orders with line and order discounts,
 * shipping charges and taxes, one of them with a line cancelled before it goes, are exported to
 * NetSuite, which totals each from the rows it received with its own arithmetic; every NetSuite
 * total is the OMS's expected total to the cent, the discount line ids come back and are stored,
 * and the deposits are the payments. Bad money is refused with the field named, nothing stored;
 * in a storefront file the bad order is reported with file, line and field and the good ones go in.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import { padLineSeq } from '../../shared/domain/lifecycle/line.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import {
  cancellations,
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  root,
} from '../../shared/app/root.ts';
import { feedPrefix } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { moneyView } from '../../shared/orders/money-view.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { ProductStore, productItems } from '../../shared/store/product-store.ts';
import type { ApprovalReport } from '../../shared/sync/approval.ts';
import { keptName } from '../support/kept-files.ts';
import { eventually, startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';
import {
  DISCOUNT_ITEMS,
  ITEM_IDS,
  MONEY_MAPPINGS,
  moneyOrder,
  moneyOrderArb,
  TAX_CODES,
} from '../support/money-orders.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sim: NetsuiteSimulator;
let clock = new Date('2025-07-02T10:00:00Z');
const created = new Map<string, string>(); // externalId → orderId
const ORDERS = 12;

const run = <T>(job: string) => cloud.scheduler.runNow(job) as Promise<T>;

async function syncCycle() {
  await run('customer-export');
  await run('sales-order-export');
  await run('customer-deposit-export');
  clock = new Date(clock.getTime() + 5 * 60_000);
  await sim.cycle();
  await cloud.dispatcher.idle();
  return run<ApprovalReport>('approve-orders');
}

beforeAll(async () => {
  cloud = await startTestCloud();
  const products = new ProductStore(dynamo(), table('control'));
  const writer = products.writer();
  for (const [sku, itemId] of ITEM_IDS) {
    for (const item of productItems(
      { sku, itemId },
      { file: 'test', importedAt: clock.toISOString() },
    ))
      await writer.put(item);
  }
  await writer.flush();
  await mappingStore(root()).save(MONEY_MAPPINGS);
  sim = new NetsuiteSimulator({
    host: '127.0.0.1',
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => clock,
  });
  sim.seedItems([...[...ITEM_IDS].map(([sku, itemId]) => ({ itemId, sku })), ...DISCOUNT_ITEMS]);
  sim.seedTaxCodes(TAX_CODES.map((t) => ({ id: t.netsuiteId, rate: t.netsuiteRate })));
  sim.seedCustomers([{ externalId: 'S1', internalId: '1001', email: 'ada@example.com' }]);

  // Random orders that add up (seeded: the same ones every run), with discounts of both kinds.
  const choices = fc.sample(moneyOrderArb, { numRuns: ORDERS, seed: 18 });
  const { intake } = orderRuntime(root());
  for (const [i, drawn] of choices.entries()) {
    let c = drawn;
    // MONEY-2: a line discount on its first line, no order discount, two lines in one ship group.
    if (i === 1) {
      const two = [...c.lines, ...c.lines].slice(0, Math.max(2, c.lines.length));
      c = {
        ...c,
        orderDiscountShare: undefined,
        lines: two.map((l, n) => ({
          ...l,
          quantity: n === 0 ? 2 : l.quantity,
          // One ship group: its shipping stays when the first line goes.
          shippingMethod: two[0]!.shippingMethod,
          priceCents: l.priceCents + 500,
          discountShare: n === 0 ? 30 : l.discountShare,
        })),
      };
    }
    const order = moneyOrder(
      i === 0
        ? {
            ...c,
            orderDiscountShare: 50,
            lines: c.lines.map((l) => ({
              ...l,
              discountShare: 20,
              priceCents: l.priceCents + 100,
            })),
          }
        : c,
      `MONEY-${i + 1}`,
    );
    const r = await intake.submit(order, { source: 'test', actor: 'test' });
    if (r.status !== 'created') throw new Error(`${order.externalId}: ${JSON.stringify(r)}`);
    created.set(order.externalId, r.orderId);
  }
}, 300_000);

afterAll(async () => {
  await sim?.stop();
  await cloud?.cleanup();
});

describe('order money through NetSuite', () => {
  it('NetSuite totals every order to the OMS expected total; discount line ids come back; deposits are the payments', async () => {
    // A line cancelled before the order goes: NetSuite gets it closed, its money taken off.
    const first = created.get('MONEY-1')!;
    // Cancelled the way customer service does: the line close is queued with it, and the sales
    // order export reads the lines that have one waiting.
    await cancellations(root()).cancel({
      orderId: first,
      lineSeq: '00001',
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'money-cancel-1',
      actor: 'test',
    });
    for (let i = 0; i < 4; i++) await syncCycle();

    const { orders } = orderRuntime(root());
    let checked = 0;
    for (const [externalId, orderId] of created) {
      const order = await orders.order(orderId);
      const view = moneyView(order.header!, order.lines);
      const netsuite = sim.salesOrderTotals(orderId);
      if (view.cents.expected === 0 && !netsuite) continue; // all cancelled: never sent
      expect(netsuite?.total, externalId).toBe(view.cents.expected);
      checked++;
      // Deposits: one per payment above 0, together what was paid.
      const deposits = Object.values(sim.snapshot().state.deposits).filter(
        (d) => d.salesOrderId === order.header!.netsuiteOrderId,
      );
      const deposited = deposits.reduce((a, d) => a + Math.round(Number(d.totalAmount) * 100), 0);
      expect(deposited, externalId).toBe(view.cents.paid);
      expect(order.header?.paymentVerified, externalId).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(ORDERS - 1);

    // The first order: line 1 cancelled, its money is the refund due.
    const one = await orders.order(first);
    const view = moneyView(one.header!, one.lines);
    expect(view.cents.refundDue).toBe(view.cents.cancelled);
    expect(view.cents.cancelled).toBeGreaterThan(0);
    // Its discount lines came back through NetsuiteDiscountItemLineId and are stored.
    const ids = await netsuiteIdStore(root()).forOrder(first);
    expect([...ids.discounts.keys()].sort()).toEqual(
      [...one.lines.map((l) => l.lineSeq), padLineSeq(one.lines.length + 1)].sort(),
    );
  }, 300_000);

  it('a line cancelled after NetSuite has the order closes with its discount line; the totals still agree', async () => {
    const orderId = created.get('MONEY-2')!;
    const { orders } = orderRuntime(root());
    const before = await orders.order(orderId);
    expect(before.header?.netsuiteOrderId).toBeDefined();
    // Cancelled the way customer service does (the line close is queued with it).
    await cancellations(root()).cancel({
      orderId,
      lineSeq: '00001',
      reason: 'CUSTOMER_REQUEST',
      idempotencyKey: 'money-cancel-2',
      actor: 'test',
    });
    await run('line-close-export');
    clock = new Date(clock.getTime() + 5 * 60_000);
    await sim.cycle();
    await cloud.dispatcher.idle();
    const after = await orders.order(orderId);
    const view = moneyView(after.header!, after.lines);
    expect(view.cents.cancelled).toBeGreaterThan(0);
    expect(sim.salesOrderTotals(orderId)?.total).toBe(view.cents.expected);
    const closed = sim
      .snapshot()
      .state.salesOrders[before.header!.netsuiteOrderId!]!.lines.filter((l) => l.closed);
    expect(closed.map((l) => [l.orderLineId, !!l.discount]).sort()).toEqual([
      ['00001', false],
      ['00001', true],
    ]);
  });

  it('refuses bad money naming the field and stores nothing', async () => {
    const { intake, orders } = orderRuntime(root());
    const good = moneyOrder(fc.sample(moneyOrderArb, { numRuns: 1, seed: 5 })[0]!, 'BAD-0');
    const cases: Array<[string, (o: Record<string, unknown>) => void, string]> = [
      ['BAD-1', (o) => (o.grandTotal = (o.grandTotal as number) + 1), 'grandTotal'],
      [
        'BAD-2',
        (o) =>
          (o.lines = (o.lines as Record<string, unknown>[]).map((l, i) =>
            i === 0 ? { ...l, discounts: [{ code: 'X', amount: -1 }] } : l,
          )),
        'lines[0].discounts[0].amount',
      ],
      [
        'BAD-3',
        (o) =>
          (o.lines = (o.lines as Record<string, unknown>[]).map((l, i) =>
            i === 0
              ? {
                  ...l,
                  price: 1,
                  quantity: 1,
                  taxes: undefined,
                  discounts: [{ code: 'X', amount: 2 }],
                }
              : l,
          )),
        'lines[0].discounts',
      ],
      ['BAD-4', (o) => (o.currency = 'ABC'), 'currency'],
      [
        'BAD-5',
        (o) =>
          (o.lines = (o.lines as Record<string, unknown>[]).map((l, i) =>
            i === 0 ? { ...l, price: 1.234 } : l,
          )),
        'lines[0].price',
      ],
    ];
    for (const [externalId, change, field] of cases) {
      const o = JSON.parse(JSON.stringify({ ...good, externalId })) as Record<string, unknown>;
      change(o);
      const r = await intake.submit(o as unknown as OrderInput, { source: 'test', actor: 'test' });
      expect(r.status, externalId).toBe('rejected');
      const errors = (r as { errors?: Array<{ field: string }> }).errors ?? [];
      expect(
        errors.map((e) => e.field),
        externalId,
      ).toContain(field);
      expect(await orders.orderIdForExternal(externalId)).toBeUndefined();
    }
  });

  it('a storefront file: the bad order is reported with file, line and field; the good ones go in', async () => {
    const files = new FeedFileStore(createS3Client(cloud.config), cloud.bucket, cloud.sftp.user);
    const folder = feedPrefix(cloud.sftp.user, feedById('storefront-order-import'));
    const [a, b] = fc
      .sample(moneyOrderArb, { numRuns: 2, seed: 9 })
      .map((c, i) => moneyOrder(c, `FILE-${i + 1}`));
    const bad = {
      ...moneyOrder(fc.sample(moneyOrderArb, { numRuns: 1, seed: 11 })[0]!, 'FILE-BAD'),
      grandTotal: 999_999,
    };
    const name = 'money-orders.json';
    const body = JSON.stringify([a, bad, b]);
    await files.writeAtomically(`${folder}${name}`, body, 'application/json');
    await cloud.dispatcher.idle();
    const { orders } = orderRuntime(root());
    await eventually(async () => (await orders.orderIdForExternal(b!.externalId)) ?? undefined);
    expect(await orders.orderIdForExternal(a!.externalId)).toBeDefined();
    expect(await orders.orderIdForExternal(bad.externalId)).toBeUndefined();
    const kept = keptName(name, body);
    const text = await eventually(() => files.readText(`${folder}error/${kept}.errors.csv`));
    const report = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(report.map((r) => [r.file, r.line, r.field])).toEqual([[kept, '2', 'grandTotal']]);
    expect(report[0]!.reason).toMatch(
      /^order FILE-BAD: grandTotal 999999\.00 does not add up: .* \(difference /,
    );
  });
});
