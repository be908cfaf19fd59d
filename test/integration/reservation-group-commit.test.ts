/**
 * The group commit of reservations on a real DynamoDB Local (shared/orders/group-commit.ts),
 * adaptive (the plain path when nothing is in flight, batches behind a write in flight): many
 * concurrent reservations of one SKU at one facility with less stock than demand, written in
 * shared transactions, some of whose members are made to fail — a lost race on a member's line,
 * an error whose outcome is unknown (the transaction committed, its answer lost), a linked
 * condition, a repeated command — and a process that stops between a grant (the path of commands
 * reserving at several facilities) and its order's transaction. Whatever happens: nothing
 * oversold, reserved = the reservation rows = the units at 1200, and no grant left once the
 * commands are done (or, after a crash, once the reconcile job gave the expired grant back).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCommandError } from '../../shared/domain/lifecycle/index.ts';
import { reconcileReservations } from '../../shared/jobs/reconcile-reservations.ts';
import { LinkedConditionFailed, OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { OrderStore, TxCancelled } from '../../shared/store/order-store.ts';
import type { LabelledTx, LinkedWrite } from '../../shared/store/transactions.ts';
import { OrderTransactions } from '../../shared/store/order-transaction.ts';
import type { OrderWrites } from '../../shared/domain/orders/order-writes.ts';
import { GRANT_TTL_MS } from '../../shared/store/position-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { oneUnitOrders, startOrderCore, type OrderCore } from '../support/order-core.ts';

const STOCK = 30;
const ORDERS = 20;
const PER_ORDER = 5;
const WORKERS = 12;

let core: OrderCore;
const lines: Array<{ orderId: string; lineSeq: string }> = [];

/**
 * An order store whose commits fail as the test says. A command's own transaction: a line in
 * `broken` throws before anything is sent. A shared transaction (labels `<member>|…`): a line in
 * `conflictOnce` comes back as a conflict on that member's line item; a line in `broken` commits
 * and then throws (the answer lost: every member's outcome is unknown to its command).
 */
class FailingOrderStore extends OrderStore {
  /** Lines (orderId/lineSeq) whose next commit is cancelled by a conflict (once each). */
  readonly conflictOnce = new Set<string>();
  /** Lines whose commit always throws an error that is not a cancellation. */
  readonly broken = new Set<string>();
  sharedTxs = 0;
  override async commitTx(tx: LabelledTx): Promise<void> {
    if (!tx.labels.some((l) => l.includes('|'))) return super.commitTx(tx);
    this.sharedTxs++;
    const lineOf = (n: number) => {
      const item = tx.items[n]?.Put?.Item as { pk?: string; sk?: string } | undefined;
      return `${String(item?.pk).slice('ORDER#'.length)}/${String(item?.sk).slice('LINE#'.length)}`;
    };
    const lines = tx.labels.flatMap((l, n) =>
      /^\d+\|line:/.test(l) ? [{ n, key: lineOf(n) }] : [],
    );
    const racing = lines.find((l) => this.conflictOnce.delete(l.key));
    if (racing) {
      throw new TxCancelled({
        failed: new Set(),
        conflict: true,
        throttled: false,
        codes: tx.labels.map((_, n) => (n === racing.n ? 'TransactionConflict' : 'None')),
      });
    }
    await super.commitTx(tx);
    const lost = lines.find((l) => this.broken.has(l.key));
    if (lost) throw new Error(`network down for ${lost.key} (after the commit)`);
  }
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
  it(`${lines.length || ORDERS * PER_ORDER} one-unit lines, ${STOCK} in stock, failures inside shared transactions: no oversell, reserved = rows = lines at 1200`, async () => {
    const store = new FailingOrderStore(core.client, tableName(core.prefix, 'orders'));
    // Every 7th line loses a race once; three early lines (taken while stock is left whatever the
    // others hold) never get an answer.
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
    // Adaptive: the first reservation went the plain way; those that met it in flight were written
    // in shared transactions of several orders each (one-facility commands take no grant).
    const stats = service.groupCommitStats;
    expect(stats.led).toBeGreaterThan(0);
    expect(stats.sharedWrites).toBeGreaterThan(0);
    expect(stats.shared).toBeGreaterThan(stats.sharedWrites);
    expect(stats.batches).toBe(0);
    expect(store.sharedTxs).toBeGreaterThan(stats.sharedWrites);
    // A linked condition fails its own command only; a lost answer reaches every command of its
    // transaction (at least the three broken lines).
    expect(outcomes.linked).toBe(2);
    expect(outcomes.broken).toBeGreaterThanOrEqual(3);
    expect(outcomes.moved + outcomes.outOfStock + outcomes.broken + outcomes.linked).toBe(
      lines.length,
    );
    // Whoever got no answer may have committed: the books balance whatever the callers believe.
    let t = await totals('FLASH', 'F1');
    expect(t).toEqual({
      reserved: t.allocated,
      rows: t.allocated,
      grants: 0,
      allocated: t.allocated,
    });
    expect(t.reserved).toBeGreaterThanOrEqual(outcomes.moved);
    expect(t.reserved).toBeLessThanOrEqual(STOCK);
    const held = t.reserved;

    // A repeated command (same key) replays: nothing moves twice.
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
    expect(held + late).toBe(STOCK);
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
    expect(await core.positions.grants.reserve(seen, [grant], now.toISOString())).toBe('granted');
    const after = await core.positions.sku('CRASH');
    expect(after.positions.get('F1')?.reserved).toBe(3);
    expect(after.grants.map((g) => g.grantId)).toEqual(['crashed-1']);

    // Meanwhile the units are not sold twice: 2 left, a third is refused.
    const more = await core.positions.grants.reserve(
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
    expect(await core.positions.grants.release(grant, later)).toBe('none');
    expect((await core.positions.facility('CRASH', 'F1')).position.reserved).toBe(0);
  });
});

