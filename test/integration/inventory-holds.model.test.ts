/**
 * Model-based test of the hold rule (issue #15) on the real parts: the local cloud (DynamoDB Local,
 * the S3 emulator, the SFTP server, the OMS's handlers) and the NetSuite simulator, whose books are
 * the reference model of the physical world. fast-check draws interleavings of orders, the NetSuite
 * sync, brokering, allocation updates, releases, store picks and (partial) shipments, store losses
 * (`VAR_DAMAGED`), cancellations, NetSuite's scripts (imports, rejections, warehouse shipments,
 * item fulfillments of store lines, delta exports), NetSuite's own adjustments and receipts, and
 * snapshots taken at any moment — also while OMS files wait in NetSuite's folders unread.
 *
 * After every step, at every SKU × facility: the OMS's availability before safety stock (NetSuite's
 * figure in force − counted) is never above what is truly there (NetSuite's on hand − store
 * shipments and losses NetSuite has not recorded − open promises: local/demo/inventory/truth.ts),
 * stock NetSuite itself lost and has not told anyone of yet (no delta exported, no snapshot since)
 * aside: no OMS can know of it.
 * At the end of a run, once NetSuite has processed everything and a snapshot has been imported,
 * the two are equal: no unit is held forever.
 *
 * Runs: `OMS_MODEL_RUNS` (default 8) of 20 to 50 steps (and the ~37 of the final drain), each with fresh SKUs; a failure prints the
 * seed, the path and the shortest sequence (fast-check shrinks it), replayable with
 * `OMS_MODEL_SEED=<seed> OMS_MODEL_PATH=<path>`.
 *
 * Seed: CI runs a fixed one (`CI_SEED`), so that a red run is the code's and replays as it is;
 * soaks explore (`OMS_MODEL_SEED=random OMS_MODEL_RUNS=100 OMS_MODEL_MINUTES=90`: the runs
 * must end within `OMS_MODEL_MINUTES`, 25 by default). Two soaks found NetSuite shipping
 * units of a line the OMS had cancelled, whole (`OMS_MODEL_SEED=1692420730
 * OMS_MODEL_PATH=10:0:0:0:0:2:0`) and in part (`OMS_MODEL_SEED=-296202242
 * OMS_MODEL_PATH=9:4:7:10:23:5:3:11:15`); both replay green since the fulfillment import ships
 * what is open and holds the cancelled units (docs/inventory.md, "When a hold ends").
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trulyAvailable } from '../../local/demo/inventory/truth.ts';
import { NetsuiteSimulator } from '../../local/netsuite/index.ts';
import {
  cancellations,
  mappingStore,
  orderRuntime,
  root,
  storeFulfillment,
  storeShipping,
} from '../../shared/app/root.ts';
import { BROKERING_QUEUE, parseRoutingConfig } from '../../shared/domain/brokering/index.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import type { LineState } from '../../shared/domain/lifecycle/line.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';
import { BrokeringStore } from '../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import { sampleMappings } from '../../local/sample/netsuite-sample.ts';
import { startTestCloud, TEST_PASSWORD } from '../support/local-cloud.ts';

const WH = 'M-WH';
const STORE = 'M-STORE';
const FACILITIES: Facility[] = [
  {
    facilityId: WH,
    externalId: '301',
    name: 'Model warehouse',
    kind: 'warehouse',
    groups: ['NETSUITE_FULFILLED'],
    subsidiary: '1',
    sequence: 1,
  },
  {
    facilityId: STORE,
    externalId: '302',
    name: 'Model store',
    kind: 'store',
    groups: ['OMS_FULFILLED'],
    subsidiary: '1',
    sequence: 2,
  },
];
const SKUS_PER_RUN = 2;
const RUNS = Number(process.env.OMS_MODEL_RUNS ?? 8);
/** How long the runs (and shrinking) may take before the property counts as failed. */
const MINUTES = Number(process.env.OMS_MODEL_MINUTES ?? 25);
/** The seed CI runs (see the header): its 8 runs pass on today's code. */
const CI_SEED = -598667156;

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
const runJob = <T>(id: string) => cloud.scheduler.runNow(id) as Promise<T>;

/** One run's world: its SKUs, its NetSuite account, its orders and the stores' losses. */
interface World {
  readonly run: number;
  readonly sim: NetsuiteSimulator;
  readonly products: { sku: string; itemId: string }[];
  readonly orders: string[];
  readonly lost: Map<string, number>;
  draining: boolean;
  clock: Date;
  /** Simulated times NetSuite's snapshot searches ran. */
  readonly snapshots: Date[];
  keys: number;
  steps: string[];
}

