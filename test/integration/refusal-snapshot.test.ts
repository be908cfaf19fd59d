/**
 * A refusal for stock on a sold-out facility, on a real DynamoDB Local: the command reads its line
 * and its key's event, finds the cached figures without room, and reads the figures again with
 * the key's event as one snapshot (TransactGetItems across the inventory and orders tables). The
 * event absent there, the refusal is final: two calls, no third look at the event. The event
 * present there (another caller applied the same command meanwhile), the answer is the replay.
 * When DynamoDB cancels the snapshot read (a transaction writing one of its items), the command
 * reads the figures alone and looks at the event again after refusing: four calls, same answers.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCommandError } from '../../shared/domain/lifecycle/index.ts';
import { STATUS } from '../../shared/domain/lifecycle/status.ts';
import type { OrderHeader } from '../../shared/domain/orders/order.ts';
import type { LineState } from '../../shared/domain/lifecycle/index.ts';
import { OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import type { StoredEvent } from '../../shared/store/order-items.ts';
import { OrderStore } from '../../shared/store/order-store.ts';
import { oneUnitOrders, startOrderCore, type OrderCore } from '../support/order-core.ts';

let core: OrderCore;
/** DynamoDB commands sent on the core's client while `calls` is not undefined. */
let calls: string[] | undefined;
/**
 * While true, every TransactGetItems on the core's client is answered as DynamoDB answers one it
 * cancels (a transaction was writing one of its items) — without reaching DynamoDB Local, which
 * cannot be made to cancel a read on demand.
 */
let cancelSnapshots = false;

beforeAll(async () => {
  core = await startOrderCore({}, 'snap');
  core.client.middlewareStack.add(
    (next, context) => async (args) => {
      calls?.push(String(context.commandName));
      if (cancelSnapshots && context.commandName === 'TransactGetItemsCommand') {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: 'TransactionConflict' }],
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'refusalSnapshotCounter' },
  );
});

afterAll(async () => {
  await core?.stop();
});

/** `n` approved one-unit orders of `sku`, their lines at 1100. */
const lines = (sku: string, n: number) =>
  oneUnitOrders(core, { sku, orders: n, perOrder: 1, prefix: `snap-${sku}` });

const moveTo = (line: { orderId: string; lineSeq: string }, facilityId: string, key: string) => ({
  ...line,
  from: STATUS.CREATED,
  to: STATUS.ALLOCATED,
  quantity: 1,
  facilityId,
  idempotencyKey: key,
  actor: 'broker',
});

/** Runs `work`, answering the DynamoDB commands it sent and what it answered or threw. */
async function counted<T>(work: () => Promise<T>): Promise<{ calls: string[]; outcome: unknown }> {
  calls = [];
  let outcome: unknown;
  try {
    outcome = await work();
  } catch (err) {
    outcome = isCommandError(err) ? err.code : err;
  }
  const sent = calls;
  calls = undefined;
  return { calls: sent, outcome };
}

/**
 * `sku` sold out at F1 for a fresh service: NetSuite's figure 1, the first of two new lines moved
 * there by that service (so its cache knows F1 has no room left), the second never read by it.
 */
async function soldOut(sku: string) {
  await core.setNetsuiteQty(sku, 'F1', 1);
  const [first, second] = await lines(sku, 2);
  const service = new OrderService({
    orders: core.orders,
    positions: core.positions,
    cache: new StateCache(),
  });
  await service.move(moveTo(first!, 'F1', `${sku}-1`));
  return { service, second: second! };
}

/**
 * An order service whose store lets another caller apply a command (`applyMeanwhile`) right
 * after this service's next read of a line, before what follows it: the real store on the real
 * table, only the order of events arranged. The other caller's calls are not counted.
 */
