/**
 * The merchandiser's four actions (review, allocate, sync date, remove) and the supply events
 * (PO date change, cancellation, arrival, re-promise), on DynamoDB Local through the services.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../../shared/domain/lifecycle/index.ts';
import { PreorderError } from '../../shared/domain/preorder/errors.ts';
import { actor, key, startPreorderCore, type PreorderCore } from '../support/preorder.ts';

let core: PreorderCore;
let n = 0;
const sku = () => `ACT-${++n}`;
const po = () => `PO-A${++n}`;

beforeAll(async () => {
  core = await startPreorderCore();
});
afterAll(async () => {
  await core?.stop();
});

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof PreorderError || err instanceof CommandError) return err.code;
    throw err;
  }
  return 'no error';
};

describe('allocate chosen sales orders', () => {
  it('lists candidates, allocates the chosen ones, and replays the same key as a no-op', async () => {
    const s = sku();
    const p = po();
    await core.addPoLine({ poId: p, lineId: '1', sku: s, quantity: 3, arrivalDate: '2026-05-01' });
    const a = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 2 }],
    });
    const b = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const { candidates } = await core.pre.allocation.candidates(p, '1');
    expect(candidates.map((c) => [c.orderId, c.unallocated])).toEqual([
      [a, 2],
      [b, 1],
    ]);

    const k = key();
    const out = await core.pre.allocation.allocate(p, '1', [{ orderId: b, lineSeq: '00001' }], {
      idempotencyKey: k,
      actor,
    });
    expect(out.results).toEqual([
      { orderId: b, lineSeq: '00001', quantity: 1, outcome: 'allocated' },
    ]);
    expect(out.poLine).toMatchObject({ allocated: 1, atp: 2 });
    const again = await core.pre.allocation.allocate(p, '1', [{ orderId: b, lineSeq: '00001' }], {
      idempotencyKey: k,
      actor,
    });
    expect(again.results[0]!.outcome).toBe('replayed');
    expect(again.poLine).toMatchObject({ allocated: 1, atp: 2 });
    expect((await core.line(b)).buckets).toMatchObject({ 1250: 1 });
  });

  it('refuses beyond ATP, unknown POs and lines, non-pre-order lines, other SKUs and held lines, changing nothing', async () => {
    const s = sku();
    const p = po();
    await core.addPoLine({ poId: p, lineId: '1', sku: s, quantity: 2, arrivalDate: '2026-05-01' });
    const big = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 3 }],
    });
    const regular = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 1, preOrder: false }],
    });
    const other = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: sku(), quantity: 1 }],
    });
    const held = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
      approved: false,
    });
    const env = () => ({ idempotencyKey: key(), actor });
    const before = await core.snapshot();
    const one = (orderId: string) => [{ orderId, lineSeq: '00001' }];

    expect(await code(core.pre.allocation.allocate(p, '1', one(big), env()))).toBe('BEYOND_ATP');
    expect(await code(core.pre.allocation.allocate('PO-NOPE', '1', one(big), env()))).toBe(
      'UNKNOWN_PO',
    );
    expect(await code(core.pre.allocation.allocate(p, '9', one(big), env()))).toBe(
      'UNKNOWN_PO_LINE',
    );
    expect(await code(core.pre.allocation.allocate(p, '1', one(regular), env()))).toBe(
      'NOT_PREORDER',
    );
    expect(await code(core.pre.allocation.allocate(p, '1', one(other), env()))).toBe('WRONG_SKU');
    expect(await code(core.pre.allocation.allocate(p, '1', one(held), env()))).toBe('ON_HOLD');
    expect(await code(core.pre.allocation.allocate(p, '1', one('O-NONE'), env()))).toBe(
      'UNKNOWN_ORDER',
    );
    expect(await code(core.pre.allocation.allocate(p, '1', [], env()))).toBe('INVALID_REQUEST');
    expect(
      await code(
        core.pre.allocation.allocate(p, '1', one(big), { idempotencyKey: undefined, actor }),
      ),
    ).toBe('MISSING_IDEMPOTENCY_KEY');
    expect(await code(core.pre.allocation.review('PO-NOPE', '1'))).toBe('UNKNOWN_PO');
    expect(await core.snapshot()).toEqual(before);

    // Two of the three fit.
    const part = await core.pre.allocation.allocate(
      p,
      '1',
      [{ orderId: big, lineSeq: '00001', quantity: 2 }],
      env(),
    );
    expect(part.poLine).toMatchObject({ allocated: 2, atp: 0 });
    expect((await core.line(big)).buckets).toMatchObject({ 1100: 1, 1250: 2 });
  });
});

describe('sync date with SO', () => {
  it('copies a changed PO arrival date to the promised dates and reports how many changed', async () => {
    const s = sku();
    const p = po();
    await core.addPoLine({ poId: p, lineId: '1', sku: s, quantity: 5, arrivalDate: '2026-05-01' });
    await core.preorder({ date: '2025-07-01T00:00:00Z', lines: [{ sku: s, quantity: 1 }] });
    await core.preorder({ date: '2025-07-02T00:00:00Z', lines: [{ sku: s, quantity: 2 }] });
    await core.pre.allocation.runFifo({ sku: s });
    // A later file moves the arrival date and the quantity.
    await core.addPoLine({ poId: p, lineId: '1', sku: s, quantity: 6, arrivalDate: '2026-06-15' });
    const review = await core.pre.allocation.review(p, '1');
    expect(review.poLine).toMatchObject({
      arrivalDate: '2026-06-15',
      quantity: 6,
      allocated: 3,
      atp: 3,
    });
    expect(review.allocations.map((a) => [a.promisedDate, a.inSync])).toEqual([
      ['2026-05-01', false],
      ['2026-05-01', false],
    ]);
    expect(await core.pre.allocation.syncDates(p, '1')).toMatchObject({ changed: 2, unchanged: 0 });
    expect(
      (await core.pre.allocation.review(p, '1')).allocations.map((a) => a.promisedDate),
    ).toEqual(['2026-06-15', '2026-06-15']);
    expect(await core.pre.allocation.syncDates(p, '1')).toMatchObject({ changed: 0, unchanged: 2 });
  });
});

describe('remove allocations', () => {
  it('moves the chosen lines back to the queue (1250 → 1300) and frees the PO ATP', async () => {
    const s = sku();
    const p = po();
    await core.addPoLine({ poId: p, lineId: '1', sku: s, quantity: 2, arrivalDate: '2026-05-01' });
    const a = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const b = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const c = await core.preorder({
      date: '2025-07-03T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    await core.pre.allocation.runFifo({ sku: s });
    expect(
      await code(
        core.pre.allocation.remove(p, '1', [{ orderId: c, lineSeq: '00001' }], {
          idempotencyKey: key(),
          actor,
        }),
      ),
    ).toBe('NOT_ALLOCATED');

    const k = key();
    const out = await core.pre.allocation.remove(p, '1', [{ orderId: a, lineSeq: '00001' }], {
      idempotencyKey: k,
      actor,
    });
    expect(out.results).toMatchObject([{ orderId: a, outcome: 'removed', quantity: 1 }]);
    expect(out.poLine).toMatchObject({ allocated: 1, atp: 1 });
    expect((await core.line(a)).buckets).toMatchObject({ 1300: 1 });
    expect((await core.pre.allocation.review(p, '1')).allocations.map((x) => x.orderId)).toEqual([
      b,
    ]);
    const again = await core.pre.allocation.remove(p, '1', [{ orderId: a, lineSeq: '00001' }], {
      idempotencyKey: k,
      actor,
    });
    expect(again.results[0]!.outcome).toBe('replayed');
    // Removed for an in-store sale, a is back in the queue: the candidates list it (oldest first).
    const { candidates } = await core.pre.allocation.candidates(p, '1');
    expect(candidates.map((x) => x.orderId)).toEqual([a, c]);
  });
});

describe('supply events', () => {
  it('a cancelled PO puts its orders back and re-allocates them elsewhere where ATP allows', async () => {
    const s = sku();
    const gone = po();
    const other = po();
    await core.addPoLine({
      poId: gone,
      lineId: '1',
      sku: s,
      quantity: 3,
      arrivalDate: '2026-02-01',
    });
    await core.addPoLine({
      poId: other,
      lineId: '1',
      sku: s,
      quantity: 2,
      arrivalDate: '2026-04-01',
    });
    const a = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const b = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const c = await core.preorder({
      date: '2025-07-03T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const d = await core.preorder({
      date: '2025-07-04T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    await core.pre.allocation.runFifo({ sku: s });
    // a, b, c on the early PO; d on the other (1 left there).
    const report = await core.pre.supply.cancel(gone, { idempotencyKey: key(), actor });
    expect(report.unallocated.map((u) => u.orderId)).toEqual([a, b, c]);
    expect(report.reallocated.lines.map((l) => [l.orderId, l.poId])).toEqual([[a, other]]);
    expect(report.stillUnallocated.map((u) => u.orderId)).toEqual([b, c]);
    expect(
      (await core.pre.allocation.review(other, '1')).allocations.map((x) => x.orderId),
    ).toEqual([a, d]);
    expect((await core.line(b)).buckets).toMatchObject({ 1300: 1 });
    expect(await core.purchaseOrders.line(gone, '1')).toMatchObject({
      status: 'cancelled',
      allocated: 0,
    });
    expect(
      await code(
        core.pre.allocation.allocate(gone, '1', [{ orderId: b, lineSeq: '00001' }], {
          idempotencyKey: key(),
          actor,
        }),
      ),
    ).toBe('PO_NOT_OPEN');
    // A later file listing the cancelled PO does not reopen it.
    expect(
      await core.purchaseOrders.upsertLine(
        {
          poId: gone,
          lineId: '1',
          sku: s,
          quantity: 3,
          externalFacilityId: '101',
          arrivalDate: '2026-02-01',
          facilityId: 'WH-EAST',
        },
        { file: 'later.csv', at: new Date().toISOString() },
      ),
    ).toBe('cancelled');
  });

  it('arrival releases pre-ordered lines to the facility FIFO, as far as the stock that came in', async () => {
    const s = sku();
    const p = po();
    await core.addPoLine({
      poId: p,
      lineId: '1',
      sku: s,
      quantity: 3,
      arrivalDate: '2026-01-10',
      facilityId: 'WH-EAST',
    });
    const a = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 2 }],
    });
    const b = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    await core.pre.allocation.runFifo({ sku: s });

    // Not due yet: nothing moves.
    expect((await core.pre.supply.release({ sku: s, dueBy: '2026-01-09' })).released).toEqual([]);
    // Due, but the stock is not at the facility yet: the first in line waits, and so does the rest.
    const early = await core.pre.supply.release({ sku: s, dueBy: '2026-01-10' });
    expect(early.released).toEqual([]);
    expect(early.waiting.map((w) => w.orderId)).toEqual([a, b]);
    // Two units arrive (the inventory feeds): a takes them; b waits for more.
    await core.setNetsuiteQty(s, 'WH-EAST', 2);
    const some = await core.pre.supply.release({ sku: s, dueBy: '2026-01-10' });
    expect(some.released.map((r) => [r.orderId, r.quantity, r.facilityId])).toEqual([
      [a, 2, 'WH-EAST'],
    ]);
    expect((await core.line(a)).buckets).toMatchObject({ 1200: 2 });
    expect((await core.line(a)).alloc).toMatchObject({ 'WH-EAST': { 1200: 2 } });
    await core.setNetsuiteQty(s, 'WH-EAST', 3);
    const rest = await core.pre.supply.release({ sku: s, dueBy: '2026-01-10' });
    expect(rest.released.map((r) => r.orderId)).toEqual([b]);
    expect(await core.purchaseOrders.line(p, '1')).toMatchObject({
      allocated: 0,
      released: 3,
      atp: 0,
    });
    // A repeated file keeps the consumed quantity off ATP.
    await core.addPoLine({ poId: p, lineId: '1', sku: s, quantity: 3, arrivalDate: '2026-01-10' });
    expect(await core.purchaseOrders.line(p, '1')).toMatchObject({
      allocated: 0,
      released: 3,
      atp: 0,
    });
  });

  it('by hand, for one order', async () => {
    const s = sku();
    const p = po();
    await core.addPoLine({
      poId: p,
      lineId: '1',
      sku: s,
      quantity: 2,
      arrivalDate: '2027-01-10',
      facilityId: 'WH-EAST',
    });
    await core.preorder({ date: '2025-07-01T00:00:00Z', lines: [{ sku: s, quantity: 1 }] });
    const b = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    await core.pre.allocation.runFifo({ sku: s });
    await core.setNetsuiteQty(s, 'WH-EAST', 5);
    const out = await core.pre.supply.release({ orderId: b });
    expect(out.released.map((r) => r.orderId)).toEqual([b]);
  });

  it('re-promises the earliest customers onto an earlier PO, and gives back over-allocation', async () => {
    const s = sku();
    const late = po();
    const early = po();
    await core.addPoLine({
      poId: late,
      lineId: '1',
      sku: s,
      quantity: 3,
      arrivalDate: '2026-09-01',
    });
    const a = await core.preorder({
      date: '2025-07-01T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const b = await core.preorder({
      date: '2025-07-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const c = await core.preorder({
      date: '2025-07-03T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    await core.pre.allocation.runFifo({ sku: s });
    await core.addPoLine({
      poId: early,
      lineId: '1',
      sku: s,
      quantity: 2,
      arrivalDate: '2026-03-01',
    });
    const report = await core.pre.supply.repromise();
    expect(
      report.moved.filter((m) => m.to === `${early}/1`).map((m) => [m.orderId, m.promisedDate]),
    ).toEqual([
      [a, '2026-03-01'],
      [b, '2026-03-01'],
    ]);
    expect((await core.pre.allocation.review(late, '1')).allocations.map((x) => x.orderId)).toEqual(
      [c],
    );
    expect(await core.purchaseOrders.line(late, '1')).toMatchObject({ allocated: 1, atp: 2 });

    // The early PO's quantity drops to 1: the newest customer on it (b) goes back and is
    // re-allocated to the late PO.
    await core.addPoLine({
      poId: early,
      lineId: '1',
      sku: s,
      quantity: 1,
      arrivalDate: '2026-03-01',
    });
    const second = await core.pre.supply.repromise();
    expect(second.givenBack.map((g) => g.orderId)).toEqual([b]);
    expect(second.reallocated).toBe(1);
    expect(
      (await core.pre.allocation.review(late, '1')).allocations.map((x) => x.orderId).sort(),
    ).toEqual([b, c].sort());
    expect((await core.line(b)).buckets).toMatchObject({ 1250: 1 });
  });
});