type Op =
  | { kind: 'order'; sku: number; quantity: number }
  | { kind: 'sync' }
  | { kind: 'broker' }
  | { kind: 'allocation-export' }
  | { kind: 'release' }
  | { kind: 'store-ship'; partial: boolean }
  | { kind: 'store-damaged' }
  | { kind: 'cancel'; pick: number; part: boolean }
  | { kind: 'store-exports' }
  | { kind: 'netsuite' }
  | { kind: 'netsuite-adjust'; sku: number; at: 0 | 1; delta: number }
  | { kind: 'netsuite-receive'; sku: number; at: 0 | 1; quantity: number }
  | { kind: 'snapshot' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      sku: fc.nat(SKUS_PER_RUN - 1),
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'sync' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'broker' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'allocation-export' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'release' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('store-ship' as const), partial: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'store-damaged' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      pick: fc.nat(),
      part: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'store-exports' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'netsuite' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('netsuite-adjust' as const),
      sku: fc.nat(SKUS_PER_RUN - 1),
      at: fc.constantFrom(0 as const, 1 as const),
      delta: fc.integer({ min: -2, max: 2 }).filter((d) => d !== 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('netsuite-receive' as const),
      sku: fc.nat(SKUS_PER_RUN - 1),
      at: fc.constantFrom(0 as const, 1 as const),
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'snapshot' as const }) },
);

let runs = 0;
/**
 * One NetSuite account for every run, as the OMS is one: each run brings fresh SKUs and a fresh
 * customer, and whatever an earlier run left (records NetSuite refused, re-quotes) meets the same
 * NetSuite records it was about.
 */
let sim: NetsuiteSimulator;
let current: World | undefined;
/** Every run's products (a failure may name an earlier run's pair: the account is shared). */
const allProducts: { sku: string; itemId: string }[] = [];

async function newWorld(): Promise<World> {
  const run = ++runs;
  const products = Array.from({ length: SKUS_PER_RUN }, (_, i) => ({
    sku: `M${run}-SKU-${i + 1}`,
    itemId: String(60_000 + run * 10 + i),
  }));
  allProducts.push(...products);
  const writer = new ProductStore(dynamo(), table('control')).writer();
  for (const p of products) {
    for (const item of productItems(p, { file: 'model', importedAt: 'now' }))
      await writer.put(item);
  }
  await writer.flush();
  const world: World = {
    run,
    products,
    orders: [],
    lost: new Map(),
    draining: false,
    snapshots: [...(current?.snapshots ?? [])],
    clock: current?.clock ?? new Date(Date.UTC(2025, 6, 1, 8)),
    keys: 0,
    steps: [],
    sim,
  };
  current = world;
  sim.seedItems(products.map((p) => ({ itemId: p.itemId, sku: p.sku })));
  sim.seedCustomers([{ externalId: `M${run}-cust`, internalId: String(7000 + run) }]);
  sim.seedInventory(
    products.flatMap((p, i) =>
      FACILITIES.map((f, j) => ({
        location: f.externalId,
        itemId: p.itemId,
        onHand: 2 + ((i + j) % 3),
      })),
    ),
  );
  await sim.exportInventorySnapshot();
  await cloud.dispatcher.idle();
  return world;
}

const tick = (w: World, minutes = 7) => {
  w.clock = new Date(w.clock.getTime() + minutes * 60_000);
};
const key = (w: World, what: string) => `m${w.run}-${what}-${++w.keys}`;

async function linesOf(w: World): Promise<LineState[]> {
  const orders = await Promise.all(w.orders.map((id) => orderRuntime(root()).orders.order(id)));
  return orders.flatMap((o) => o.lines);
}

function orderInput(w: World, sku: string, quantity: number): OrderInput {
  const n = w.orders.length + 1;
  const address = {
    name: 'Model Customer',
    address1: '1 Main St',
    city: 'Austin',
    state: 'TX',
    country: 'US',
    zip: '78701',
  };
  return {
    externalId: `M${w.run}-${n}`,
    name: `#M${w.run}-${n}`,
    date: w.clock.toISOString(),
    salesChannel: 'web',
    customer: {
      shopCustomerId: `M${w.run}-cust`,
      email: `model${w.run}@example.com`,
      firstName: 'Model',
      lastName: 'Customer',
      shippingAddress: address,
      billingAddress: address,
    },
    payments: [
      { method: 'shopify_payments', amount: 10 * quantity, reference: `M${w.run}-pay-${n}` },
    ],
    lines: [{ sku, quantity, price: 10, shippingMethod: 'STANDARD' }],
  };
}

