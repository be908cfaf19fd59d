/**
 * Automatic FIFO allocation of pre-order lines to purchase-order lines on DynamoDB Local: order
 * of service with ties, partial PO coverage, held orders, and concurrent runs that never take more
 * than a PO line's quantity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../../shared/domain/lifecycle/index.ts';
import { startPreorderCore, type PreorderCore } from '../support/preorder.ts';

let core: PreorderCore;
let n = 0;
const sku = () => `PRE-${++n}`;

beforeAll(async () => {
  core = await startPreorderCore();
});
afterAll(async () => {
  await core?.stop();
});

describe('automatic FIFO allocation', () => {
  it('serves the oldest order first (ties by order id, then line) from the earliest PO', async () => {
    const s = sku();
    await core.addPoLine({
      poId: 'PO-LATE',
      lineId: '1',
      sku: s,
      quantity: 5,
      arrivalDate: '2026-03-01',
    });
    await core.addPoLine({
      poId: 'PO-EARLY',
      lineId: '1',
      sku: s,
      quantity: 2,
      arrivalDate: '2026-01-15',
    });
    const third = await core.preorder({
      date: '2025-07-03T09:00:00Z',
      lines: [{ sku: s, quantity: 2 }],
    });
    const tieA = await core.preorder({
      date: '2025-07-02T09:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const tieB = await core.preorder({
      date: '2025-07-02T09:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const [first, second] = [tieA, tieB].sort();

    const report = await core.pre.allocation.runFifo({ sku: s });
    expect(report.allocated).toBe(4);
    expect(report.lines.map((l) => [l.orderId, l.poId, l.quantity, l.promisedDate])).toEqual([
      [first, 'PO-EARLY', 1, '2026-01-15'],
      [second, 'PO-EARLY', 1, '2026-01-15'],
      [third, 'PO-LATE', 2, '2026-03-01'],
    ]);
    for (const id of [first, second, third]) {
      const line = await core.line(id!);
      expect(bucketOf(line.buckets, 1250)).toBe(line.quantity);
      expect(bucketOf(line.buckets, 1100)).toBe(0);
    }
    expect(await core.purchaseOrders.line('PO-EARLY', '1')).toMatchObject({ allocated: 2, atp: 0 });
    expect(await core.purchaseOrders.line('PO-LATE', '1')).toMatchObject({ allocated: 2, atp: 3 });
    const review = await core.pre.allocation.review('PO-LATE', '1');
    expect(review.allocations).toMatchObject([
      { orderId: third, quantity: 2, promisedDate: '2026-03-01', customer: 'Ada Lovelace' },
    ]);

    // A second run finds nothing more to do.
    expect((await core.pre.allocation.runFifo({ sku: s })).allocated).toBe(0);
  });

  it('covers part of the demand, splitting a line across PO lines, and reports the rest', async () => {
    const s = sku();
    await core.addPoLine({
      poId: 'PO-P1',
      lineId: '1',
      sku: s,
      quantity: 3,
      arrivalDate: '2026-02-01',
    });
    await core.addPoLine({
      poId: 'PO-P2',
      lineId: '7',
      sku: s,
      quantity: 1,
      arrivalDate: '2026-04-01',
    });
    const a = await core.preorder({
      date: '2025-08-01T00:00:00Z',
      lines: [{ sku: s, quantity: 2 }],
    });
    const b = await core.preorder({
      date: '2025-08-02T00:00:00Z',
      lines: [{ sku: s, quantity: 3 }],
    });

    const report = await core.pre.allocation.runFifo({ sku: s });
    expect(report.allocated).toBe(4);
    expect(report.unfilled).toEqual([{ orderId: b, lineSeq: '00001', quantity: 1 }]);
    const lineA = await core.line(a);
    const lineB = await core.line(b);
    expect(lineA.buckets).toMatchObject({ 1250: 2 });
    expect(bucketOf(lineB.buckets, 1250)).toBe(2);
    expect(bucketOf(lineB.buckets, 1100)).toBe(1);
    const p1 = await core.pre.allocation.review('PO-P1', '1');
    const p2 = await core.pre.allocation.review('PO-P2', '7');
    expect(p1.allocations.map((x) => [x.orderId, x.quantity])).toEqual([
      [a, 2],
      [b, 1],
    ]);
    expect(p2.allocations.map((x) => [x.orderId, x.quantity])).toEqual([[b, 1]]);
    expect(p1.atp).toBe(0);
    expect(p2.atp).toBe(0);
  });

  it('skips orders still on hold (awaiting NetSuite ids) and leaves ATP for the next approved one', async () => {
    const s = sku();
    await core.addPoLine({
      poId: 'PO-H',
      lineId: '1',
      sku: s,
      quantity: 1,
      arrivalDate: '2026-02-01',
    });
    const held = await core.preorder({
      date: '2025-06-01T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
      approved: false,
    });
    const approved = await core.preorder({
      date: '2025-06-02T00:00:00Z',
      lines: [{ sku: s, quantity: 1 }],
    });
    const report = await core.pre.allocation.runFifo({ sku: s });
    expect(report.held).toEqual([
      { orderId: held, lineSeq: '00001', holds: ['AWAITING_NETSUITE_IDS'] },
    ]);
    expect(report.lines.map((l) => l.orderId)).toEqual([approved]);
    expect(bucketOf((await core.line(held)).buckets, 1100)).toBe(1);
  });

  it('never allocates more than a PO line holds, with several runs at once', async () => {
    const s = sku();
    await core.addPoLine({
      poId: 'PO-RACE',
      lineId: '1',
      sku: s,
      quantity: 7,
      arrivalDate: '2026-02-01',
    });
    await core.addPoLine({
      poId: 'PO-RACE',
      lineId: '2',
      sku: s,
      quantity: 4,
      arrivalDate: '2026-03-01',
    });
    const orders: string[] = [];
    for (let i = 0; i < 12; i++) {
      orders.push(
        await core.preorder({
          date: `2025-09-${String(1 + (i % 5)).padStart(2, '0')}T00:00:00Z`,
          lines: [{ sku: s, quantity: 1 + (i % 2) }],
        }),
      );
    }
    const runners = [core.pre, core.another(), core.another(), core.another()];
    const reports = await Promise.all(runners.map((r) => r.allocation.runFifo({ sku: s })));

    // Whatever the runs left (a run gives up after a few lost races), one more run takes.
    const last = await core.pre.allocation.runFifo({ sku: s });

    const l1 = (await core.purchaseOrders.line('PO-RACE', '1'))!;
    const l2 = (await core.purchaseOrders.line('PO-RACE', '2'))!;
    expect(l1.allocated).toBeLessThanOrEqual(7);
    expect(l2.allocated).toBeLessThanOrEqual(4);
    expect(l1.allocated + l1.atp).toBe(7);
    expect(l2.allocated + l2.atp).toBe(4);
    // Demand is 18, supply 11: every unit of supply ends up allocated, none twice.
    expect(l1.allocated + l2.allocated).toBe(11);
    expect(reports.reduce((sum, r) => sum + r.allocated, 0) + last.allocated).toBe(11);
    const allocations = await core.purchaseOrders.allocations('PO-RACE');
    const byLine = new Map<string, number>();
    for (const a of allocations) byLine.set(a.orderId, (byLine.get(a.orderId) ?? 0) + a.quantity);
    let preordered = 0;
    for (const id of orders) {
      const line = await core.line(id);
      expect(bucketOf(line.buckets, 1250)).toBe(byLine.get(id) ?? 0);
      preordered += bucketOf(line.buckets, 1250);
    }
    expect(preordered).toBe(11);
    expect(allocations.filter((a) => a.lineId === '1').reduce((x, a) => x + a.quantity, 0)).toBe(7);
  });
});
