/**
 * Flash-sale benchmark: many workers reserving the same SKU at once.
 *
 *   npm run bench:hot-sku [-- --workers 32 --orders 1500 --stock 1000] [-- --plain] [-- --no-warm-up]
 *
 * Seed (not measured), on DynamoDB Local in memory: one SKU with NetSuite figures at 5
 * facilities, and `--orders` approved one-unit orders for it (written as the brokering benchmark
 * writes them). Two cases, each on fresh data:
 *
 * - **one facility**: `--stock` units at one warehouse; every worker reserves there;
 * - **five facilities**: `--stock` / 5 units at each of five; worker w reserves at facility w % 5.
 *
 * Measured: `--workers` workers take the orders one by one and reserve each line's unit with the
 * order core's own command (`OrderService.move` 1100 → 1200 at the facility) with the group commit
 * brokering uses (`groupCommit`, adaptive: a reservation with none in flight at its facility goes
 * the plain way; those that meet one in flight are written together in one shared transaction —
 * the position once for their sum, every order's line, event and reservation row;
 * shared/orders/group-commit.ts), or with `--plain` without it (the reservation condition
 * and the line in one transaction per order, the path before issue #21). A refusal for lack of stock
 * (OUT_OF_STOCK) is an answer, not an error: more orders than stock make the sale run out.
 * Beside it, in the same run, the ceiling of the primitive: the same number of workers doing
 * single-item conditional updates (`SET n = n + 1` if `n < max`) on one item (one per facility in
 * the second case), as many as reservations were made.
 *
 * Reported per case: reservations per second against the ceiling and their ratio, transaction
 * conflicts (TransactionCanceled) and DynamoDB calls per reservation, p50/p99 latency of a
 * reservation command, and the check against the seed: `oversold` = units reserved above a
 * facility's figure (must be 0), reservation rows = position.reserved, lines at 1200 = reserved,
 * and no grant left behind (`grantsLeft`).
 *
 * For the diagnosis, beside the ratio: what a reservation costs in CPU here and in DynamoDB Local
 * (`cpuMsPerReservation`), and the least a reservation can do on the same DynamoDB Local
 * (`leastRatio`: the line read, then written in a shared transaction with the hot item;
 * `leastOursRatio`: the same with this data model's items — the line and the key's event read
 * together, the line, the event and the reservation row written). A whole case runs first, on data
 * of its own, unreported (`--no-warm-up` skips it): DynamoDB Local's JIT otherwise makes the
 * reservations, measured first, pay for its warming while the ceilings after them do not.
 * The last line printed is a JSON object for scripts.
 */
