/**
 * Bad input to every command gets a clear error and changes nothing: each case compares every
 * item of the orders and inventory tables before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MoveCommand } from '../../shared/orders/order-service.ts';
import { sampleOrder, startOrderCore, type OrderCore } from '../support/order-core.ts';

let core: OrderCore;
let orderId: string;
let heldOrderId: string;
const actor = 'test';

beforeAll(async () => {
  core = await startOrderCore();
  await core.setNetsuiteQty('BAD', 'F1', 1);
  const a = await core.intake.submit(
    sampleOrder({}, [
      { sku: 'BAD', quantity: 2, price: 1, shippingMethod: 'STD' },
      { sku: 'BAD', quantity: 1, price: 1, shippingMethod: 'STD' },
    ]),
    { source: 'test', actor },
  );
  const b = await core.intake.submit(
    sampleOrder({}, [{ sku: 'BAD', quantity: 1, price: 1, shippingMethod: 'STD' }]),
    {
      source: 'test',
      actor,
    },
  );
  if (a.status !== 'created' || b.status !== 'created') throw new Error('setup');
  orderId = a.orderId;
  heldOrderId = b.orderId;
  await core.service.recordNetsuiteIds({
    orderId,
    netsuiteOrderId: '1',
    lineIds: { '00001': '1', '00002': '2' },
    idempotencyKey: 'setup-ids',
    actor,
  });
  // line 1: one unit reserved at F1 (all NetSuite has), one left in 1100
  await core.service.move({
    orderId,
    lineSeq: '00001',
    from: 1100,
    to: 1200,
    quantity: 1,
    facilityId: 'F1',
    idempotencyKey: 'setup-alloc',
    actor,
  });
});

afterAll(async () => {
  await core?.stop();
});

const move = (over: Partial<MoveCommand>): MoveCommand => ({
  orderId,
  lineSeq: '00001',
  from: 1100,
  to: 1200,
  quantity: 1,
  facilityId: 'F1',
  idempotencyKey: `bad-${Math.random()}`,
  actor,
  ...over,
});

type Case = [name: string, run: () => Promise<unknown>, code: string, message?: RegExp];

const cases = (): Case[] => [
  [
    'move: unknown order',
    () => core.service.move(move({ orderId: 'NOPE' })),
    'UNKNOWN_ORDER',
    /there is no order NOPE/,
  ],
  [
    'move: unknown line',
    () => core.service.move(move({ lineSeq: '00009' })),
    'UNKNOWN_LINE',
    /has no line 00009 \(it has 2 lines\)/,
  ],
  [
    'move: malformed line id',
    () => core.service.move(move({ lineSeq: '1' })),
    'INVALID_COMMAND',
    /lineSeq must be a five-digit/,
  ],
  [
    'move: illegal move',
    () => core.service.move(move({ from: 1100, to: 3700 })),
    'ILLEGAL_MOVE',
    /1100 → 3700 is not allowed/,
  ],
  [
    'move: unknown status',
    () => core.service.move(move({ to: 1234 as never })),
    'INVALID_COMMAND',
    /to must be a status code/,
  ],
  [
    'move: quantity above the bucket',
    () => core.service.move(move({ quantity: 2 })),
    'INSUFFICIENT_QUANTITY',
    /has 1 in 1100 \(Created\), fewer than 2/,
  ],
  [
    'move: quantity above the facility',
    () => core.service.move(move({ from: 1200, to: 1500, quantity: 2 })),
    'INSUFFICIENT_QUANTITY',
  ],
  [
    'move: negative quantity',
    () => core.service.move(move({ quantity: -1 })),
    'INVALID_COMMAND',
    /quantity must be a whole number above 0, got -1/,
  ],
  ['move: zero quantity', () => core.service.move(move({ quantity: 0 })), 'INVALID_COMMAND'],
  [
    'move: fractional quantity',
    () => core.service.move(move({ quantity: 0.5 })),
    'INVALID_COMMAND',
  ],
  [
    'move: missing idempotency key',
    () => core.service.move(move({ idempotencyKey: undefined })),
    'MISSING_IDEMPOTENCY_KEY',
    /no idempotencyKey/,
  ],
  [
    'move: empty idempotency key',
    () => core.service.move(move({ idempotencyKey: '' })),
    'MISSING_IDEMPOTENCY_KEY',
  ],
  [
    'move: key with spaces',
    () => core.service.move(move({ idempotencyKey: 'a b' })),
    'INVALID_COMMAND',
    /idempotencyKey must be/,
  ],
  ['move: missing actor', () => core.service.move(move({ actor: '' })), 'INVALID_COMMAND', /actor/],
  [
    'move: allocation without facility',
    () => core.service.move(move({ facilityId: undefined })),
    'INVALID_COMMAND',
    /say at which facility/,
  ],
  [
    'move: bad facility id',
    () => core.service.move(move({ facilityId: 'F 1' })),
    'INVALID_COMMAND',
  ],
  [
    'move: out of stock',
    () => core.service.move(move({})),
    'OUT_OF_STOCK',
    /NetSuite reports 1, 1 reserved/,
  ],
  [
    'move: out of stock, other line',
    () => core.service.move(move({ lineSeq: '00002' })),
    'OUT_OF_STOCK',
  ],
  [
    'move: unknown release',
    () => core.service.move(move({ from: 3200, to: 3350, releaseKey: 'R9' })),
    'INSUFFICIENT_QUANTITY',
  ],
  [
    'move: on hold',
    () => core.service.move(move({ orderId: heldOrderId })),
    'ON_HOLD',
    /AWAITING_NETSUITE_IDS/,
  ],
  [
    'hold: unknown order',
    () =>
      core.service.addHold({
        orderId: 'NOPE',
        code: 'X_Y',
        holdReason: 'r',
        idempotencyKey: 'h1',
        actor,
      }),
    'UNKNOWN_ORDER',
  ],
  [
    'hold: unknown line',
    () =>
      core.service.addHold({
        orderId,
        lineSeq: '00007',
        code: 'X_Y',
        holdReason: 'r',
        idempotencyKey: 'h2',
        actor,
      }),
    'UNKNOWN_LINE',
  ],
  [
    'hold: missing key',
    () => core.service.addHold({ orderId, code: 'X_Y', holdReason: 'r', actor }),
    'MISSING_IDEMPOTENCY_KEY',
  ],
  [
    'hold: no reason',
    () => core.service.addHold({ orderId, code: 'X_Y', idempotencyKey: 'h3', actor }),
    'INVALID_COMMAND',
    /needs a reason/,
  ],
  [
    'hold: bad code',
    () =>
      core.service.addHold({
        orderId,
        code: 'lower case',
        holdReason: 'r',
        idempotencyKey: 'h4',
        actor,
      }),
    'INVALID_COMMAND',
    /hold code/,
  ],
  [
    'unhold: hold not there',
    () => core.service.liftHold({ orderId, code: 'NOT_HELD', idempotencyKey: 'u1', actor }),
    'UNKNOWN_HOLD',
    /has no hold NOT_HELD/,
  ],
  [
    'unhold: unknown order',
    () => core.service.liftHold({ orderId: 'NOPE', code: 'X', idempotencyKey: 'u2', actor }),
    'UNKNOWN_ORDER',
  ],
  [
    'unhold: missing key',
    () => core.service.liftHold({ orderId, code: 'X', actor }),
    'MISSING_IDEMPOTENCY_KEY',
  ],
  [
    'ids: unknown order',
    () =>
      core.service.recordNetsuiteIds({
        orderId: 'NOPE',
        netsuiteOrderId: '1',
        idempotencyKey: 'i1',
        actor,
      }),
    'UNKNOWN_ORDER',
  ],
  [
    'ids: unknown line',
    () =>
      core.service.recordNetsuiteIds({
        orderId,
        lineIds: { '00005': '1' },
        idempotencyKey: 'i2',
        actor,
      }),
    'UNKNOWN_LINE',
  ],
  [
    'ids: nothing given',
    () => core.service.recordNetsuiteIds({ orderId, idempotencyKey: 'i3', actor }),
    'INVALID_COMMAND',
  ],
  [
    'ids: bad id',
    () =>
      core.service.recordNetsuiteIds({
        orderId,
        netsuiteOrderId: 'a b',
        idempotencyKey: 'i4',
        actor,
      }),
    'INVALID_COMMAND',
  ],
  [
    'ids: missing key',
    () => core.service.recordNetsuiteIds({ orderId, netsuiteOrderId: '1', actor }),
    'MISSING_IDEMPOTENCY_KEY',
  ],
  [
    'replay with another command',
    () => core.service.move(move({ idempotencyKey: 'setup-alloc', quantity: 1, lineSeq: '00002' })),
    'IDEMPOTENCY_KEY_REUSED',
  ],
];

describe('bad input to every command', () => {
  it.each(cases().map((c) => [c[0], c] as const))(
    '%s: clear error, nothing changed',
    async (_name, c) => {
      const [, run, code, message] = c;
      const before = await core.snapshot();
      const error = await run().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, 'the command must fail').toBeDefined();
      expect(error).toMatchObject({ name: 'CommandError', code });
      if (message) expect((error as Error).message).toMatch(message);
      expect(await core.snapshot()).toEqual(before);
    },
  );

  it('the replayed setup command itself is still accepted as a replay', async () => {
    const before = await core.snapshot();
    const out = await core.service.move(move({ idempotencyKey: 'setup-alloc' }));
    expect(out.replayed).toBe(true);
    expect(await core.snapshot()).toEqual(before);
  });
});