/** NetSuite's scripts run once; the OMS imports what they wrote and reads NetSuite's answers. */
async function netsuite(w: World) {
  tick(w, 15);
  await w.sim.cycle();
  await cloud.dispatcher.idle();
  await runJob('netsuite-exceptions');
}

async function storeShip(w: World, partial: boolean) {
  const queue = storeFulfillment(root());
  const shipping = storeShipping(root());
  for (const item of await queue.storeQueue(STORE)) {
    if (!w.orders.includes(item.orderId)) continue;
    for (const r of item.released) {
      const picked = await shipping.pick({
        facilityId: STORE,
        orderId: item.orderId,
        lineSeq: item.lineSeq,
        releaseKey: r.releaseKey,
        actor: 'store:model',
        idempotencyKey: key(w, 'pick'),
      });
      const parts = partial && picked.quantity > 1 ? [1, picked.quantity - 1] : [picked.quantity];
      for (const quantity of parts) {
        await shipping.ship({
          facilityId: STORE,
          orderId: item.orderId,
          lineSeq: item.lineSeq,
          shipmentKey: picked.shipmentKey,
          quantity,
          trackingNumbers: [key(w, 'T')],
          carrier: 'UPS',
          actor: 'store:model',
          idempotencyKey: key(w, 'ship'),
        });
      }
    }
  }
}

async function storeDamaged(w: World) {
  const queue = storeFulfillment(root());
  for (const item of await queue.storeQueue(STORE)) {
    if (!w.orders.includes(item.orderId) || !item.released.length) continue;
    const line = (await linesOf(w)).find(
      (l) => l.orderId === item.orderId && l.lineSeq === item.lineSeq,
    )!;
    await queue.rejectStoreItem({
      facilityId: STORE,
      orderId: item.orderId,
      lineSeq: item.lineSeq,
      quantity: 1,
      reason: 'VAR_DAMAGED',
      actor: 'store:model',
      idempotencyKey: key(w, 'damaged'),
    });
    const k = `${line.sku}|${STORE}`;
    w.lost.set(k, (w.lost.get(k) ?? 0) + 1);
    return;
  }
}

async function cancel(w: World, pick: number, part: boolean) {
  const open = (await linesOf(w)).filter((l) => {
    const cancellable =
      (l.buckets[1100] ?? 0) +
      (l.buckets[1200] ?? 0) +
      (l.buckets[1300] ?? 0) +
      (l.buckets[1400] ?? 0) +
      (l.buckets[1500] ?? 0) +
      (l.buckets[3200] ?? 0);
    return cancellable > 0;
  });
  if (!open.length) return;
  const line = open[pick % open.length]!;
  await cancellations(root()).cancel({
    orderId: line.orderId,
    lineSeq: line.lineSeq,
    ...(part ? { quantity: 1 } : {}),
    reason: 'CUSTOMER_REQUEST',
    actor: 'cs:model',
    idempotencyKey: key(w, 'cancel'),
  });
}

async function apply(w: World, o: Op): Promise<void> {
  w.steps.push(JSON.stringify(o));
  tick(w);
  const p = (i: number) => w.products[i]!;
  switch (o.kind) {
    case 'order': {
      const r = await orderRuntime(root()).intake.submit(orderInput(w, p(o.sku).sku, o.quantity), {
        source: 'model',
        actor: 'model',
      });
      if (r.status !== 'created') throw new Error(`order: ${r.status}`);
      w.orders.push(r.orderId);
      return;
    }
    case 'sync':
      // Customers, then their orders, then the deposits: two rounds of NetSuite's scripts.
      for (let round = 0; round < 2; round++) {
        await runJob('customer-export');
        await runJob('sales-order-export');
        await runJob('customer-deposit-export');
        await netsuite(w);
        await runJob('approve-orders');
      }
      return;
    case 'broker':
      await runJob('broker-orders');
      return;
    case 'allocation-export':
      await runJob('allocation-update-export');
      return;
    case 'release':
      await runJob('schedule-release');
      return;
    case 'store-ship':
      return storeShip(w, o.partial);
    case 'store-damaged':
      return storeDamaged(w);
    case 'cancel':
      return cancel(w, o.pick, o.part);
    case 'store-exports':
      await runJob('oms-fulfilled-export');
      await runJob('line-close-export');
      await runJob('inventory-adjustment-export');
      return;
    case 'netsuite':
      return netsuite(w);
    case 'netsuite-adjust': {
      // NetSuite loses only stock nobody was promised: shrink under existing promises is an
      // oversell no OMS can prevent (NetSuite's, not the OMS's), so the model leaves it out.
      const location = FACILITIES[o.at]!.externalId;
      const facilityId = FACILITIES[o.at]!.facilityId;
      const free = trulyAvailable(
        { sample: { facilities: FACILITIES, products: w.products }, sim: w.sim },
        await linesOf(w),
        w.lost,
      ).find((t) => t.sku === p(o.sku).sku && t.facilityId === facilityId)?.trulyAvailable;
      const delta = Math.max(o.delta, -Math.max(0, free ?? 0));
      if (delta !== 0) w.sim.adjust({ location, itemId: p(o.sku).itemId, delta, memo: 'count' });
      return;
    }
    case 'netsuite-receive':
      w.sim.receive({
        location: FACILITIES[o.at]!.externalId,
        itemId: p(o.sku).itemId,
        quantity: o.quantity,
      });
      return;
    case 'snapshot':
      w.snapshots.push(w.clock);
      await w.sim.exportInventorySnapshot();
      await cloud.dispatcher.idle();
      return;
  }
}

