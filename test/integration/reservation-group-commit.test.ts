/**
 * The group commit of reservations on a real DynamoDB Local (shared/orders/group-commit.ts),
 * adaptive (the plain path when nothing is in flight, batches behind a write in flight): many
 * concurrent reservations of one SKU at one facility with less stock than demand, some of whose
 * own transactions are made to fail after their units were granted — a lost race, an error whose
 * outcome is unknown, a linked condition, a repeated command — and a process that stops between
 * the grant and its order's transaction. Whatever happens: nothing oversold, reserved = the
 * reservation rows = the units at 1200, and no grant left once the commands are done (or, after a
 * crash, once the reconcile job gave the expired grant back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCommandError } from '../../shared/domain/lifecycle/index.ts';
import { reconcileReservations } from '../../shared/jobs/reconcile-reservations.ts';
import { LinkedConditionFailed, OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { OrderStore, TxCancelled } from '../../shared/store/order-store.ts';
import { GRANT_TTL_MS } from '../../shared/store/position-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { oneUnitOrders, startOrderCore, type OrderCore } from '../support/order-core.ts';

const STOCK = 30;
const ORDERS = 20;
const PER_ORDER = 5;
const WORKERS = 12;

let core: OrderCore;
const lines: Array<{ orderId: string; lineSeq: string }> = [];

/** An order store whose commits fail as the test says, after the grants were taken. */
class FailingOrderStore extends OrderStore {
  /** Lines (orderId/lineSeq) whose next commit is cancelled by a conflict (once each). */
  readonly conflictOnce = new Set<string>();
  /** Lines whose commit always throws an error that is not a cancellation. */
  readonly broken = new Set<string>();
  override async commit(change: Parameters<OrderStore['commit']>[0]): Promise<void> {
    const key = change.lines.map((l) => `${l.line.orderId}/${l.line.lineSeq}`).join(',');
    if (this.broken.has(key)) throw new Error(`network down for ${key}`);
    if (this.conflictOnce.delete(key)) {
      throw new TxCancelled({
        failed: new Set(),
        conflict: true,
        throttled: false,
        codes: ['TransactionConflict'],
      });
    }
    return super.commit(change);
  }
}

const keyOf = (l: { orderId: string; lineSeq: string }) => `${l.orderId}/${l.lineSeq}`;

async function totals(sku: string, facilityId: string) {
  const { positions, reservations, grants } = await core.positions.sku(sku);
  let allocated = 0;
  for (const orderId of new Set(lines.map((l) => l.orderId))) {
    for (const l of (await core.orders.order(orderId)).lines) {
      if (l.sku === sku) allocated += l.buckets[1200] ?? 0;
    }
  }
  return {
    reserved: positions.get(facilityId)?.reserved ?? 0,
    rows: reservations.filter((r) => r.facilityId === facilityId).reduce((n, r) => n + r.qty, 0),
    grants: grants.length,
    allocated,
  };
}

beforeAll(async () => {
  core = await startOrderCore();
  await core.setNetsuiteQty('FLASH', 'F1', STOCK);
  await core.setNetsuiteQty('CRASH', 'F1', 5);
  lines.push(
    ...(await oneUnitOrders(core, {
      sku: 'FLASH',
      orders: ORDERS,
      perOrder: PER_ORDER,
      prefix: 'flash',
    })),
  );
});

afterAll(async () => {
  await core?.stop();
});

