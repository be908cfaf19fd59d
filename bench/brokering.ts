/**
 * Brokering benchmark: order lines brokered per second by `brokerOrders` on DynamoDB Local (in
 * memory), against the raw TransactWriteItems ceiling of the same DynamoDB Local measured in the
 * same run at the same concurrency.
 *
 *   npm run bench:brokering -- --lines 20000 [--concurrency 16] [--rounds 10]
 *
 * Seed (not measured): 100 facilities (10 NetSuite-fulfilled warehouses, 90 stores, spread over
 * the US), 10,000 SKUs each stocked at 6 facilities (NetSuite figures written with BatchWriteItem,
 * as the snapshot import writes them), safety stock at half of those (positions written with
 * BatchWriteItem in the shape `PositionStore.writePosition` writes), and `--lines` order lines in
 * orders of 1–3 lines, written with BatchWriteItem as already-approved orders (header, lines with
 * NetSuite ids, no hold) with their queue entries. Routing: one run, warehouses by distance for
 * the whole order, then stores by inventory balance with splits; what nothing can place is
 * backordered.
 *
 * Measured: the orders are split into rounds, each waiting in its own queue (`_ROUND_<n>_`, read
 * by that round's routing); a round is one `brokerOrders` run over its queue. Rounds interleave
 * with the ceiling (4-item TransactWriteItems of fresh items, conditional Puts, no reads) after a
 * warm-up of both, so other load on the machine weighs on both alike. linesPerSec = lines of the
 * round's orders brokered (placed or backordered) / the runs' wall time.
 *
 * Checked at the end: `oversold` = SKU × facility where Σ reservations > nsQty − safety (must be
 * 0), Σ reservation rows = position.reserved, every line's 1200 quantity has its reservation row,
 * every line's buckets sum to its quantity, and every line is placed or backordered. DynamoDB calls
 * during the brokering rounds are counted by operation (per brokered line). The last line printed
 * is a JSON object for scripts.
 */
