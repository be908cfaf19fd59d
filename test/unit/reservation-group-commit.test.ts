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

describe('ReservationGroupCommit', () => {
  it('grants a batch whose sum fits in one write, and rewrites each reservation as its grant', async () => {
    const { state, writes, store } = memoryStore(10);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    const out = await Promise.all([1, 2, 3].map((q, i) => group.take(writesFor(`O${i}`, q, seen))));
    expect(writes).toEqual([[1], [2, 3]]);
    expect(state.reserved).toBe(6);
    for (const o of out) {
      if ('refused' in o) throw new Error('refused');
      expect(o.writes.inventory?.[0]).toMatchObject({ kind: 'grant', sku: 'S', facilityId: 'F' });
      expect(o.grants).toHaveLength(1);
    }
  });

  it('a batch that does not fit: what fits is granted in arrival order, the rest refused', async () => {
    const { state, writes, store } = memoryStore(5);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    const out = await Promise.all(
      [1, 3, 2, 1, 1].map((q, i) => group.take(writesFor(`O${i}`, q, seen))),
    );
    // [1] alone; then [3,2,1,1] = 7 > 4 left: refused, then 3 fits (1 left), 2 does not, 1 fits.
    expect(writes).toEqual([[1], [3, 2, 1, 1], [3, 1]]);
    expect(out.map((o) => ('refused' in o ? 'refused' : 'granted'))).toEqual([
      'granted',
      'granted',
      'refused',
      'granted',
      'refused',
    ]);
    expect(state.reserved).toBe(5);
    expect(state.grants.size).toBe(3);
  });

  it('retries conflicts, and gives the grants back when the outcome of a write is unknown', async () => {
    const { state, store } = memoryStore(10, ['conflict', 'throw']);
    const group = new ReservationGroupCommit(store);
    const seen = await store.facility('S', 'F');
    await expect(group.take(writesFor('O1', 2, seen))).rejects.toThrow('socket hang up');
    expect(state).toMatchObject({ reserved: 0 });
    expect(state.grants.size).toBe(0);
    const ok = await group.take(writesFor('O2', 2, seen));
    expect('grants' in ok && ok.grants.length).toBe(1);
    expect(state.reserved).toBe(2);
    await group.giveBack('grants' in ok ? ok.grants : []);
    await group.giveBack('grants' in ok ? ok.grants : []);
    expect(state.reserved).toBe(0);
  });
});