import { parseArgs } from 'node:util';
import {
  BatchGetItemCommand,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from './support/local-client.ts';
import { startDynamoLocal } from '../local/dynamodb-local.ts';
import { ensureTables } from '../local/tables.ts';
import { CommandError } from '../shared/domain/lifecycle/index.ts';
import type { OrderInput } from '../shared/domain/orders/order.ts';
import { Combiner } from '../shared/orders/combiner.ts';
import { OrderService } from '../shared/orders/order-service.ts';
import { StateCache } from '../shared/orders/state-cache.ts';
import { BatchWriter } from '../shared/store/batch-writer.ts';
import { snapshotItem } from '../shared/store/inventory-store.ts';
import { OrderStore } from '../shared/store/order-store.ts';
import { PositionStore } from '../shared/store/position-store.ts';
import { tableName } from '../shared/store/tables.ts';
import { approvedOrderItems } from './support/approved-orders.ts';
import { cpuMark, pool } from './support/measure.ts';
import { STATUS } from '../shared/domain/lifecycle/status.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '32' },
    orders: { type: 'string', default: '1500' },
    stock: { type: 'string', default: '1000' },
    plain: { type: 'boolean', default: false },
    'no-warm-up': { type: 'boolean', default: false },
  },
});
const WORKERS = Number(values.workers);
const ORDERS = Number(values.orders);
const STOCK = Number(values.stock);
for (const [k, v] of Object.entries({ WORKERS, ORDERS, STOCK })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k.toLowerCase()} must be ≥ 1`);
}
const SKU = 'HOT-SKU-1';
const FACILITIES = ['WH-A', 'WH-B', 'WH-C', 'WH-D', 'WH-E'];

const dynamo = await startDynamoLocal();
const client = localDynamoClient(dynamo.endpoint);

/** DynamoDB calls and cancelled transactions while counting. */
const counted = { calls: 0, conflicts: 0, on: false };
client.middlewareStack.add(
  (next) => async (args) => {
    if (counted.on) counted.calls++;
    try {
      return await next(args);
    } catch (err) {
      if (counted.on && (err as { name?: string }).name === 'TransactionCanceledException') {
        counted.conflicts++;
      }
      throw err;
    }
  },
  { step: 'initialize', name: 'hotSkuCounter' },
);

const percentile = (xs: number[], p: number): number => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

interface CaseResult {
  readonly case: string;
  readonly reservations: number;
  readonly refused: number;
  readonly gaveUp: number;
  readonly reservationsPerSec: number;
  readonly ceilingPerSec: number;
  readonly ratio: number;
  /** Two-item transactions on the hot item per second (diagnosis). */
  readonly txCeilingPerSec: number;
  /**
   * Four-item transactions on fresh items, no hot item (diagnosis): the shape of an order's own
   * transaction under the group commit (line, event, reservation row, grant) — what any design
   * that writes each order's own items in its own transaction can reach on this DynamoDB Local.
   */
  readonly orderTxCeilingPerSec: number;
  /**
   * The least a reservation can do (diagnosis): its line read, then the line written with the
   * others waiting at the facility in one transaction with the hot item — per second, and as a
   * share of the single-item ceiling (the most any design that reads and writes the order line
   * beside the stock can reach here); `leastWritesRatio` without the read.
   */
  readonly leastPerSec: number;
  readonly leastRatio: number;
  readonly leastWritesRatio: number;
  /**
   * The same with the items a reservation writes here: the line and the key's event read in one
   * BatchGetItem, and the line, the event and the reservation row written in the shared
   * transaction — the most this data model can reach, refusals aside.
   */
  readonly leastOursRatio: number;
  /** CPU milliseconds a reservation (refusals included): this process's, DynamoDB Local's. */
  readonly cpuMsPerReservation: { readonly node: number; readonly dynamoLocal?: number };
  readonly conflictsPerReservation: number;
  readonly callsPerReservation: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly oversold: number;
  readonly unbalanced: number;
  readonly grantsLeft: number;
  /**
   * Adaptive group commit: reservations that went the plain way, shared transactions and the
   * reservations in them, grant writes and grants in them (orders reserving at several facilities).
   */
  readonly plainReservations: number;
  readonly sharedWrites: number;
  readonly sharedReservations: number;
  readonly grantWrites: number;
  readonly granted: number;
}

async function runCase(
  name: string,
  facilities: readonly string[],
  prefix: string,
  opts: { quiet?: boolean } = {},
) {
  await ensureTables(client, prefix);
  const ordersTable = tableName(prefix, 'orders');
  const inventoryTable = tableName(prefix, 'inventory');
  const orders = new OrderStore(client, ordersTable);
  const positions = new PositionStore(client, inventoryTable);
  const writer = (table: string) =>
    new BatchWriter({ client, table, keyAttributes: ['pk', 'sk'], concurrency: 16 });

  // ---- Seed ----
  const now = new Date().toISOString();
  const stockAt = Math.floor(STOCK / facilities.length);
  const inventory = writer(inventoryTable);
  for (const facilityId of facilities) {
    await inventory.put(
      snapshotItem(
        { sku: SKU, facilityId, availableQty: stockAt, itemId: '1' },
        { file: 'bench.csv', importedAt: now },
      ),
    );
  }
  await inventory.flush();
  const out = writer(ordersTable);
  const orderIds: string[] = [];
  for (let o = 0; o < ORDERS; o++) {
    const orderId = `H${prefix}${String(o).padStart(6, '0')}`;
    const address = { name: 'Sale', address1: '1 Main St', city: 'X', country: 'US', zip: '1' };
    const input: OrderInput = {
      externalId: `hot-${prefix}-${o}`,
      name: `#H${o}`,
      date: now,
      salesChannel: 'web',
      customer: {
        shopCustomerId: `c${o}`,
        email: 'sale@example.com',
        shippingAddress: address,
        billingAddress: address,
      },
      payments: [{ method: 'card', amount: 10, reference: `p${o}` }],
      lines: [{ sku: SKU, quantity: 1, price: 10, shippingMethod: 'STANDARD' }],
    };
    const ids = { netsuiteOrderId: String(500_000 + o), lineIdOf: () => '1' };
    for (const item of approvedOrderItems(orders, input, orderId, ids, now)) await out.put(item);
    orderIds.push(orderId);
  }
  await out.flush();

  /**
   * A counter item raised by `by` while it stays within `max` (`n + by <= max`): the hot item of
   * the ceilings and bounds below, as an UpdateItem or a transaction's Update.
   */
  const counterUpdate = (pk: string, by: number, max: number) => ({
    TableName: inventoryTable,
    Key: { pk: { S: pk }, sk: { S: 'C' } },
    UpdateExpression: 'SET n = if_not_exists(n, :zero) + :by',
    ConditionExpression: 'attribute_not_exists(n) OR n <= :limit',
    ExpressionAttributeValues: {
      ':zero': { N: '0' },
      ':by': { N: String(by) },
      ':limit': { N: String(max - by) },
    },
  });

  // ---- The ceiling: single-item conditional updates, the same workers ----
  const ceiling = async (label: string, count: number): Promise<number> => {
    const ms = await pool(count, WORKERS, async (i) => {
      const pk = `CEIL#${label}#${facilities[i % facilities.length]}`;
      await client.send(new UpdateItemCommand(counterUpdate(pk, 1, 10 * count)));
    });
    return (count / ms) * 1000;
  };

  /**
   * For the diagnosis, not the ratio: the same workers doing two-item transactions — the hot
   * item's conditional update and a fresh item's Put, the shape of a reservation's write.
   */
  const txCeiling = async (label: string, count: number): Promise<number> => {
    const ms = await pool(count, WORKERS, async (i) => {
      const facility = facilities[i % facilities.length]!;
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Update: counterUpdate(`TXC#${label}#${facility}`, 1, 10 * count) },
            {
              Put: {
                TableName: inventoryTable,
                Item: { pk: { S: `TXC#${label}#row#${i}` }, sk: { S: 'R' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    });
    return (count / ms) * 1000;
  };

  /** For the diagnosis: four-item transactions on items no other transaction touches. */
  const orderTxCeiling = async (label: string, count: number): Promise<number> => {
    const ms = await pool(count, WORKERS, async (i) => {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: ['L', 'E', 'R', 'G'].map((k) => ({
            Put: {
              TableName: inventoryTable,
              Item: { pk: { S: `OTX#${label}#${i}` }, sk: { S: k }, n: { N: '1' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
    });
    return (count / ms) * 1000;
  };

  /**
   * For the diagnosis: the least any design can do that holds a unit against its order line — a
   * consistent GetItem of the line (one fresh item a reservation, seeded here), then the line's
   * update written with the others waiting at the facility in one shared transaction that raises
   * the hot item once by their number under its bound (the group commit's shape, through the
   * same Combiner, 64 at most). No idempotency event, no reservation row, no NetSuite check: what
   * is left of a reservation when everything but the line and the stock is taken away.
   * `ownItems: 'line, event and row'` adds this data model's items: the line and the key's event
   * read in one BatchGetItem, and the event and a reservation row put beside the line's update
   * (32 orders a transaction at most: 97 items).
   */
  const leastCeiling = async (
    label: string,
    count: number,
    read: boolean,
    ownItems: 'line' | 'line, event and row' = 'line',
  ): Promise<number> => {
    const full = ownItems !== 'line';
    const lines = writer(inventoryTable);
    for (let i = 0; i < count; i++) {
      await lines.put({ pk: { S: `LEAST#${label}#${i}` }, sk: { S: 'L' }, s: { N: '1100' } });
    }
    await lines.flush();
    const combiner = new Combiner<number, void>(
      async (facility, batch) => {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Update: counterUpdate(`LEAST#${label}#${facility}`, batch.length, 10 * count) },
              ...batch.flatMap((i) => [
                {
                  Update: {
                    TableName: inventoryTable,
                    Key: { pk: { S: `LEAST#${label}#${i}` }, sk: { S: 'L' } },
                    UpdateExpression: 'SET s = :to',
                    ConditionExpression: 's = :from',
                    ExpressionAttributeValues: { ':from': { N: '1100' }, ':to': { N: '1200' } },
                  },
                },
                ...(full
                  ? ['E', 'R'].map((sk) => ({
                      Put: {
                        TableName: inventoryTable,
                        Item: { pk: { S: `LEAST#${label}#${i}` }, sk: { S: sk }, n: { N: '1' } },
                        ConditionExpression: 'attribute_not_exists(pk)',
                      },
                    }))
                  : []),
              ]),
            ],
          }),
        );
        return batch.map(() => undefined);
      },
      full ? 32 : 64,
    );
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let i = next++; i < count; i = next++) {
          if (read && !full) {
            await client.send(
              new GetItemCommand({
                TableName: inventoryTable,
                Key: { pk: { S: `LEAST#${label}#${i}` }, sk: { S: 'L' } },
                ConsistentRead: true,
              }),
            );
          } else if (read) {
            // The line and the key's event, in one call (as the order commands read them).
            await client.send(
              new BatchGetItemCommand({
                RequestItems: {
                  [inventoryTable]: {
                    Keys: ['L', 'E'].map((sk) => ({
                      pk: { S: `LEAST#${label}#${i}` },
                      sk: { S: sk },
                    })),
                    ConsistentRead: true,
                  },
                },
              }),
            );
          }
          await combiner.submit(facilities[worker % facilities.length]!, i);
        }
      }),
    );
    return (count / (performance.now() - started)) * 1000;
  };

  // ---- Reservations ----
  const service = new OrderService({ orders, positions, cache: new StateCache() });
  const latencies: number[] = [];
  let reserved = 0;
  let refused = 0;
  let gaveUp = 0;
  const reserve = async (i: number, worker: number) => {
    const started = performance.now();
    try {
      await service.move({
        orderId: orderIds[i]!,
        lineSeq: '00001',
        from: STATUS.CREATED,
        to: STATUS.ALLOCATED,
        quantity: 1,
        facilityId: facilities[worker % facilities.length]!,
        idempotencyKey: `hot-${prefix}-${i}`,
        actor: 'bench',
        groupCommit: !values.plain,
      });
      reserved++;
    } catch (err) {
      if (err instanceof CommandError && err.code === 'OUT_OF_STOCK') refused++;
      else if (err instanceof CommandError && err.code === 'CONFLICT') gaveUp++;
      else throw err;
    }
    latencies.push(performance.now() - started);
  };

  await ceiling('warm', 300);
  // Warm the service's code paths on a few orders of their own (not counted).
  const warm = 20;
  for (let i = 0; i < warm; i++) await reserve(i, i);
  reserved = 0;
  refused = 0;
  latencies.length = 0;

  counted.on = true;
  counted.calls = 0;
  counted.conflicts = 0;
  let next = warm;
  const cpu = cpuMark(dynamo.pid);
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      for (let i = next++; i < ORDERS; i = next++) await reserve(i, worker);
    }),
  );
  const reserveMs = performance.now() - startedAt;
  const cpuUsed = cpu();
  /** CPU milliseconds a reservation (refusals included), this process's and DynamoDB Local's. */
  const cpuPerReservation = {
    node: cpuUsed.nodeMs / Math.max(1, reserved),
    dynamoLocal:
      cpuUsed.otherMs === undefined ? undefined : cpuUsed.otherMs / Math.max(1, reserved),
  };
  counted.on = false;
  const ceilingPerSec = await ceiling('run', Math.max(300, reserved));
  const txCeilingPerSec = await txCeiling('run', Math.max(300, reserved));
  const orderTxCeilingPerSec = await orderTxCeiling('run', Math.max(300, reserved));
  const leastPerSec = await leastCeiling('run', Math.max(300, reserved), true);
  const leastWritesPerSec = await leastCeiling('writes', Math.max(300, reserved), false);
  const leastOursPerSec = await leastCeiling(
    'ours',
    Math.max(300, reserved),
    true,
    'line, event and row',
  );
  const reservationsPerSec = (reserved / reserveMs) * 1000;

  // ---- Check against the seed ----
  const { positions: pos, reservations, grants } = await positions.sku(SKU);
  let oversold = 0;
  let unbalanced = 0;
  for (const facilityId of facilities) {
    const p = pos.get(facilityId);
    const rows = reservations
      .filter((r) => r.facilityId === facilityId)
      .reduce((n, r) => n + r.qty, 0);
    oversold += Math.max(0, (p?.reserved ?? 0) - stockAt);
    if (rows !== (p?.reserved ?? 0)) unbalanced++;
  }
  const totalReserved = [...pos.values()].reduce((n, p) => n + p.reserved, 0);
  const allocatedLines = (
    await orders.linesWithHeaders(orderIds.map((orderId) => ({ orderId, lineSeq: '00001' })))
  ).lines;
  const atAllocated = [...allocatedLines.values()].reduce(
    (n, l) => n + (l.buckets[STATUS.ALLOCATED] ?? 0),
    0,
  );
  if (atAllocated !== totalReserved) unbalanced++;

  const result: CaseResult = {
    case: name,
    reservations: reserved,
    refused,
    gaveUp,
    reservationsPerSec: Number(reservationsPerSec.toFixed(1)),
    ceilingPerSec: Number(ceilingPerSec.toFixed(1)),
    ratio: Number((reservationsPerSec / ceilingPerSec).toFixed(3)),
    txCeilingPerSec: Number(txCeilingPerSec.toFixed(1)),
    orderTxCeilingPerSec: Number(orderTxCeilingPerSec.toFixed(1)),
    leastPerSec: Number(leastPerSec.toFixed(1)),
    leastRatio: Number((leastPerSec / ceilingPerSec).toFixed(3)),
    leastWritesRatio: Number((leastWritesPerSec / ceilingPerSec).toFixed(3)),
    leastOursRatio: Number((leastOursPerSec / ceilingPerSec).toFixed(3)),
    cpuMsPerReservation: {
      node: Number(cpuPerReservation.node.toFixed(2)),
      dynamoLocal:
        cpuPerReservation.dynamoLocal === undefined
          ? undefined
          : Number(cpuPerReservation.dynamoLocal.toFixed(2)),
    },
    conflictsPerReservation: Number((counted.conflicts / Math.max(1, reserved)).toFixed(2)),
    callsPerReservation: Number((counted.calls / Math.max(1, reserved)).toFixed(2)),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    oversold,
    unbalanced,
    grantsLeft: grants.length,
    plainReservations: service.groupCommitStats.led,
    sharedWrites: service.groupCommitStats.sharedWrites,
    sharedReservations: service.groupCommitStats.shared,
    grantWrites: service.groupCommitStats.batches,
    granted: service.groupCommitStats.granted,
  };
  if (opts.quiet) return result;
  console.log(
    `${name}: ${reserved} reserved, ${refused} refused for stock, ${gaveUp} gave up; ` +
      `${result.reservationsPerSec}/s vs ceiling ${result.ceilingPerSec}/s = ${result.ratio} ` +
      `(two-item transactions on the hot item: ${result.txCeilingPerSec}/s, ` +
      `four-item transactions on fresh items: ${result.orderTxCeilingPerSec}/s; ` +
      `the least a reservation can do: ${result.leastPerSec}/s = ${result.leastRatio}, ` +
      `without its read ${result.leastWritesRatio}, ` +
      `with this model's line, event and row ${result.leastOursRatio}); ` +
      `${result.conflictsPerReservation} conflicts and ${result.callsPerReservation} calls a reservation; ` +
      `CPU a reservation: ${result.cpuMsPerReservation.node} ms here, ` +
      `${result.cpuMsPerReservation.dynamoLocal ?? '?'} ms in DynamoDB Local; ` +
      `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; oversold ${oversold}, unbalanced ${unbalanced}, ` +
      `grants left ${grants.length}; plain ${result.plainReservations}, ` +
      `${result.sharedReservations} in ${result.sharedWrites} shared transactions, ` +
      `${result.granted} granted in ${result.grantWrites} grant writes`,
  );
  return result;
}

try {
  // DynamoDB Local is a JVM: its transaction paths run several times slower until the JIT has
  // compiled them (a few thousand transactions). A whole case on data of its own first, not
  // reported, so that the reservations are not measured cold against ceilings measured warm.
  if (!values['no-warm-up']) {
    console.error('warm-up case (not reported)…');
    await runCase('warm-up', FACILITIES.slice(0, 1), 'hotw', { quiet: true });
  }
  const one = await runCase('one facility', FACILITIES.slice(0, 1), 'hot1');
  const five = await runCase('five facilities', FACILITIES, 'hot5');
  console.log(
    JSON.stringify({
      workers: WORKERS,
      orders: ORDERS,
      stock: STOCK,
      groupCommit: !values.plain,
      reservationsPerSec: one.reservationsPerSec,
      ceilingPerSec: one.ceilingPerSec,
      ratio: one.ratio,
      conflictsPerReservation: one.conflictsPerReservation,
      p99Ms: one.p99Ms,
      oversold: one.oversold + five.oversold,
      cases: [one, five],
    }),
  );
} finally {
  client.destroy();
  await dynamo.stop();
}