function interleavedService() {
  let meanwhile: (() => Promise<void>) | undefined;
  class Interleaved extends OrderStore {
    override async readForCommand(
      orderId: string,
      lineSeq: string | undefined,
      idempotencyKey: string,
      withHeader: boolean,
    ): Promise<{ line?: LineState; event?: StoredEvent; header?: OrderHeader }> {
      const read = await super.readForCommand(orderId, lineSeq, idempotencyKey, withHeader);
      const act = meanwhile;
      meanwhile = undefined;
      await act?.();
      return read;
    }
  }
  const service = new OrderService({
    orders: new Interleaved(core.client, core.orders.table),
    positions: core.positions,
    cache: new StateCache(),
  });
  const applyMeanwhile = (cmd: ReturnType<typeof moveTo>) => {
    meanwhile = async () => {
      const [counting, cancelling] = [calls, cancelSnapshots];
      [calls, cancelSnapshots] = [undefined, false];
      await core.service.move(cmd);
      [calls, cancelSnapshots] = [counting, cancelling];
    };
  };
  return { service, applyMeanwhile };
}

describe('the snapshot read a refusal rests on', () => {
  it('answers the figures and positions asked and the other item, absent ones as absent', async () => {
    await core.setNetsuiteQty('SNAP-A', 'F1', 3);
    const [line] = await lines('SNAP-A', 1);
    await core.service.move(moveTo(line!, 'F1', 'snap-a-1'));

    const at = [
      { sku: 'SNAP-A', facilityId: 'F1' },
      { sku: 'SNAP-A', facilityId: 'NOWHERE' },
    ];
    const withEvent = await core.positions.facilitiesWith(
      at,
      core.orders.eventRef(line!.orderId, 'snap-a-1'),
    );
    expect(withEvent?.facilities[0]).toMatchObject({
      sku: 'SNAP-A',
      facilityId: 'F1',
      nsQty: 3,
      position: { reserved: 1 },
    });
    expect(withEvent?.facilities[1]).toMatchObject({
      facilityId: 'NOWHERE',
      nsQty: undefined,
      position: { reserved: 0 },
    });
    expect(core.orders.eventOf(withEvent!.also!)).toMatchObject({
      idempotencyKey: 'snap-a-1',
      type: 'moved',
    });

    const without = await core.positions.facilitiesWith(
      at,
      core.orders.eventRef(line!.orderId, 'never-used'),
    );
    expect(without?.also).toBeUndefined();
    expect(without?.facilities.map((f) => f.nsQty)).toEqual([3, undefined]);

    // A facility named twice cannot be read in one transaction: no snapshot (read otherwise).
    const twice = await core.positions.facilitiesWith(
      [at[0]!, at[0]!],
      core.orders.eventRef(line!.orderId, 'snap-a-1'),
    );
    expect(twice).toBeUndefined();
  });

  it('sold out: the line and its event, then the figures with the event, and the refusal stands', async () => {
    const { service, second } = await soldOut('SNAP-B');

    const refused = await counted(() => service.move(moveTo(second, 'F1', 'snap-b-2')));
    expect(refused).toEqual({
      outcome: 'OUT_OF_STOCK',
      calls: ['BatchGetItemCommand', 'TransactGetItemsCommand'],
    });
    // Nothing was written for it.
    expect(await core.orders.getEvent(second.orderId, 'snap-b-2')).toBeUndefined();
    const { positions } = await core.positions.sku('SNAP-B');
    expect(positions.get('F1')).toMatchObject({ reserved: 1 });
  });

  it('several lines at once (brokering): refused the same way, in two calls', async () => {
    await core.setNetsuiteQty('SNAP-C', 'F1', 1);
    const [first, second] = await lines('SNAP-C', 2);
    const service = new OrderService({
      orders: core.orders,
      positions: core.positions,
      cache: new StateCache(),
    });
    const moveLines = (line: { orderId: string; lineSeq: string }, key: string) =>
      service.moveLines({
        orderId: line.orderId,
        moves: [
          {
            lineSeq: line.lineSeq,
            from: STATUS.CREATED,
            to: STATUS.ALLOCATED,
            quantity: 1,
            facilityId: 'F1',
          },
        ],
        idempotencyKey: key,
        actor: 'brokering',
      });
    await moveLines(first!, 'snap-c-1');

    const refused = await counted(() => moveLines(second!, 'snap-c-2'));
    expect(refused).toEqual({
      outcome: 'OUT_OF_STOCK',
      calls: ['BatchGetItemCommand', 'TransactGetItemsCommand'],
    });
  });

  it('the same command applied by another caller meanwhile: the snapshot finds its event, a replay', async () => {
    await core.setNetsuiteQty('SNAP-D', 'F1', 1);
    const [first, second] = await lines('SNAP-D', 2);

    const { service, applyMeanwhile } = interleavedService();
    await service.move(moveTo(first!, 'F1', 'snap-d-1'));
    // NetSuite's figure goes up: there is room again, but this service's cache says there is none.
    await core.setNetsuiteQty('SNAP-D', 'F1', 2);

    // Between its read of the line (at 1100, no event) and its next look, another caller
    // applies this very command (the same key): it takes the unit.
    const other = moveTo(second!, 'F1', 'snap-d-2');
    applyMeanwhile(other);
    const again = await counted(() => service.move(other));
    expect(again.calls).toEqual(['BatchGetItemCommand', 'TransactGetItemsCommand']);
    expect(again.outcome).toMatchObject({ outcome: 'moved', replayed: true, facilityId: 'F1' });
    const { positions, reservations } = await core.positions.sku('SNAP-D');
    expect(positions.get('F1')).toMatchObject({ reserved: 2 });
    expect(reservations).toHaveLength(2);
  });
});