/** Applies one step, then checks every pair: never above what is truly there. */
async function step(w: World, o: Op): Promise<void> {
  await apply(w, o);
  const over = (await compare(w)).filter((c) => c.oms > c.truth);
  if (over.length) {
    throw new Error(
      `after ${w.steps.length} steps (${o.kind}) the OMS counts more than is there: ${JSON.stringify(over)}; ${await diagnose(
        w,
        over.map((c) => c.pair),
      )}`,
    );
  }
}

/** Everything open ships, every file is answered (checked at each step), then a snapshot. */
async function drain(w: World) {
  w.draining = true;
  for (let round = 0; round < 4; round++) {
    await step(w, { kind: 'sync' });
    await step(w, { kind: 'broker' });
    await step(w, { kind: 'allocation-export' });
    await step(w, { kind: 'netsuite' });
    await step(w, { kind: 'release' });
    await step(w, { kind: 'store-ship', partial: false });
    await step(w, { kind: 'store-exports' });
    await step(w, { kind: 'netsuite' });
    await step(w, { kind: 'netsuite' });
  }
  // S3 times have one-second steps: the snapshot must come after NetSuite's last archive.
  await new Promise((r) => setTimeout(r, 1_100));
  await step(w, { kind: 'snapshot' });
}

/** The OMS's availability before safety stock against what is truly there, per pair. */
async function compare(w: World): Promise<{ pair: string; oms: number; truth: number }[]> {
  const lines = await linesOf(w);
  const truth = trulyAvailable(
    { sample: { facilities: FACILITIES, products: w.products }, sim: w.sim },
    lines,
    w.lost,
  );
  // Stock NetSuite lost (its own negative adjustments and transfers out) that NetSuite has not
  // told the OMS of yet — no delta exported, no snapshot searched since: no OMS can know it.
  const untold = new Map<string, number>();
  const lastSnapshot = w.snapshots.at(-1)?.getTime() ?? -Infinity;
  for (const t of w.sim.transactions()) {
    if (t.source !== 'netsuite' || t.exportedIn || Date.parse(t.at) < lastSnapshot) continue;
    for (const l of t.lines) {
      if (l.delta >= 0) continue;
      const facilityId = FACILITIES.find((f) => f.externalId === l.location)?.facilityId;
      const sku = w.products.find((p) => p.itemId === l.itemId)?.sku;
      if (facilityId && sku)
        untold.set(`${sku}|${facilityId}`, (untold.get(`${sku}|${facilityId}`) ?? 0) - l.delta);
    }
  }
  const out: { pair: string; oms: number; truth: number }[] = [];
  // This run's SKUs only: an earlier run's were judged at its own end, and its orders left waiting
  // (placed nowhere then) may be placed now, which this run's model does not follow.
  const ours = new Set(w.products.map((p) => p.sku));
  for (const t of truth) {
    if (!ours.has(t.sku)) continue;
    const { figures, positions } = await orderRuntime(root()).positions.stock(t.sku);
    const oms = (figures.get(t.facilityId) ?? 0) - (positions.get(t.facilityId)?.reserved ?? 0);
    const known = t.trulyAvailable + (untold.get(`${t.sku}|${t.facilityId}`) ?? 0);
    out.push({ pair: `${t.sku}@${t.facilityId}`, oms, truth: known });
  }
  return out;
}

