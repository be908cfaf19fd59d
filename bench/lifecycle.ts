/**
 * Lifecycle benchmark: how many lifecycle commands per second the order core sustains on DynamoDB
 * Local (in memory), against the raw TransactWriteItems ceiling measured in the same run, on the
 * same DynamoDB Local, at the same concurrency.
 *
 *   npm run bench:lifecycle -- --lines 2000 [--concurrency 16] [--skus 200] [--facilities 4]
 *
 * Each line is its own order and goes through 7 commands, each one TransactWriteItems:
 * create (intake) → NetSuite ids (approve) → allocate 1100→1200 (reserve) → schedule 1200→1500 →
 * release 1500→3200 (gates) → pick 3200→3350 → ship 3350→3700. The ceiling is 4-item
 * TransactWriteItems of fresh items (Puts, no reads). Both are measured in interleaved rounds
 * (ceiling, lifecycle, ceiling, lifecycle, …) after a warm-up, so that the JIT and any other load
 * on the machine weigh on both alike. The last line printed is a JSON object for scripts.
 */
import { median, peakRssMb, pool } from './support/measure.ts';
import { parseArgs } from 'node:util';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from './support/local-client.ts';
import { startDynamoLocal } from '../local/dynamodb-local.ts';
import { ensureTables } from '../local/tables.ts';
import { OrderIntake } from '../shared/orders/intake.ts';
import { OrderService } from '../shared/orders/order-service.ts';
import { StateCache } from '../shared/orders/state-cache.ts';
import { InventoryStore, snapshotItem } from '../shared/store/inventory-store.ts';
import { OrderStore } from '../shared/store/order-store.ts';
import { PositionStore } from '../shared/store/position-store.ts';
import { tableName } from '../shared/store/tables.ts';
import type { OrderInput } from '../shared/domain/orders/order.ts';
import { STATUS } from '../shared/domain/lifecycle/status.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    skus: { type: 'string', default: '200' },
    facilities: { type: 'string', default: '4' },
  },
});
const LINES = Number(values.lines);
const CONCURRENCY = Number(values.concurrency);
const SKUS = Number(values.skus);
const FACILITIES = Number(values.facilities);
for (const [k, v] of Object.entries({ LINES, CONCURRENCY, SKUS, FACILITIES })) {
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`--${k.toLowerCase()} must be a whole number ≥ 1`);
  }
}

const PREFIX = 'bench';
const COMMANDS_PER_LINE = 7;

