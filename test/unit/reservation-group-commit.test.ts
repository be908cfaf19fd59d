/**
 * The group commit's batch write (shared/orders/group-commit.ts) against a position store that
 * keeps its figures in memory and checks the bound as DynamoDB does: a batch whose sum does not
 * fit falls back to the requests that fit, in arrival order; the rest is refused; conflicts are
 * retried; a write whose outcome is unknown gives its grants back.
 */
import { describe, expect, it } from 'vitest';
import type { OrderWrites } from '../../shared/domain/orders/order-writes.ts';
import { ReservationGroupCommit, type Granted } from '../../shared/orders/group-commit.ts';
import type { LinkedWrite } from '../../shared/store/transactions.ts';
import { soleReservation, type SharedCommit } from '../../shared/store/order-transaction.ts';
import type {
  FacilityState,
  GrantOutcome,
  PositionStore,
  ReservationGrant,
} from '../../shared/store/position-store.ts';

/** One SKU × facility in memory: NetSuite's figure, reserved, the grant rows. */
function memoryStore(nsQty: number, script: Array<'conflict' | 'throw'> = []) {
  const state = { nsQty, reserved: 0, v: 0, grants: new Map<string, ReservationGrant>() };
  const writes: number[][] = [];
  const facility = async (sku: string, facilityId: string): Promise<FacilityState> => ({
    sku,
    facilityId,
    nsQty: state.nsQty,
    position: {
      sku,
      facilityId,
      reserved: state.reserved,
      safety: 0,
      atp: 0,
      nsQtySeen: state.nsQty,
      v: state.v,
    },
  });
  const grants = {
    async reserve(
      seen: { nsQty?: number },
      grants: readonly ReservationGrant[],
    ): Promise<GrantOutcome> {
      writes.push(grants.map((g) => g.qty));
      const next = script.shift();
      if (next === 'conflict') return 'conflict';
      if (next === 'throw') {
        // The write committed, but the answer was lost.
        for (const g of grants) state.grants.set(g.grantId, g);
        state.reserved += grants.reduce((n, g) => n + g.qty, 0);
        throw new Error('socket hang up');
      }
      const sum = grants.reduce((n, g) => n + g.qty, 0);
      const N = seen.nsQty ?? 0;
      if (!(state.nsQty >= N && state.reserved <= N - sum)) return 'refused';
      state.reserved += sum;
      state.v++;
      for (const g of grants) state.grants.set(g.grantId, g);
      return 'granted';
    },
    async release(g: ReservationGrant): Promise<'released' | 'none'> {
      if (!state.grants.delete(g.grantId)) return 'none';
      state.reserved -= g.qty;
      return 'released';
    },
  };
  const store = { facility, grants };
  return { state, writes, store: store as unknown as PositionStore };
}

const writesFor = (
  orderId: string,
  qty: number,
  seen: FacilityState,
): OrderWrites<LinkedWrite> => ({
  lines: [],
  event: {
    type: 'moved',
    orderId,
    idempotencyKey: `k-${orderId}`,
    at: '2026-12-06T00:00:00.000Z',
    actor: 't',
    request: '{}',
    result: {},
  },
  inventory: [
    { kind: 'reserve', facility: seen, delta: qty },
    { kind: 'reservation', sku: 'S', facilityId: 'F', orderId, lineSeq: '00001', qty },
  ],
});

const tick = () => new Promise((r) => setImmediate(r));

/** The writes to commit (led or granted), or a failure naming what came back instead. */
function toCommit(g: Granted): Extract<Granted, { writes: unknown }> {
  if ('writes' in g) return g;
  throw new Error(`expected writes to commit, got ${JSON.stringify(g)}`);
}

/** An order that reserves at F (1 unit) and at G (1 unit). */
const twoFacilities = (
  orderId: string,
  f: FacilityState,
  g: FacilityState,
): OrderWrites<LinkedWrite> => ({
  ...writesFor(orderId, 1, f),
  inventory: [
    { kind: 'reserve', facility: f, delta: 1 },
    { kind: 'reservation', sku: 'S', facilityId: 'F', orderId, lineSeq: '00001', qty: 1 },
    { kind: 'reserve', facility: g, delta: 1 },
    { kind: 'reservation', sku: 'S', facilityId: 'G', orderId, lineSeq: '00002', qty: 1 },
  ],
});

