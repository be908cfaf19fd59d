/**
 * The approval job commits an order's next steps with its approval (issue #21): the brokering
 * queue entry, the sales order outbox entry leaving and the deposit joining its outbox are linked
 * writes of the one transaction that lifts the hold, decided on the order as the job read it with
 * its ids (one read). A second run changes nothing; a deposit already waiting stays as it was; an
 * order changed after the job's read is not written on the stale read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKERING_QUEUE } from '../../shared/domain/brokering/index.ts';
import { HOLDS } from '../../shared/domain/lifecycle/index.ts';
import { BrokeringStore } from '../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import type { NetsuiteIdStore } from '../../shared/store/netsuite-id-store.ts';
import { approveOrders, type ApprovalDeps } from '../../shared/sync/approval.ts';
import {
  approvalDeps,
  netsuiteIdStore,
  orderRuntime,
  root,
  syncStore,
} from '../../shared/app/root.ts';
import { startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

let cloud: Awaited<ReturnType<typeof startTestCloud>>;

beforeAll(async () => {
  cloud = await startTestCloud({ dispatch: false, schedules: false });
}, 120_000);
afterAll(() => cloud?.cleanup());

let nsId = 61_000;

/** A new order, its NetSuite ids stored as the id imports store them, and its settle candidate. */
async function orderWithIds(): Promise<string> {
  const created = await orderRuntime(root()).intake.submit(sampleOrder(), {
    source: 'test',
    actor: 'test',
  });
  if (created.status !== 'created') throw new Error(created.status);
  const orderId = created.orderId;
  const at = new Date().toISOString();
  const ids = netsuiteIdStore(root()).writer();
  await ids.put(netsuiteIdStore(root()).orderIdItem(orderId, 'ORDER', '', String(nsId++), 'f', at));
  await ids.put(
    netsuiteIdStore(root()).orderIdItem(orderId, 'LINE', '00001', String(nsId++), 'f', at),
  );
  await ids.flush();
  await candidate(orderId);
  return orderId;
}

async function candidate(orderId: string): Promise<void> {
  const writer = syncStore(root()).writer();
  await writer.put(syncStore(root()).settleCandidate('order', orderId, new Date().toISOString()));
  await writer.flush();
}

const queueEntries = async (orderId: string) =>
  (await new BrokeringStore(dynamo(), table('control')).queue(BROKERING_QUEUE)).filter(
    (e) => e.orderId === orderId,
  );
const outbox = async (feed: 'salesorder' | 'deposit', orderId: string) => {
  const out: { createdAt: string; payload: unknown }[] = [];
  for await (const page of syncStore(root()).entries(feed)) {
    for (const e of page) if (e.id === orderId) out.push(e);
  }
  return out;
};