/** What the OMS and NetSuite hold for the pairs named (for a failure's message). */
async function diagnose(w: World, pairs: readonly string[]): Promise<string> {
  const out: unknown[] = [];
  for (const pair of pairs) {
    const [sku, facilityId] = pair.split('@') as [string, string];
    const { figures, positions, reservations, holds } =
      await orderRuntime(root()).positions.sku(sku);
    const location = FACILITIES.find((f) => f.facilityId === facilityId)!.externalId;
    const itemId = allProducts.find((p) => p.sku === sku)?.itemId ?? '?';
    out.push({
      pair,
      nsQty: figures.get(facilityId),
      reserved: positions.get(facilityId)?.reserved,
      rows: reservations.filter((r) => r.facilityId === facilityId),
      holds: holds.filter((h) => h.facilityId === facilityId),
      netsuite: w.sim.books({ location, itemId }),
      lines: (await linesOf(w))
        .filter((l) => l.sku === sku)
        .map((l) => ({ id: `${l.orderId}/${l.lineSeq}`, b: l.buckets, r: l.reflected })),
    });
  }
  return `diagnosis ${JSON.stringify(out)}; steps ${w.steps.join(' ')}`;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  await mappingStore(root()).save(sampleMappings());
  await new FacilityStore(dynamo(), table('control')).save(FACILITIES);
  const parsed = parseRoutingConfig({
    runs: [
      {
        productStoreId: 'WEB',
        name: 'Model',
        routings: [
          {
            name: 'Warehouse, else store',
            orderFilters: { queue: [BROKERING_QUEUE] },
            orderSorts: ['orderDate'],
            inventoryRules: [
              {
                name: 'Warehouse',
                filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } },
                sorts: ['customSequence'],
                partialAllocation: true,
              },
              {
                name: 'Store',
                filters: { facilityGroup: { include: ['OMS_FULFILLED'] } },
                sorts: ['customSequence'],
                partialAllocation: true,
              },
            ],
          },
        ],
      },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await new BrokeringStore(dynamo(), table('control')).saveRouting(parsed.config);
  sim = new NetsuiteSimulator({
    host: '127.0.0.1',
    port: cloud.sftp.port,
    user: cloud.sftp.user,
    password: TEST_PASSWORD,
    now: () => current?.clock ?? new Date(Date.UTC(2025, 6, 1, 8)),
    seed: 15,
    fulfilShare: 0.5,
    partialShare: 0.3,
    rejectShare: 0.15,
    fulfilWhen: () => current?.draining === true,
  });
  sim.seedLocations(
    FACILITIES.map((f) => ({
      id: f.externalId,
      kind: f.kind === 'store' ? ('store' as const) : ('warehouse' as const),
      subsidiary: '1',
    })),
  );
}, 120_000);

afterAll(async () => {
  await sim?.stop();
  await cloud?.cleanup();
});

describe('holds against the physical world (model-based, on the local cloud)', () => {
  it(
    'never above what is truly there at any step; equal once NetSuite caught up and a snapshot came',
    async () => {
      const chosen = process.env.OMS_MODEL_SEED ?? String(CI_SEED);
      const seed = chosen === 'random' ? undefined : Number(chosen);
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 50 }), async (ops) => {
          const w = await newWorld();
          try {
            for (const o of ops) await step(w, o);
            await drain(w);
            const after = await compare(w);
            const off = after.filter((c) => c.oms !== c.truth);
            if (off.length) {
              throw new Error(
                `after NetSuite caught up and a snapshot: the OMS's figures are not exact: ${JSON.stringify(off)}; ${await diagnose(
                  w,
                  off.map((o) => o.pair),
                )}`,
              );
            }
            // Nothing promised is left open: every run ends with everything shipped or placed nowhere.
            return true;
          } finally {
            // Whatever the run left ends before the next one starts (the account is shared).
            w.draining = false;
          }
        }),
        {
          numRuns: RUNS,
          ...(seed !== undefined ? { seed } : {}),
          ...(process.env.OMS_MODEL_PATH ? { path: process.env.OMS_MODEL_PATH } : {}),
          // Shrinking re-runs sequences on the real stack: bounded, so a failure still reports.
          interruptAfterTimeLimit: MINUTES * 60_000,
          markInterruptAsFailure: true,
        },
      );
      // A replay (OMS_MODEL_SEED and OMS_MODEL_PATH) runs the one case it names.
      if (!process.env.OMS_MODEL_PATH) expect(runs).toBeGreaterThanOrEqual(RUNS);
    },
    (MINUTES + 5) * 60_000,
  );
});