describe('ReservationGroupCommit', () => {
  it('nothing in flight: the plain path (writes unchanged, no grant write); while it is in flight the arrivals are batched into one grant write', async () => {
    const { state, writes, store } = memoryStore(10);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    const lead = toCommit(await group.take(writesFor('O0', 1, seen)));
    expect(lead.grants).toEqual([]);
    expect(lead.writes.inventory?.[0]).toMatchObject({ kind: 'reserve', delta: 1 });
    const rest = [2, 3].map((q, i) => group.take(writesFor(`O${i + 1}`, q, seen)));
    await tick();
    // Held behind the lead's own transaction: nothing written yet.
    expect(writes).toEqual([]);
    lead.release();
    const out = await Promise.all(rest);
    expect(writes).toEqual([[2, 3]]);
    expect(state.reserved).toBe(5);
    for (const o of out.map(toCommit)) {
      expect(o.writes.inventory?.[0]).toMatchObject({ kind: 'grant', sku: 'S', facilityId: 'F' });
      expect(o.grants).toHaveLength(1);
    }
    expect(group.stats).toEqual({ led: 1, batches: 1, granted: 2, sharedWrites: 0, shared: 0 });
    // Idle again: the next one leads.
    const after = await group.take(writesFor('O9', 1, seen));
    expect('grants' in after && after.grants).toEqual([]);
    expect(group.stats.led).toBe(2);
  });

  it('a batch that does not fit: what fits is granted in arrival order, the rest refused', async () => {
    const { state, writes, store } = memoryStore(5);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    const lead = toCommit(await group.take(writesFor('O0', 1, seen)));
    const out = Promise.all(
      [3, 2, 1, 1].map((q, i) => group.take(writesFor(`O${i + 1}`, q, seen))),
    );
    await tick();
    state.reserved += 1; // the lead's own transaction committed
    state.v++;
    lead.release();
    // [3,2,1,1] = 7 > 4 left: refused, then 3 fits (1 left), 2 does not, 1 fits.
    expect((await out).map((o) => ('refused' in o ? 'refused' : 'granted'))).toEqual([
      'granted',
      'refused',
      'granted',
      'refused',
    ]);
    expect(writes).toEqual([
      [3, 2, 1, 1],
      [3, 1],
    ]);
    expect(state.reserved).toBe(5);
    expect(state.grants.size).toBe(2);
  });

  it('retries conflicts, and gives the grants back when the outcome of a write is unknown', async () => {
    const { state, store } = memoryStore(10, ['conflict', 'throw']);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    const batched = async (orderId: string) => {
      const lead = toCommit(await group.take(writesFor(`lead-${orderId}`, 1, seen)));
      const taken = group.take(writesFor(orderId, 2, seen));
      await tick();
      lead.release();
      return taken;
    };
    await expect(batched('O1')).rejects.toThrow('socket hang up');
    expect(state).toMatchObject({ reserved: 0 });
    expect(state.grants.size).toBe(0);
    const ok = await batched('O2');
    expect('grants' in ok && ok.grants.length).toBe(1);
    expect(state.reserved).toBe(2);
    await group.giveBack('grants' in ok ? ok.grants : []);
    await group.giveBack('grants' in ok ? ok.grants : []);
    expect(state.reserved).toBe(0);
  });

  it('an order leads all its facilities or none: one busy facility sends all its reservations to the batches', async () => {
    const { writes, store } = memoryStore(10);
    const group = new ReservationGroupCommit(store);
    const f = await store.facility('S', 'F');
    const g = await store.facility('S', 'G');
    const lead = toCommit(await group.take(writesFor('O0', 1, f)));
    const both = group.take(twoFacilities('O1', f, g));
    await tick();
    // G was idle but is not led: its grant is written at once; F's waits for the lead.
    expect(writes).toEqual([[1]]);
    lead.release();
    const out = toCommit(await both);
    expect(out.grants.map((x) => x.facilityId).sort()).toEqual(['F', 'G']);
    expect(out.writes.inventory?.filter((w) => w.kind === 'grant')).toHaveLength(2);
    // Both idle now: an order at both leads both.
    const plain = await group.take(twoFacilities('O2', f, g));
    expect('grants' in plain && plain.grants).toEqual([]);
  });
});

/**
 * A shared-transaction writer over the memory store: checks the sum against the bound as the
 * position's condition does, and fails the members or races the script says.
 */