describe('when DynamoDB cancels the snapshot read', () => {
  it('refuses on the figures read alone, after looking at the event again', async () => {
    const { service, second } = await soldOut('SNAP-E');
    cancelSnapshots = true;
    const refused = await counted(() => service.move(moveTo(second, 'F1', 'SNAP-E-2'))).finally(
      () => void (cancelSnapshots = false),
    );
    expect(refused).toEqual({
      outcome: 'OUT_OF_STOCK',
      calls: [
        'BatchGetItemCommand', // the line and the key's event
        'TransactGetItemsCommand', // the snapshot, cancelled
        'BatchGetItemCommand', // the figures alone
        'GetItemCommand', // the key's event, after the refusal
      ],
    });
    expect(await core.orders.getEvent(second.orderId, 'SNAP-E-2')).toBeUndefined();
    const { positions } = await core.positions.sku('SNAP-E');
    expect(positions.get('F1')).toMatchObject({ reserved: 1 });
  });

  it('finds the replay when the same command was applied meanwhile', async () => {
    await core.setNetsuiteQty('SNAP-F', 'F1', 1);
    const [first, second] = await lines('SNAP-F', 2);
    const { service, applyMeanwhile } = interleavedService();
    await service.move(moveTo(first!, 'F1', 'SNAP-F-1'));
    await core.setNetsuiteQty('SNAP-F', 'F1', 2); // room again; this service's cache says none

    // Another caller applies this very command between this one's line read and its next look.
    const cmd = moveTo(second!, 'F1', 'SNAP-F-2');
    applyMeanwhile(cmd);
    cancelSnapshots = true;
    const again = await counted(() => service.move(cmd)).finally(
      () => void (cancelSnapshots = false),
    );
    expect(again.calls).toEqual([
      'BatchGetItemCommand', // the line and the key's event (not there yet)
      'TransactGetItemsCommand', // the snapshot, cancelled
      'BatchGetItemCommand', // the figures alone: sold out, the other caller took the unit
      'GetItemCommand', // the key's event, after the refusal: there
    ]);
    expect(again.outcome).toMatchObject({ outcome: 'moved', replayed: true, facilityId: 'F1' });
    const { positions, reservations } = await core.positions.sku('SNAP-F');
    expect(positions.get('F1')).toMatchObject({ reserved: 2 });
    expect(reservations).toHaveLength(2);
  });
});