import { approvedOrderItems } from './support/approved-orders.ts';
import { cpuMark, median, peakRssMb, pool } from './support/measure.ts';
import { parseArgs } from 'node:util';
import {
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { localDynamoClient } from './support/local-client.ts';
import { startDynamoLocal } from '../local/dynamodb-local.ts';
import { ensureTables } from '../local/tables.ts';
import { brokerOrders, type BrokerDeps } from '../shared/brokering/broker-orders.ts';
import { parseRoutingConfig, type RoutingConfig } from '../shared/domain/brokering/index.ts';
import type { Facility } from '../shared/domain/facility.ts';
import type { LineState } from '../shared/domain/lifecycle/line.ts';
import type { OrderInput } from '../shared/domain/orders/order.ts';
import { atpOf } from '../shared/domain/reservations/availability.ts';
import { OrderService } from '../shared/orders/order-service.ts';
import { StateCache } from '../shared/orders/state-cache.ts';
import { BatchWriter } from '../shared/store/batch-writer.ts';
import { BrokeringStore } from '../shared/store/brokering-store.ts';
import { FacilityStore } from '../shared/store/facility-store.ts';
import { snapshotItem } from '../shared/store/inventory-store.ts';
import { OrderStore } from '../shared/store/order-store.ts';
import { PositionStore } from '../shared/store/position-store.ts';
import { SyncStore } from '../shared/store/sync-store.ts';
import { tableName } from '../shared/store/tables.ts';
import { STATUS } from '../shared/domain/lifecycle/status.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '10' },
  },
});
const LINES = Number(values.lines);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
for (const [k, v] of Object.entries({ LINES, CONCURRENCY, ROUNDS })) {
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--${k.toLowerCase()} must be a whole number ≥ 1`);
}
const FACILITIES = 100;
const WAREHOUSES = 10;
const SKUS = 10_000;
const STOCKED_AT = 6;
const PREFIX = 'bench';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

const skuOf = (s: number) => `SKU-${String(s).padStart(5, '0')}`;
const facilityIdOf = (f: number) => (f < WAREHOUSES ? 'WH' : 'ST') + String(f).padStart(3, '0');
const queueOf = (round: number | 'warm') => `_ROUND_${String(round).toUpperCase()}_`;

function routing(queue: string): RoutingConfig {
  const parsed = parseRoutingConfig({
    runs: [
      {
        productStoreId: 'WEB',
        name: 'Bench brokering',
        routings: [
          {
            name: 'Everything',
            orderFilters: { queue: [queue] },
            orderSorts: ['orderDate'],
            inventoryRules: [
              {
                name: 'Nearest warehouse, whole order',
                filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } },
                sorts: ['distance', 'inventoryBalance'],
                partialAllocation: false,
              },
              {
                name: 'Stores, split',
                filters: { facilityGroup: { include: ['OMS_FULFILLED'] }, maxDistanceKm: 4000 },
                sorts: ['inventoryBalance', 'distance'],
                partialAllocation: true,
              },
            ],
          },
        ],
      },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

const dynamo = await startDynamoLocal();
const client = localDynamoClient(dynamo.endpoint);

/** DynamoDB calls by operation while `counting` (TransactWriteItems: also cancelled ones). */
const calls = new Map<string, number>();
let counting = false;
client.middlewareStack.add(
  (next, context) => async (args) => {
    if (counting) {
      const op = String((context as { commandName?: string }).commandName ?? '?').replace(
        /Command$/,
        '',
      );
      calls.set(op, (calls.get(op) ?? 0) + 1);
    }
    return next(args);
  },
  { step: 'initialize', name: 'benchCallCounter' },
);

try {
  await ensureTables(client, PREFIX);
  const ordersTable = tableName(PREFIX, 'orders');
  const inventoryTable = tableName(PREFIX, 'inventory');
  const controlTable = tableName(PREFIX, 'control');
  const orders = new OrderStore(client, ordersTable);
  const positions = new PositionStore(client, inventoryTable);
  const brokering = new BrokeringStore(client, controlTable);
  const facilityStore = new FacilityStore(client, controlTable);
  const rand = random(20_251_123);

  // ---- Seed (not measured) ----
  const seedStarted = performance.now();
  const facilities: Facility[] = Array.from({ length: FACILITIES }, (_, f) => ({
    facilityId: facilityIdOf(f),
    externalId: String(1000 + f),
    name: facilityIdOf(f),
    kind: f < WAREHOUSES ? 'warehouse' : 'store',
    groups: [f < WAREHOUSES ? 'NETSUITE_FULFILLED' : 'OMS_FULFILLED'],
    latitude: 26 + (f % 10) * 2.2,
    longitude: -122 + Math.floor(f / 10) * 5.2,
    sequence: f,
  }));
  await facilityStore.save(facilities);

  const writer = (table: string) =>
    new BatchWriter({ client, table, keyAttributes: ['pk', 'sk'], concurrency: 16 });
  const inventory = writer(inventoryTable);
  const importedAt = new Date().toISOString();
  /** NetSuite figure and safety per SKU × facility as seeded. */
  const seeded = new Map<string, { nsQty: number; safety: number }>();
  for (let s = 0; s < SKUS; s++) {
    const at = new Set<number>();
    while (at.size < STOCKED_AT) {
      // Two warehouses and four stores.
      at.add(at.size < 2 ? rand(WAREHOUSES) : WAREHOUSES + rand(FACILITIES - WAREHOUSES));
    }
    for (const f of at) {
      const sku = skuOf(s);
      const facilityId = facilityIdOf(f);
      const nsQty = rand(5);
      const safety = rand(2) ? 0 : 1;
      seeded.set(`${sku}|${facilityId}`, { nsQty, safety });
      await inventory.put(
        snapshotItem(
          { sku, facilityId, availableQty: nsQty, itemId: String(s + 1) },
          { file: 'bench.csv', importedAt },
        ),
      );
      if (safety) {
        await inventory.put(
          marshall({
            pk: sku,
            sk: `POS#${facilityId}`,
            itemType: 'position',
            facilityId,
            reserved: 0,
            safety,
            atp: atpOf({ nsQty, reserved: 0, safety }),
            nsQtySeen: nsQty,
            v: 1,
            updatedAt: importedAt,
          }),
        );
      }
    }
  }
  await inventory.flush();

  /** Approved orders in `queue`, written directly; returns their line count. */
  const seedOrders = async (queue: string, lineCount: number, tag: string): Promise<number> => {
    const out = writer(ordersTable);
    const control = writer(controlTable);
    const now = new Date().toISOString();
    let written = 0;
    for (let o = 0; written < lineCount; o++) {
      const n = Math.min(1 + rand(3), lineCount - written);
      const orderId = `B${tag}${String(o).padStart(6, '0')}`;
      const lat = 27 + rand(20);
      const lon = -121 + rand(48);
      const address = {
        name: 'Bench',
        address1: '1 Main St',
        city: 'Springfield',
        country: 'US',
        zip: '12345',
        latitude: lat,
        longitude: lon,
      };
      const input: OrderInput = {
        externalId: `bench-${tag}-${o}`,
        name: `#${tag}${o}`,
        date: new Date(Date.UTC(2025, 6, 1) + written * 1000).toISOString(),
        salesChannel: 'web',
        customer: {
          shopCustomerId: `c${o}`,
          email: 'bench@example.com',
          shippingAddress: address,
          billingAddress: address,
        },
        payments: [{ method: 'card', amount: 10 * n, reference: `p${tag}${o}` }],
        lines: Array.from({ length: n }, () => ({
          sku: skuOf(rand(SKUS)),
          quantity: 1 + (rand(4) === 0 ? 1 : 0),
          price: 10,
          shippingMethod: 'STANDARD',
        })),
      };
      const ids = { netsuiteOrderId: String(100_000 + o), lineIdOf: (i: number) => `${o}${i + 1}` };
      for (const item of approvedOrderItems(orders, input, orderId, ids, now)) await out.put(item);
      await control.put(
        marshall(
          brokering.queuePut({
            queue,
            orderId,
            orderDate: input.date,
            enqueuedAt: now,
            reason: 'approved',
          }).Put.Item,
          { removeUndefinedValues: true },
        ) as Record<string, AttributeValue>,
      );
      written += n;
    }
    await out.flush();
    await control.flush();
    return written;
  };

  const warmLines = Math.min(400, Math.max(50, Math.floor(LINES / 20)));
  await seedOrders(queueOf('warm'), warmLines, 'W');
  const roundLines: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const lines = Math.floor(LINES / ROUNDS) + (r < LINES % ROUNDS ? 1 : 0);
    roundLines.push(await seedOrders(queueOf(r), lines, `R${r}-`));
  }
  const seedMs = performance.now() - seedStarted;

  // ---- Measured ----
  /** Raw 4-item TransactWriteItems per second (fresh items, conditional Puts, no reads). */
  const ceiling = async (label: string, count: number): Promise<number> => {
    const ms = await pool(count, CONCURRENCY, async (i) => {
      const pk = { S: `CEIL#${label}#${i}` };
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [0, 1, 2, 3].map((n) => ({
            Put: {
              TableName: ordersTable,
              Item: {
                pk,
                sk: { S: `ITEM#${n}` },
                n: { N: String(n) },
                at: { S: new Date().toISOString() },
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
    });
    return (count / ms) * 1000;
  };

  // One service and state cache for the process, as a Lambda container keeps them.
  const cache = new StateCache();
  const service = new OrderService({ orders, positions, cache });
  const deps = (queue: string): BrokerDeps => ({
    brokering,
    orders,
    positions,
    service,
    cache,
    sync: new SyncStore(client, controlTable),
    facilities: () => facilityStore.list(),
    config: routing(queue),
    concurrency: CONCURRENCY,
  });
  const failures: string[] = [];
  const broker = async (queue: string) => {
    const started = performance.now();
    const report = await brokerOrders(deps(queue));
    failures.push(...report.failed.map((f) => `${f.orderId}: ${f.error}`));
    return { ms: performance.now() - started, report };
  };

  await ceiling('warm', 600);
  await broker(queueOf('warm'));

  let ceilingTx = 0;
  let ceilingMs = 0;
  let brokerMs = 0;
  /** CPU milliseconds (this process, DynamoDB Local) spent in the ceiling's and the brokering's runs. */
  const cpu = { ceiling: { node: 0, dynamo: 0 }, broker: { node: 0, dynamo: 0 } };
  const timedCpu = async <T>(into: { node: number; dynamo: number }, work: () => Promise<T>) => {
    const used = cpuMark(dynamo.pid);
    const value = await work();
    const { nodeMs, otherMs } = used();
    into.node += nodeMs;
    into.dynamo += otherMs ?? 0;
    return value;
  };
  let brokeredLines = 0;
  let allocatedLines = 0;
  let raced = 0;
  const perRound: number[] = [];
  calls.clear();
  for (let r = 0; r < ROUNDS; r++) {
    const txCount = Math.max(200, Math.round(roundLines[r]! / 2));
    const c = await timedCpu(cpu.ceiling, () => ceiling(`r${r}`, txCount));
    counting = true;
    const b = await timedCpu(cpu.broker, () => broker(queueOf(r)));
    counting = false;
    ceilingTx += txCount;
    ceilingMs += (txCount / c) * 1000;
    brokerMs += b.ms;
    brokeredLines += roundLines[r]!;
    allocatedLines += b.report.allocatedLines;
    raced += b.report.raced;
    perRound.push(((roundLines[r]! / b.ms) * 1000) / c);
    process.stderr.write(
      `round ${r + 1}/${ROUNDS}: ceiling ${c.toFixed(0)} tx/s, brokering ${(
        (roundLines[r]! / b.ms) *
        1000
      ).toFixed(0)} lines/s\n`,
    );
  }
  const ceilingPerSec = (ceilingTx / ceilingMs) * 1000;
  const linesPerSec = (brokeredLines / brokerMs) * 1000;
  const ratio = linesPerSec / ceilingPerSec;

  // ---- Correctness ----
  const scan = async (table: string, filter?: string, values?: Record<string, AttributeValue>) => {
    const out: Record<string, unknown>[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, segment) => {
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await client.send(
            new ScanCommand({
              TableName: table,
              Segment: segment,
              TotalSegments: 4,
              FilterExpression: filter,
              ExpressionAttributeValues: values,
              ExclusiveStartKey: start,
            }),
          );
          for (const i of page.Items ?? []) out.push(unmarshall(i));
          start = page.LastEvaluatedKey;
        } while (start);
      }),
    );
    return out;
  };
  const inv = await scan(inventoryTable);
  const figures = new Map<string, number>();
  const pos = new Map<string, { reserved: number; safety: number }>();
  const resRows = new Map<string, number>();
  const resByLine = new Map<string, number>();
  for (const i of inv) {
    const sk = String(i.sk);
    const sku = String(i.pk);
    if (sk.startsWith('NS#')) figures.set(`${sku}|${sk.slice(3)}`, Number(i.nsQty));
    else if (sk.startsWith('POS#'))
      pos.set(`${sku}|${sk.slice(4)}`, {
        reserved: Number(i.reserved ?? 0),
        safety: Number(i.safety ?? 0),
      });
    else if (sk.startsWith('RES#')) {
      const k = `${sku}|${String(i.facilityId)}`;
      resRows.set(k, (resRows.get(k) ?? 0) + Number(i.qty));
      resByLine.set(`${i.orderId}|${i.lineSeq}|${i.facilityId}`, Number(i.qty));
    }
  }
  let oversold = 0;
  let unbalanced = 0;
  for (const [k, rows] of resRows) {
    const nsQty = figures.get(k) ?? 0;
    const safety = pos.get(k)?.safety ?? 0;
    if (rows > nsQty - safety) oversold++;
    if ((pos.get(k)?.reserved ?? 0) !== rows) unbalanced++;
  }
  for (const [k, p] of pos) if (p.reserved !== (resRows.get(k) ?? 0)) unbalanced++;
  const lineItems = await scan(ordersTable, 'itemType = :t', { ':t': { S: 'line' } });
  let badLines = 0;
  let missingReservations = 0;
  let placedLines = 0;
  let unbrokered = 0;
  for (const item of lineItems) {
    const l = JSON.parse(String(item.state)) as LineState;
    if (!l.orderId.startsWith('BR')) continue;
    const sum = Object.values(l.buckets).reduce((n, q) => n + (q ?? 0), 0);
    if (sum !== l.quantity) badLines++;
    if ((l.buckets[STATUS.CREATED] ?? 0) > 0) unbrokered++;
    if ((l.buckets[STATUS.ALLOCATED] ?? 0) > 0) placedLines++;
    for (const [f, a] of Object.entries(l.alloc)) {
      const q = a[STATUS.ALLOCATED] ?? 0;
      if (q > 0 && resByLine.get(`${l.orderId}|${l.lineSeq}|${f}`) !== q) missingReservations++;
    }
  }
  // Also against the figures as seeded (nothing rewrites them during the run).
  const overSeeded = [...seeded].filter(([k, f]) => {
    const rows = resRows.get(k) ?? 0;
    return rows > 0 && rows > f.nsQty - f.safety;
  }).length;
  oversold = Math.max(oversold, overSeeded);

  const nodeMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const javaMb = peakRssMb(dynamo.pid);
  const perLine = Object.fromEntries(
    [...calls]
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => [op, Number((n / brokeredLines).toFixed(2))]),
  );
  const callsPerLine = [...calls.values()].reduce((a, b) => a + b, 0) / brokeredLines;

  console.log(
    `DynamoDB Local in memory, concurrency ${CONCURRENCY}, ${FACILITIES} facilities, ${SKUS} SKUs` +
      ` (each at ${STOCKED_AT}), ${LINES} lines in ${ROUNDS} rounds; seed ${(seedMs / 1000).toFixed(1)} s (not measured)`,
  );
  console.log(
    `ceiling    4-item TransactWriteItems: ${ceilingTx} tx in ${(ceilingMs / 1000).toFixed(1)} s: ` +
      `${ceilingPerSec.toFixed(1)} tx/s`,
  );
  console.log(
    `brokering  ${brokeredLines} lines in ${(brokerMs / 1000).toFixed(1)} s: ${linesPerSec.toFixed(1)} lines/s` +
      ` (${placedLines} placed, ${brokeredLines - placedLines} backordered; ${allocatedLines} allocations, ${raced} re-decided)`,
  );
  console.log(
    `ratio      ${ratio.toFixed(2)} of the ceiling (target ≥ 0.8, issue #21); per round ${perRound
      .map((r) => r.toFixed(2))
      .join(', ')} (median ${median(perRound).toFixed(2)})`,
  );
  console.log(
    `calls      ${callsPerLine.toFixed(2)} DynamoDB calls per line: ${Object.entries(perLine)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  );
  console.log(
    `checks     oversold ${oversold}, unbalanced positions ${unbalanced}, lines without their` +
      ` reservation ${missingReservations}, bad lines ${badLines}, unbrokered ${unbrokered}, failed ${failures.length}`,
  );
  for (const f of failures.slice(0, 5)) console.log(`  failed: ${f}`);
  const perUnit = (ms: number, n: number) => Number((ms / n).toFixed(2));
  const cpuMsPerLine = {
    node: perUnit(cpu.broker.node, brokeredLines),
    dynamoLocal: perUnit(cpu.broker.dynamo, brokeredLines),
  };
  const ceilingCpuMsPerTx = {
    node: perUnit(cpu.ceiling.node, ceilingTx),
    dynamoLocal: perUnit(cpu.ceiling.dynamo, ceilingTx),
  };
  console.log(
    `CPU        a line ${cpuMsPerLine.node} ms here, ${cpuMsPerLine.dynamoLocal} ms in DynamoDB Local;` +
      ` a ceiling transaction ${ceilingCpuMsPerTx.node} ms and ${ceilingCpuMsPerTx.dynamoLocal} ms`,
  );
  console.log(`peak RSS   node ${nodeMb} MB${javaMb ? `, DynamoDB Local ${javaMb} MB` : ''}`);
  console.log(
    JSON.stringify({
      lines: brokeredLines,
      linesPerSec: Number(linesPerSec.toFixed(1)),
      ceilingPerSec: Number(ceilingPerSec.toFixed(1)),
      ratio: Number(ratio.toFixed(3)),
      oversold,
      unbalanced,
      missingReservations,
      failed: failures.length,
      placedLines,
      callsPerLine: Number(callsPerLine.toFixed(2)),
      cpuMsPerLine,
      ceilingCpuMsPerTx,
      peakRssMb: nodeMb,
      dynamoLocalPeakRssMb: javaMb,
    }),
  );
  if (oversold || unbalanced || missingReservations || badLines || unbrokered || failures.length)
    process.exitCode = 1;
} finally {
  client.destroy();
  await dynamo.stop();
}