const dynamo = await startDynamoLocal();
const client = localDynamoClient(dynamo.endpoint);
try {
  await ensureTables(client, PREFIX);
  const ordersTable = tableName(PREFIX, 'orders');
  const orders = new OrderStore(client, ordersTable);
  const positions = new PositionStore(client, tableName(PREFIX, 'inventory'));
  const inventory = new InventoryStore(client, tableName(PREFIX, 'inventory'));
  // One process-wide cache, as a Lambda container keeps it between invocations.
  const cache = new StateCache();
  const service = new OrderService({ orders, positions, cache });
  const intake = new OrderIntake(orders, { cache });

  const sku = (i: number) => `SKU-${String(i % SKUS).padStart(5, '0')}`;
  const facility = (i: number) => `F${Math.floor(i / SKUS) % FACILITIES}`;
  const writer = inventory.snapshotWriter();
  const importedAt = new Date().toISOString();
  for (let s = 0; s < SKUS; s++) {
    for (let f = 0; f < FACILITIES; f++) {
      await writer.put(
        snapshotItem(
          { sku: sku(s), facilityId: `F${f}`, availableQty: LINES * 10, itemId: String(s + 1) },
          { file: 'bench.csv', importedAt },
        ),
      );
    }
  }
  await writer.flush();

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

  const order = (i: number, tag: string): OrderInput => {
    const address = {
      name: 'Bench',
      address1: '1 Main St',
      city: 'Springfield',
      country: 'US',
      zip: '12345',
    };
    return {
      externalId: `bench-${tag}-${i}`,
      name: `#${i}`,
      date: '2025-07-02T10:15:00Z',
      salesChannel: 'web',
      customer: {
        shopCustomerId: `c${i}`,
        email: 'bench@example.com',
        shippingAddress: address,
        billingAddress: address,
      },
      payments: [{ method: 'card', amount: 10, reference: `p${i}` }],
      lines: [{ sku: sku(i), quantity: 1, price: 10, shippingMethod: 'STANDARD' }],
    };
  };

  /** Every line through its 7 commands; returns commands per second. */
  const lifecycle = async (tag: string, count: number) => {
    let done = 0;
    const ms = await pool(count, CONCURRENCY, async (i) => {
      const created = await intake.submit(order(i, tag), { source: 'bench', actor: 'bench' });
      if (created.status !== 'created') throw new Error(`order ${i}: ${created.status}`);
      const orderId = created.orderId;
      const k = (step: string) => ({ idempotencyKey: `${tag}-${i}-${step}`, actor: 'bench' });
      const line = { orderId, lineSeq: '00001', quantity: 1 };
      await service.recordNetsuiteIds({
        orderId,
        netsuiteOrderId: `${i + 1}`,
        lineIds: { '00001': `${i + 1}` },
        ...k('ids'),
      });
      await service.move({
        ...line,
        from: STATUS.CREATED,
        to: STATUS.ALLOCATED,
        facilityId: facility(i),
        ...k('alloc'),
      });
      await service.move({
        ...line,
        from: STATUS.ALLOCATED,
        to: STATUS.SCHEDULED,
        ...k('schedule'),
      });
      const released = await service.move({
        ...line,
        from: STATUS.SCHEDULED,
        to: STATUS.RELEASED,
        ...k('release'),
      });
      if (released.outcome !== 'moved') {
        throw new Error(`line ${i} held: ${JSON.stringify(released.failures)}`);
      }
      await service.move({
        ...line,
        from: STATUS.RELEASED,
        to: STATUS.INCLUDED_IN_SHIPMENT,
        ...k('pick'),
      });
      await service.move({
        ...line,
        from: STATUS.INCLUDED_IN_SHIPMENT,
        to: STATUS.SHIPPED,
        ...k('ship'),
      });
      done += COMMANDS_PER_LINE;
    });
    return { perSec: (done / ms) * 1000, ms };
  };

  // Warm the JVM and both code paths, then measure in interleaved rounds (ceiling, lifecycle,
  // ceiling, …) so that other load on the machine weighs on both figures alike.
  await ceiling('warm', 1000);
  await lifecycle('warm', 300);
  const ROUNDS = 10;
  let ceilingTx = 0;
  let ceilingMs = 0;
  let commands = 0;
  let lifecycleMs = 0;
  const perRound: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const lines = Math.floor(LINES / ROUNDS) + (r < LINES % ROUNDS ? 1 : 0);
    const txCount = Math.max(250, lines * 2);
    const c = await ceiling(`r${r}`, txCount);
    const l = await lifecycle(`r${r}`, lines);
    ceilingTx += txCount;
    ceilingMs += (txCount / c) * 1000;
    commands += lines * COMMANDS_PER_LINE;
    lifecycleMs += l.ms;
    perRound.push(l.perSec / c);
  }
  const ceilingPerSec = (ceilingTx / ceilingMs) * 1000;
  const movesPerSec = (commands / lifecycleMs) * 1000;
  const ratio = movesPerSec / ceilingPerSec;
  const run = { ms: lifecycleMs, perSec: movesPerSec };
  const nodeMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const javaMb = peakRssMb(dynamo.pid);

  console.log(
    `DynamoDB Local in memory, concurrency ${CONCURRENCY}, ${SKUS} SKUs × ${FACILITIES} facilities`,
  );
  console.log(
    `ceiling    4-item TransactWriteItems: ${ceilingTx} tx in ${(ceilingMs / 1000).toFixed(1)} s: ` +
      `${ceilingPerSec.toFixed(1)} tx/s`,
  );
  console.log(
    `lifecycle  ${LINES} lines × ${COMMANDS_PER_LINE} commands in ${(run.ms / 1000).toFixed(1)} s: ` +
      `${run.perSec.toFixed(1)} commands/s (one TransactWriteItems each)`,
  );
  console.log(
    `ratio      ${ratio.toFixed(2)} of the ceiling (target ≥ 0.70); per round ${perRound
      .map((r) => r.toFixed(2))
      .join(', ')} (median ${median(perRound).toFixed(2)})`,
  );
  console.log(`peak RSS   node ${nodeMb} MB${javaMb ? `, DynamoDB Local ${javaMb} MB` : ''}`);
  console.log(
    JSON.stringify({
      lines: LINES,
      movesPerSec: Number(movesPerSec.toFixed(1)),
      ceilingPerSec: Number(ceilingPerSec.toFixed(1)),
      ratio: Number(ratio.toFixed(3)),
      peakRssMb: nodeMb,
      dynamoLocalPeakRssMb: javaMb,
    }),
  );
} finally {
  client.destroy();
  await dynamo.stop();
}