describe('a batch at a facility whose position is not written yet', () => {
  it("is held to NetSuite's figure less safety stock: a sum above it is refused, nothing written (grant write and shared transaction alike)", async () => {
    await core.setNetsuiteQty('FRESH', 'F1', 2);
    const seen = await core.positions.facility('FRESH', 'F1');
    expect(seen).toMatchObject({ nsQty: 2, position: { reserved: 0, v: 0 } });
    const now = new Date().toISOString();
    const grant = (id: string) => ({
      sku: 'FRESH',
      facilityId: 'F1',
      grantId: id,
      qty: 1,
      orderId: `O-${id}`,
      lineSeq: '00001',
      expiresAt: new Date(Date.now() + GRANT_TTL_MS).toISOString(),
    });
    expect(await core.positions.grants.reserve(seen, ['g1', 'g2', 'g3'].map(grant), now)).toBe(
      'refused',
    );

    const tx = new OrderTransactions(core.orders, core.positions);
    const member = (orderId: string): OrderWrites<LinkedWrite> => ({
      lines: [],
      event: {
        type: 'moved',
        orderId,
        idempotencyKey: `fresh-${orderId}`,
        at: now,
        actor: 'test',
        request: '{}',
        result: {},
      },
      inventory: [
        { kind: 'reserve', facility: seen, delta: 1 },
        { kind: 'reservation', sku: 'FRESH', facilityId: 'F1', orderId, lineSeq: '00001', qty: 1 },
      ],
    });
    const three = ['FR1', 'FR2', 'FR3'].map(member);
    expect(await tx.commitShared(seen, three)).toEqual({ included: [0, 1, 2], outcome: 'refused' });
    let after = await core.positions.sku('FRESH');
    expect(after.positions.get('F1')).toBeUndefined();
    expect(after.reservations).toEqual([]);
    // Two fit: written together, the position created with both.
    expect(await tx.commitShared(seen, three.slice(0, 2))).toEqual({
      included: [0, 1],
      outcome: 'committed',
    });
    after = await core.positions.sku('FRESH');
    expect(after.positions.get('F1')?.reserved).toBe(2);
    expect(after.reservations.map((r) => r.orderId).sort()).toEqual(['FR1', 'FR2']);
  });
});