describe('approval with its next steps in one transaction', () => {
  it('approves once: queued for brokering, out of the sales order outbox, deposit queued; a rerun changes nothing', async () => {
    const orderId = await orderWithIds();
    expect(await outbox('salesorder', orderId)).toHaveLength(1);

    const first = await approveOrders(approvalDeps(root()));
    expect(first.approved).toEqual([orderId]);
    expect(first.failed).toEqual([]);
    const { lines } = await orderRuntime(root()).orders.order(orderId);
    expect(lines.every((l) => !l.holds[HOLDS.AWAITING_NETSUITE_IDS])).toBe(true);
    expect(await queueEntries(orderId)).toHaveLength(1);
    expect(await outbox('salesorder', orderId)).toEqual([]);
    const deposit = await outbox('deposit', orderId);
    expect(deposit).toHaveLength(1);
    const events = (await orderRuntime(root()).orders.order(orderId)).events;

    await candidate(orderId);
    const second = await approveOrders(approvalDeps(root()));
    expect(second.approved).toEqual([]);
    expect(second.failed).toEqual([]);
    expect(await outbox('deposit', orderId)).toEqual(deposit);
    expect(await queueEntries(orderId)).toHaveLength(1);
    expect((await orderRuntime(root()).orders.order(orderId)).events).toEqual(events);
    expect(await syncStore(root()).settleItems()).toEqual([]);
  });

  it('a deposit already waiting in its outbox stays as it was (the first entry stands)', async () => {
    const orderId = await orderWithIds();
    const at = '2020-01-01T00:00:00.000Z';
    expect(await syncStore(root()).enqueue('deposit', orderId, { earlier: true }, at)).toBe(true);

    const run = await approveOrders(approvalDeps(root()));
    expect(run.approved).toEqual([orderId]);
    expect(run.failed).toEqual([]);
    expect(await outbox('deposit', orderId)).toEqual([
      expect.objectContaining({ createdAt: at, payload: { earlier: true } }),
    ]);
    expect(await queueEntries(orderId)).toHaveLength(1);
    expect(await outbox('salesorder', orderId)).toEqual([]);
  });

  it('an order changed after the job read it is decided again on what it is now', async () => {
    const orderId = await orderWithIds();
    const deps = approvalDeps(root());
    // The order changes (a hold placed) between the job's read and its transaction.
    const hold = (id: string) =>
      orderRuntime(root()).service.addHold({
        orderId: id,
        code: 'TEST_HOLD',
        idempotencyKey: `hold-${id}`,
        actor: 'test',
        reason: 'changed meanwhile',
        holdReason: 'checked by hand',
      });
    const ids = {
      forOrderWithHeader: async (id: string) => {
        const read = await deps.ids.forOrderWithHeader(id);
        await hold(id);
        return read;
      },
      forOrdersWithHeaders: async (orderIds: string[]) => {
        const read = await deps.ids.forOrdersWithHeaders(orderIds);
        for (const id of orderIds) await hold(id);
        return read;
      },
    } as unknown as NetsuiteIdStore;

    const run = await approveOrders({ ...deps, ids } as ApprovalDeps);
    expect(run.failed).toEqual([]);
    expect(run.approved).toEqual([orderId]);
    const { lines } = await orderRuntime(root()).orders.order(orderId);
    // Both: the hold placed meanwhile is kept, the approval's lifted.
    expect(lines.every((l) => l.holds.TEST_HOLD && !l.holds[HOLDS.AWAITING_NETSUITE_IDS])).toBe(
      true,
    );
    expect(lines.every((l) => !!l.netsuiteLineId)).toBe(true);
    expect(await queueEntries(orderId)).toHaveLength(1);

    // The same with one read per order (no reading ahead).
    const other = await orderWithIds();
    const single = await approveOrders({ ...deps, ids, readAhead: 0 } as ApprovalDeps);
    expect(single.failed).toEqual([]);
    expect(single.approved).toEqual([other]);
    const after = await orderRuntime(root()).orders.order(other);
    expect(
      after.lines.every((l) => l.holds.TEST_HOLD && !l.holds[HOLDS.AWAITING_NETSUITE_IDS]),
    ).toBe(true);
  });

  it('writes after the approval that fail keep the candidate, and the next run takes the steps', async () => {
    const orderIds = [await orderWithIds(), await orderWithIds(), await orderWithIds()];
    const deps = approvalDeps(root());
    // The brokering entries and outbox deletes that follow the approvals cannot be written.
    const sync = Object.create(deps.sync) as typeof deps.sync;
    sync.writeBatch = () => Promise.reject(new Error('batch write refused'));

    const run = await approveOrders({ ...deps, sync });
    // The approvals themselves committed; no candidate was settled before its writes were in.
    expect(run.approved).toEqual([...orderIds].sort());
    expect(run.failed.map((f) => f.orderId).sort()).toEqual([...orderIds].sort());
    expect(run.failed.every((f) => f.error === 'batch write refused')).toBe(true);
    for (const orderId of orderIds) {
      expect(await queueEntries(orderId)).toEqual([]);
      expect(await outbox('salesorder', orderId)).toHaveLength(1);
    }
    const kept = (await syncStore(root()).settleItems()).flatMap((i) => i.orderIds);
    expect(kept.sort()).toEqual([...orderIds].sort());

    // The next run finds them approved (a replay) and takes the steps that were missing.
    const next = await approveOrders(deps);
    expect(next.failed).toEqual([]);
    expect(next.approved).toEqual([]);
    for (const orderId of orderIds) {
      expect(await queueEntries(orderId)).toHaveLength(1);
      expect(await outbox('salesorder', orderId)).toEqual([]);
    }
    expect(await syncStore(root()).settleItems()).toEqual([]);
  });
});
