/**
 * The hot-SKU race on a real DynamoDB Local: 16 workers (each its own service and cache, like 16
 * Lambda containers) allocate 1,000 single-unit lines of one SKU at one facility whose ATP is
 * 100. Exactly 100 are reserved, 900 refused as out of stock, ATP ends at 0 and the reservation
 * rows sum to the reserved figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCommandError } from '../../shared/domain/lifecycle/index.ts';
import { OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { oneUnitOrders, startOrderCore, type OrderCore } from '../support/order-core.ts';

const LINES = 1_000;
const PER_ORDER = 50;
const WORKERS = 16;
const ATP = 100;

let core: OrderCore;
const lines: Array<{ orderId: string; lineSeq: string }> = [];

beforeAll(async () => {
  core = await startOrderCore();
  await core.setNetsuiteQty('HOT', 'F1', ATP);
  lines.push(
    ...(await oneUnitOrders(core, {
      sku: 'HOT',
      orders: LINES / PER_ORDER,
      perOrder: PER_ORDER,
      prefix: 'race',
    })),
  );
});

afterAll(async () => {
  await core?.stop();
});

describe('reserving a hot SKU', () => {
  it(`${WORKERS} workers, ${LINES} lines, ATP ${ATP}: exactly ${ATP} reserved`, async () => {
    const outcomes = { moved: 0, outOfStock: 0, other: [] as string[] };
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        const service = new OrderService({
          orders: core.orders,
          positions: core.positions,
          cache: new StateCache(),
        });
        for (let i = next++; i < lines.length; i = next++) {
          try {
            await service.move({
              ...lines[i]!,
              from: 1100,
              to: 1200,
              quantity: 1,
              facilityId: 'F1',
              idempotencyKey: `alloc-${i}`,
              actor: 'broker',
            });
            outcomes.moved++;
          } catch (err) {
            if (isCommandError(err) && err.code === 'OUT_OF_STOCK') outcomes.outOfStock++;
            else outcomes.other.push(String(err));
          }
        }
      }),
    );
    expect(outcomes).toEqual({ moved: ATP, outOfStock: LINES - ATP, other: [] });

    const { positions, reservations, figures } = await core.positions.sku('HOT');
    expect(figures.get('F1')).toBe(ATP);
    expect(positions.get('F1')).toMatchObject({ reserved: ATP, atp: 0 });
    expect(reservations).toHaveLength(ATP);
    expect(reservations.reduce((s, r) => s + r.qty, 0)).toBe(ATP);

    // The lines agree: 100 in 1200 at F1, 900 still in 1100.
    let allocated = 0;
    let created = 0;
    for (const orderId of new Set(lines.map((l) => l.orderId))) {
      for (const l of (await core.orders.order(orderId)).lines) {
        allocated += l.buckets[1200] ?? 0;
        created += l.buckets[1100] ?? 0;
      }
    }
    expect({ allocated, created }).toEqual({ allocated: ATP, created: LINES - ATP });
  });
});
