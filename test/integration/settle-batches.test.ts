/**
 * Settle candidates in batches (issue #21): the id imports write one item per ≤ 1,000 orders, and
 * the approval job removes an item once each of its orders is settled, or keeps it with the orders
 * that failed (so the next run looks at them again). The per-order items written before batches
 * are still read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import type { NetsuiteIdStore } from '../../shared/store/netsuite-id-store.ts';
import { SyncStore } from '../../shared/store/sync-store.ts';
import { approveOrders, type ApprovalDeps } from '../../shared/sync/approval.ts';
import { startTestCloud } from '../support/local-cloud.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let sync: SyncStore;

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false, schedules: false });
  sync = new SyncStore(dynamo(), table('control'));
});
afterAll(() => cloud?.cleanup());

/** Ids and headers of no order (every order is unknown), except those told to fail. */
const idsFailingFor = (failing: ReadonlySet<string>) =>
  ({
    async forOrderWithHeader(orderId: string) {
      if (failing.has(orderId)) throw new Error(`cannot read ${orderId}`);
      return { ids: { lines: new Map(), deposits: new Map() }, header: undefined };
    },
  }) as unknown as NetsuiteIdStore;

const deps = (failing: ReadonlySet<string>): ApprovalDeps =>
  ({ sync, ids: idsFailingFor(failing) }) as unknown as ApprovalDeps;

describe('settle candidates in batches', () => {
  it('an item goes once every order of it is settled; one naming a failed order keeps that order', async () => {
    const at = new Date().toISOString();
    const writer = sync.writer();
    await writer.put(sync.settleBatch('order', ['A-1', 'A-2', 'A-3'], 'file-a#1', at));
    await writer.put(sync.settleBatch('order', ['B-1', 'B-2'], 'file-b#1', at));
    await writer.put(sync.settleCandidate('order', 'C-1', at)); // the per-order form
    await writer.flush();
    expect((await sync.settleCandidates()).map((c) => c.orderId).sort()).toEqual([
      'A-1',
      'A-2',
      'A-3',
      'B-1',
      'B-2',
      'C-1',
    ]);

    const first = await approveOrders(deps(new Set(['B-2'])));
    expect(first.candidates).toBe(6);
    expect(first.unknownOrders).toBe(5);
    expect(first.failed.map((f) => f.orderId)).toEqual(['B-2']);
    const left = await sync.settleItems();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ sk: 'batch#order#file-b#1', orderIds: ['B-2'] });

    const second = await approveOrders(deps(new Set()));
    expect(second.candidates).toBe(1);
    expect(second.failed).toEqual([]);
    expect(await sync.settleItems()).toEqual([]);
  });

  it('an order named by two items is settled once, and both items go', async () => {
    const at = new Date().toISOString();
    const writer = sync.writer();
    await writer.put(sync.settleBatch('order', ['D-1', 'D-2'], 'orders#1', at));
    await writer.put(sync.settleBatch('order', ['D-1'], 'lines#1', at));
    await writer.flush();
    const run = await approveOrders(deps(new Set()));
    expect(run.candidates).toBe(2);
    expect(run.unknownOrders).toBe(2);
    expect(await sync.settleItems()).toEqual([]);
  });
});
