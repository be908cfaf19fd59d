/**
 * The order core on a fresh in-memory DynamoDB Local: stores, services and helpers for the
 * integration tests of orders, reservations and the lifecycle.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal, type DynamoLocal } from '../../local/dynamodb-local.ts';
import { ensureTables } from '../../local/tables.ts';
import { OrderIntake } from '../../shared/orders/intake.ts';
import { OrderService, type OrderServiceOptions } from '../../shared/orders/order-service.ts';
import { InventoryStore } from '../../shared/store/inventory-store.ts';
import { OrderStore } from '../../shared/store/order-store.ts';
import { PositionStore } from '../../shared/store/position-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import type { OrderInput } from '../../shared/domain/orders/order.ts';

export interface OrderCore {
  readonly dynamo: DynamoLocal;
  readonly client: DynamoDBClient;
  readonly prefix: string;
  readonly orders: OrderStore;
  readonly positions: PositionStore;
  readonly inventory: InventoryStore;
  readonly service: OrderService;
  readonly intake: OrderIntake;
  /** Sets NetSuite's figure for SKU × facility the way the snapshot import does. */
  setNetsuiteQty(sku: string, facilityId: string, qty: number): Promise<void>;
  /** Every item of the orders and inventory tables, sorted: to assert that nothing changed. */
  snapshot(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startOrderCore(
  options: Partial<Omit<OrderServiceOptions, 'orders' | 'positions'>> = {},
  prefix = 'oms',
): Promise<OrderCore> {
  const dynamo = await startDynamoLocal();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });
  await ensureTables(client, prefix);
  const orders = new OrderStore(client, tableName(prefix, 'orders'));
  const positions = new PositionStore(client, tableName(prefix, 'inventory'));
  const inventory = new InventoryStore(client, tableName(prefix, 'inventory'));
  const service = new OrderService({ orders, positions, ...options });
  const intake = new OrderIntake(orders);
  return {
    dynamo,
    client,
    prefix,
    orders,
    positions,
    inventory,
    service,
    intake,
    async setNetsuiteQty(sku, facilityId, qty) {
      const { snapshotItem } = await import('../../shared/store/inventory-store.ts');
      const writer = inventory.snapshotWriter(1);
      await writer.put(
        snapshotItem(
          { sku, facilityId, availableQty: qty, itemId: '1' },
          { file: 'test.csv', importedAt: new Date().toISOString() },
        ),
      );
      await writer.flush();
    },
    async snapshot() {
      const out: string[] = [];
      for (const t of ['orders', 'inventory'] as const) {
        let start: Record<string, never> | undefined;
        do {
          const page = await client.send(
            new ScanCommand({ TableName: tableName(prefix, t), ExclusiveStartKey: start }),
          );
          for (const i of page.Items ?? [])
            out.push(`${t} ${JSON.stringify(i, Object.keys(i).sort())}`);
          start = page.LastEvaluatedKey as typeof start;
        } while (start);
      }
      return out.sort();
    },
    async stop() {
      client.destroy();
      await dynamo.stop();
    },
  };
}

let counter = 0;

/** A valid storefront order; lines default to one line of one unit. */
export function sampleOrder(
  overrides: Partial<OrderInput> = {},
  lines: OrderInput['lines'] = [
    { sku: 'SKU-1', quantity: 1, price: 10, shippingMethod: 'STANDARD' },
  ],
): OrderInput {
  counter++;
  const address = {
    name: 'Ada Lovelace',
    address1: '12 Analytical St',
    city: 'London',
    country: 'GB',
    zip: 'N1 9GU',
  };
  return {
    externalId: `ext-${process.pid}-${counter}`,
    name: `#${1000 + counter}`,
    date: '2025-07-02T10:15:00Z',
    salesChannel: 'web',
    customer: {
      shopCustomerId: 'cust-1',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      shippingAddress: address,
      billingAddress: address,
    },
    payments: [
      {
        method: 'card',
        amount: lines.reduce((s, l) => s + l.price * l.quantity, 0),
        reference: `pay-${counter}`,
      },
    ],
    lines,
    ...overrides,
  };
}

/**
 * `orders` approved orders of `perOrder` one-unit lines of `sku` (their NetSuite ids recorded, so
 * the lines wait at 1100 unheld), external ids `<prefix>-<n>`: the lines, in order.
 */
export async function oneUnitOrders(
  core: OrderCore,
  {
    sku,
    orders,
    perOrder,
    prefix,
  }: { sku: string; orders: number; perOrder: number; prefix: string },
): Promise<{ orderId: string; lineSeq: string }[]> {
  const made = await Promise.all(
    Array.from({ length: orders }, async (_, o) => {
      const input = sampleOrder(
        { externalId: `${prefix}-${o}` },
        Array.from({ length: perOrder }, () => ({
          sku,
          quantity: 1,
          price: 1,
          shippingMethod: 'STD',
        })),
      );
      const created = await core.intake.submit(input, { source: 'test', actor: 'test' });
      if (created.status !== 'created') throw new Error(created.status);
      const seqs = Array.from({ length: perOrder }, (_, i) => String(i + 1).padStart(5, '0'));
      await core.service.recordNetsuiteIds({
        orderId: created.orderId,
        netsuiteOrderId: `${o + 1}`,
        lineIds: Object.fromEntries(seqs.map((s) => [s, s])),
        idempotencyKey: `ids-${o}`,
        actor: 'test',
      });
      return seqs.map((lineSeq) => ({ orderId: created.orderId, lineSeq }));
    }),
  );
  return made.flat();
}