function sharedWriter(
  memory: ReturnType<typeof memoryStore>,
  script: Array<{ fail?: string } | 'race' | 'throw'> = [],
) {
  const txs: string[][] = [];
  const tx = {
    async commitShared(
      seen: { nsQty?: number },
      members: readonly OrderWrites<LinkedWrite>[],
    ): Promise<SharedCommit> {
      const ids = members.map((m) => m.event.orderId);
      txs.push(ids);
      const included = members.map((_, i) => i);
      const next = script.shift();
      if (next === 'race') return { included, outcome: 'raced' };
      if (next === 'throw') throw new Error('socket hang up');
      if (next?.fail) {
        const n = ids.indexOf(next.fail);
        const failure = { failed: new Set(['line:00001']), lines: ['00001'] } as never;
        return { included, outcome: 'members', failures: new Map([[n, failure]]) };
      }
      const sum = members.reduce((n, m) => n + (soleReservation(m)?.qty ?? 0), 0);
      const N = seen.nsQty ?? 0;
      const { state } = memory;
      if (!(state.nsQty >= N && state.reserved <= N - sum)) return { included, outcome: 'refused' };
      state.reserved += sum;
      state.v++;
      return { included, outcome: 'committed' };
    },
    refused: (f: { sku: string; facilityId: string }) => ({ refusedAt: f }) as never,
  };
  return { tx, txs };
}

/** A group commit whose shared transactions go to `sharedWriter` over a memory store. */
function sharedGroup(nsQty: number, script?: Parameters<typeof sharedWriter>[1]) {
  const memory = memoryStore(nsQty);
  const { tx, txs } = sharedWriter(memory, script);
  return { memory, txs, group: new ReservationGroupCommit(memory.store, {}, tx) };
}

describe('ReservationGroupCommit: commands reserving at one facility share a transaction', () => {
  /** The lead takes the key; `orders` arrive behind it; the lead's transaction ends. */
  async function behindLead(
    group: ReservationGroupCommit,
    seen: FacilityState,
    orders: Array<[string, number]>,
  ) {
    const lead = toCommit(await group.take(writesFor('LEAD', 1, seen)));
    const out = Promise.all(orders.map(([id, q]) => group.take(writesFor(id, q, seen))));
    await tick();
    lead.release();
    return out;
  }

  it('those behind a write in flight are written in one transaction: no grant, each committed', async () => {
    const { memory, txs, group } = sharedGroup(10);
    const out = await behindLead(group, await memory.store.facility('S', 'F'), [
      ['O1', 2],
      ['O2', 3],
      ['O3', 1],
    ]);
    expect(out).toEqual([
      { committed: undefined },
      { committed: undefined },
      { committed: undefined },
    ]);
    expect(txs).toEqual([['O1', 'O2', 'O3']]);
    expect(memory.writes).toEqual([]);
    expect(memory.state.reserved).toBe(6);
    expect(group.stats).toMatchObject({ led: 1, batches: 0, sharedWrites: 1, shared: 3 });
  });

  it('a sum that does not fit: the figures read again, those that fit go again in arrival order; the rest answer as a refused position', async () => {
    const { memory, txs, group } = sharedGroup(4);
    const out = await behindLead(group, await memory.store.facility('S', 'F'), [
      ['O1', 3],
      ['O2', 2],
      ['O3', 1],
    ]);
    expect(txs).toEqual([
      ['O1', 'O2', 'O3'],
      ['O1', 'O3'],
    ]);
    expect(out).toEqual([
      { committed: undefined },
      { committed: { refusedAt: { sku: 'S', facilityId: 'F' } } },
      { committed: undefined },
    ]);
    expect(memory.state.reserved).toBe(4);
  });

  it("a member's own failure is its answer; the others go again at once; races back off; a lost answer reaches every member", async () => {
    const { memory, txs, group } = sharedGroup(10, [{ fail: 'O2' }, 'race']);
    const seen = await memory.store.facility('S', 'F');
    const out = await behindLead(group, seen, [
      ['O1', 1],
      ['O2', 1],
      ['O3', 1],
    ]);
    expect(txs).toEqual([
      ['O1', 'O2', 'O3'],
      ['O1', 'O3'],
      ['O1', 'O3'],
    ]);
    expect(out[0]).toEqual({ committed: undefined });
    expect(out[1]).toMatchObject({ committed: { lines: ['00001'] } });
    expect(out[2]).toEqual({ committed: undefined });
    expect(memory.state.reserved).toBe(2);

    const lost = sharedWriter(memory, ['throw']);
    const other = new ReservationGroupCommit(memory.store, {}, lost.tx);
    const answers = behindLead(other, seen, [
      ['O4', 1],
      ['O5', 1],
    ]);
    await expect(answers).rejects.toThrow('socket hang up');
  });
});
