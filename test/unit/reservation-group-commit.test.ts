/**
 * The group commit's batch write (shared/orders/group-commit.ts) against a position store that
 * keeps its figures in memory and checks the bound as DynamoDB does: a batch whose sum does not
 * fit falls back to the requests that fit, in arrival order; the rest is refused; conflicts are
 * retried; a write whose outcome is unknown gives its grants back.
 */
import { describe, expect, it } from 'vitest';
import type { OrderWrites } from '../../shared/domain/orders/order-writes.ts';
import { ReservationGroupCommit } from '../../shared/orders/group-commit.ts';
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
  const store = {
    facility,
    async grantReservations(
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
    async releaseGrant(g: ReservationGrant): Promise<'released' | 'none'> {
      if (!state.grants.delete(g.grantId)) return 'none';
      state.reserved -= g.qty;
      return 'released';
    },
  };
  return { state, writes, store: store as unknown as PositionStore };
}

const writesFor = (orderId: string, qty: number, seen: FacilityState): OrderWrites => ({
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

/** An order that reserves at F (1 unit) and at G (1 unit). */
const twoFacilities = (orderId: string, f: FacilityState, g: FacilityState): OrderWrites => ({
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
    const lead = await group.take(writesFor('O0', 1, seen));
    if ('refused' in lead) throw new Error('refused');
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
    for (const o of out) {
      if ('refused' in o) throw new Error('refused');
      expect(o.writes.inventory?.[0]).toMatchObject({ kind: 'grant', sku: 'S', facilityId: 'F' });
      expect(o.grants).toHaveLength(1);
    }
    expect(group.stats).toEqual({ led: 1, batches: 1, granted: 2 });
    // Idle again: the next one leads.
    const after = await group.take(writesFor('O9', 1, seen));
    expect('grants' in after && after.grants).toEqual([]);
    expect(group.stats.led).toBe(2);
  });

  it('a batch that does not fit: what fits is granted in arrival order, the rest refused', async () => {
    const { state, writes, store } = memoryStore(5);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    const lead = await group.take(writesFor('O0', 1, seen));
    if ('refused' in lead) throw new Error('refused');
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
      const lead = await group.take(writesFor(`lead-${orderId}`, 1, seen));
      if ('refused' in lead) throw new Error('refused');
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
    const lead = await group.take(writesFor('O0', 1, f));
    if ('refused' in lead) throw new Error('refused');
    const both = group.take(twoFacilities('O1', f, g));
    await tick();
    // G was idle but is not led: its grant is written at once; F's waits for the lead.
    expect(writes).toEqual([[1]]);
    lead.release();
    const out = await both;
    if ('refused' in out) throw new Error('refused');
    expect(out.grants.map((x) => x.facilityId).sort()).toEqual(['F', 'G']);
    expect(out.writes.inventory?.filter((w) => w.kind === 'grant')).toHaveLength(2);
    // Both idle now: an order at both leads both.
    const plain = await group.take(twoFacilities('O2', f, g));
    expect('grants' in plain && plain.grants).toEqual([]);
  });
});