describe('group commit of reservations', () => {
  it(`${lines.length || ORDERS * PER_ORDER} one-unit lines, ${STOCK} in stock, failures after the grant: no oversell, reserved = rows = lines at 1200`, async () => {
    const store = new FailingOrderStore(core.client, tableName(core.prefix, 'orders'));
    // Every 7th line loses a race once after its grant; three early lines (taken while stock is
    // left whatever the others hold) cannot commit at all.
    lines.forEach((l, i) => {
      if (i % 7 === 3) store.conflictOnce.add(keyOf(l));
      if (i === 1 || i === 9 || i === 16) store.broken.add(keyOf(l));
    });
    const linkedFails = new Set([lines[2]!, lines[4]!].map(keyOf));
    const missing = {
      TableName: tableName(core.prefix, 'inventory'),
      Key: { pk: 'NONE', sk: 'NONE' },
    };
    const outcomes = { moved: 0, outOfStock: 0, broken: 0, linked: 0, other: [] as string[] };
    const refused: number[] = [];
    let next = 0;
    // One service shared by the workers: one process, its reservations combined.
    const service = new OrderService({
      orders: store,
      positions: core.positions,
      cache: new StateCache(),
    });
    const move = (i: number, key = `alloc-${i}`) =>
      service.move({
        ...lines[i]!,
        from: 1100,
        to: 1200,
        quantity: 1,
        facilityId: 'F1',
        idempotencyKey: key,
        actor: 'broker',
        groupCommit: true,
        linked: linkedFails.has(keyOf(lines[i]!))
          ? [
              {
                label: 'linked:must-exist',
                item: {
                  ConditionCheck: { ...missing, ConditionExpression: 'attribute_exists(pk)' },
                },
              },
            ]
          : undefined,
      });
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let i = next++; i < lines.length; i = next++) {
          try {
            await move(i);
            outcomes.moved++;
          } catch (err) {
            if (isCommandError(err) && err.code === 'OUT_OF_STOCK') {
              outcomes.outOfStock++;
              refused.push(i);
            } else if (String(err).includes('network down')) outcomes.broken++;
            else if (err instanceof LinkedConditionFailed) outcomes.linked++;
            else outcomes.other.push(String(err));
          }
        }
      }),
    );
    expect(outcomes.other).toEqual([]);
    // Adaptive: the first reservation went the plain way; those that met it in flight were batched
    // into grant writes of several orders each.
    const stats = service.groupCommitStats;
    expect(stats.led).toBeGreaterThan(0);
    expect(stats.batches).toBeGreaterThan(0);
    expect(stats.granted).toBeGreaterThan(stats.batches);
    expect(outcomes.linked).toBe(2);
    expect(outcomes.broken).toBe(3);
    expect(outcomes.moved + outcomes.outOfStock + outcomes.broken + outcomes.linked).toBe(
      lines.length,
    );
    let t = await totals('FLASH', 'F1');
    expect(t).toEqual({
      reserved: outcomes.moved,
      rows: outcomes.moved,
      grants: 0,
      allocated: outcomes.moved,
    });
    expect(t.reserved).toBeLessThanOrEqual(STOCK);

    // A repeated command (same key) replays: its grant is given back, nothing moves twice.
    const done = lines.findIndex(
      (l, i) => !refused.includes(i) && !store.broken.has(keyOf(l)) && !linkedFails.has(keyOf(l)),
    );
    const again = await move(done);
    expect(again.replayed).toBe(true);

    // What a failed order held is back: the refused lines, tried again one by one, take exactly
    // the rest of the stock.
    let late = 0;
    for (const i of refused) {
      try {
        await move(i, `again-${i}`);
        late++;
      } catch (err) {
        if (!(isCommandError(err) && err.code === 'OUT_OF_STOCK')) throw err;
      }
    }
    t = await totals('FLASH', 'F1');
    expect(t).toEqual({ reserved: STOCK, rows: STOCK, grants: 0, allocated: STOCK });
    expect(outcomes.moved + late).toBe(STOCK);
  });

  it('a process that stops between the grant and its transaction: the units stay counted until the reconcile job gives the expired grant back', async () => {
    const seen = await core.positions.facility('CRASH', 'F1');
    const now = new Date();
    const grant = {
      sku: 'CRASH',
      facilityId: 'F1',
      grantId: 'crashed-1',
      qty: 3,
      orderId: 'O-GONE',
      lineSeq: '00001',
      expiresAt: new Date(now.getTime() + GRANT_TTL_MS).toISOString(),
    };
    // The grant write commits; its order's transaction never runs.
    expect(await core.positions.grantReservations(seen, [grant], now.toISOString())).toBe(
      'granted',
    );
    const after = await core.positions.sku('CRASH');
    expect(after.positions.get('F1')?.reserved).toBe(3);
    expect(after.grants.map((g) => g.grantId)).toEqual(['crashed-1']);

    // Meanwhile the units are not sold twice: 2 left, a third is refused.
    const more = await core.positions.grantReservations(
      await core.positions.facility('CRASH', 'F1'),
      [{ ...grant, grantId: 'other', qty: 3 }],
      now.toISOString(),
    );
    expect(more).toBe('refused');

    // Before it expires the job changes nothing (the grant is counted, reserved agrees).
    const early = await reconcileReservations(core.positions, {
      skus: ['CRASH'],
      now: () => now.toISOString(),
    });
    expect(early).toMatchObject({ fixed: [], grantsReleased: 0, busy: [] });
    // Once expired, no transaction can take it over, and the job gives it back.
    const later = new Date(now.getTime() + GRANT_TTL_MS + 1_000).toISOString();
    const report = await reconcileReservations(core.positions, {
      skus: ['CRASH'],
      now: () => later,
    });
    expect(report).toMatchObject({ fixed: [], grantsReleased: 1 });
    const end = await core.positions.sku('CRASH');
    expect(end.positions.get('F1')?.reserved).toBe(0);
    expect(end.grants).toEqual([]);
    // Giving it back again changes nothing.
    expect(await core.positions.releaseGrant(grant, later)).toBe('none');
    expect((await core.positions.facility('CRASH', 'F1')).position.reserved).toBe(0);
  });
});
