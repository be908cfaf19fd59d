/**
 * The order core on a real DynamoDB Local: intake, every kind of move with its reservation,
 * release and shipment records, history, idempotency, release gates, the per-process cache under
 * concurrent writers, and the reconcile job.
 */
import { PutItemCommand, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketsFromEvents, lineInvariantViolations } from '../../shared/domain/lifecycle/index.ts';
import { reconcileReservations } from '../../shared/jobs/reconcile-reservations.ts';
import { OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { reservationSk } from '../../shared/store/position-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import { sampleOrder, startOrderCore, type OrderCore } from '../support/order-core.ts';

let core: OrderCore;
let n = 0;
const key = (label: string) => `${label}-${++n}`;
const actor = 'test';

beforeAll(async () => {
  core = await startOrderCore();
});

afterAll(async () => {
  await core?.stop();
});

/** Creates an order and records its NetSuite ids (lifting AWAITING_NETSUITE_IDS). */
async function approvedOrder(
  lines = [{ sku: 'SKU-1', quantity: 1, price: 10, shippingMethod: 'STD' }],
  overrides: Parameters<typeof sampleOrder>[0] = {},
): Promise<string> {
  const created = await core.intake.submit(sampleOrder(overrides, lines), {
    source: 'test',
    actor,
  });
  if (created.status !== 'created') throw new Error(created.status);
  const lineIds = Object.fromEntries(
    lines.map((_, i) => [String(i + 1).padStart(5, '0'), `${i + 1}`]),
  );
  await core.service.recordNetsuiteIds({
    orderId: created.orderId,
    netsuiteOrderId: '900',
    lineIds,
    idempotencyKey: key('ids'),
    actor,
  });
  return created.orderId;
}

const position = async (sku: string, facility: string) => {
  const { positions, reservations } = await core.positions.sku(sku);
  const rows = reservations.filter((r) => r.facilityId === facility);
  return {
    reserved: positions.get(facility)?.reserved ?? 0,
    atp: positions.get(facility)?.atp,
    rows: rows.reduce((s, r) => s + r.qty, 0),
  };
};

describe('order intake', () => {
  it('creates the order in 1100 with the AWAITING_NETSUITE_IDS hold and a created event', async () => {
    const input = sampleOrder({}, [
      { sku: 'A', quantity: 2, price: 3, shippingMethod: 'STD' },
      { sku: 'B', quantity: 1, price: 4, shippingMethod: 'STD', preOrder: true },
    ]);
    const out = await core.intake.submit(input, { source: 'http', actor: 'api' });
    expect(out).toMatchObject({ status: 'created', externalId: input.externalId });
    if (out.status !== 'created') return;
    const order = await core.orders.order(out.orderId);
    expect(order.header).toMatchObject({
      externalId: input.externalId,
      orderTotal: 10,
      lineCount: 2,
      source: 'http',
    });
    expect(
      order.lines.map((l) => [l.lineSeq, l.buckets, Object.keys(l.holds), l.preOrder]),
    ).toEqual([
      ['00001', { 1100: 2 }, ['AWAITING_NETSUITE_IDS'], false],
      ['00002', { 1100: 1 }, ['AWAITING_NETSUITE_IDS'], true],
    ]);
    expect(order.events.map((e) => e.type)).toEqual(['created']);
    expect(await core.orders.orderIdForExternal(input.externalId)).toBe(out.orderId);
  });

  it('creates one order for an external id submitted twice, even at the same time', async () => {
    const input = sampleOrder();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => core.intake.submit(input, { source: 'http', actor: 'api' })),
    );
    const created = results.filter((r) => r.status === 'created');
    expect(created).toHaveLength(1);
    const orderId = (created[0] as { orderId: string }).orderId;
    expect(
      results
        .filter((r) => r.status === 'duplicate')
        .map((r) => (r as { orderId: string }).orderId),
    ).toEqual(Array(5).fill(orderId));
    // The same external id with other content: a conflict naming it; nothing changes.
    const again = await core.intake.submit(
      { ...input, name: 'changed' },
      { source: 'file:x', actor: 'api' },
    );
    expect(again).toMatchObject({
      status: 'conflict',
      orderId,
      externalId: input.externalId,
      differences: {
        header: [{ field: 'name', stored: input.name, submitted: 'changed' }],
        lines: { added: [], removed: [], changed: [] },
      },
    });
    expect(await core.intake.submit({ ...input }, { source: 'file:y', actor: 'api' })).toEqual({
      status: 'duplicate',
      orderId,
      externalId: input.externalId,
    });
  });

  it('rejects an invalid order naming the order and the field, writing nothing', async () => {
    const before = await core.snapshot();
    const input = {
      ...sampleOrder(),
      lines: [{ sku: 'A', quantity: -1, price: 1, shippingMethod: 'S' }],
    };
    const out = await core.intake.submit(input, { source: 'http', actor: 'api' });
    expect(out).toMatchObject({
      status: 'rejected',
      order: input.externalId,
      messages: [`order ${input.externalId}: lines[0].quantity -1 is below 1`],
    });
    expect(await core.snapshot()).toEqual(before);
  });
});

describe('the lifecycle on DynamoDB', () => {
  it('walks a line from 1100 to 3800 with reservations, release and shipment records, history', async () => {
    await core.setNetsuiteQty('WALK', 'F1', 5);
    const orderId = await approvedOrder([
      { sku: 'WALK', quantity: 2, price: 10, shippingMethod: 'STD' },
    ]);
    const line = { orderId, lineSeq: '00001', actor };
    const s = core.service;

    await s.move({
      ...line,
      from: 1100,
      to: 1200,
      quantity: 2,
      facilityId: 'F1',
      idempotencyKey: key('k'),
    });
    expect(await position('WALK', 'F1')).toEqual({ reserved: 2, atp: 3, rows: 2 });
    await s.move({ ...line, from: 1200, to: 1500, quantity: 2, idempotencyKey: key('k') });
    expect(await position('WALK', 'F1')).toEqual({ reserved: 2, atp: 3, rows: 2 });
    const rel = await s.move({
      ...line,
      from: 1500,
      to: 3200,
      quantity: 1,
      idempotencyKey: key('k'),
    });
    expect(rel).toMatchObject({
      outcome: 'moved',
      releaseKey: `${orderId}-00001-R1`,
      buckets: { 1500: 1, 3200: 1 },
    });
    // A released unit stays promised: it counts until NetSuite's figure reflects it.
    expect(await position('WALK', 'F1')).toEqual({ reserved: 2, atp: 3, rows: 2 });
    const pick = await s.move({
      ...line,
      from: 3200,
      to: 3350,
      quantity: 1,
      idempotencyKey: key('k'),
    });
    expect(pick.shipmentKey).toBe(`${orderId}-00001-S1`);
    let records = await core.orders.order(orderId);
    expect(records.shipments).toEqual([
      expect.objectContaining({
        key: pick.shipmentKey,
        lineSeq: '00001',
        quantity: 0,
        planned: 1,
        status: 'picking',
      }),
    ]);
    await s.move({ ...line, from: 3350, to: 3700, quantity: 1, idempotencyKey: key('k') });
    await s.move({ ...line, from: 3700, to: 3800, quantity: 1, idempotencyKey: key('k') });
    await s.move({
      ...line,
      from: 1500,
      to: 9000,
      quantity: 1,
      idempotencyKey: key('k'),
      reason: 'customer asked',
    });
    // The shipped unit still counts (NetSuite's figure in force does not reflect it yet)...
    expect(await position('WALK', 'F1')).toEqual({ reserved: 1, atp: 4, rows: 1 });
    // ...until a figure that reflects it arrives: it stops counting, once.
    const reflected = await s.reflect({
      ...line,
      facilityId: 'F1',
      covered: 2,
      idempotencyKey: key('k'),
    });
    expect(reflected).toMatchObject({ drop: 1, counted: 0, replayed: false });
    expect(await position('WALK', 'F1')).toEqual({ reserved: 0, atp: 5, rows: 0 });
    expect(
      await s.reflect({ ...line, facilityId: 'F1', covered: 2, idempotencyKey: key('k') }),
    ).toMatchObject({ drop: 0 });
    expect(await position('WALK', 'F1')).toEqual({ reserved: 0, atp: 5, rows: 0 });

    records = await core.orders.order(orderId);
    const [l] = records.lines;
    expect(l!.buckets).toEqual({ 3800: 1, 9000: 1 });
    expect(l!.reflected).toEqual({ F1: 1 });
    expect(lineInvariantViolations(l!)).toEqual([]);
    expect(records.events.filter((e) => e.type === 'reflected')).toMatchObject([
      { facilityId: 'F1', quantity: 1 },
    ]);
    expect(records.releases).toEqual([
      expect.objectContaining({
        key: rel.releaseKey,
        facilityId: 'F1',
        releasedQty: 1,
        statusQuantity: 0,
      }),
    ]);
    expect(records.shipments).toEqual([
      expect.objectContaining({ key: pick.shipmentKey, quantity: 1, status: 'shipped' }),
    ]);
    const moves = records.events.filter((e) => e.type === 'moved');
    expect(moves.map((e) => `${e.from}>${e.to}:${e.quantity}`)).toEqual([
      '1100>1200:2',
      '1200>1500:2',
      '1500>3200:1',
      '3200>3350:1',
      '3350>3700:1',
      '3700>3800:1',
      '1500>9000:1',
    ]);
    expect(moves[2]).toMatchObject({ releaseKey: rel.releaseKey, facilityId: 'F1', actor });
    expect(moves[6]).toMatchObject({ reason: 'customer asked' });
    expect(bucketsFromEvents(records.events).get('00001')).toEqual(l!.buckets);
  });

  it('refuses to reserve beyond NetSuite − reserved − safety stock, changing nothing', async () => {
    await core.setNetsuiteQty('TIGHT', 'F1', 3);
    await core.positions.setSafetyStock('TIGHT', 'F1', 1);
    const a = await approvedOrder([{ sku: 'TIGHT', quantity: 2, price: 1, shippingMethod: 'STD' }]);
    const b = await approvedOrder([{ sku: 'TIGHT', quantity: 1, price: 1, shippingMethod: 'STD' }]);
    await core.service.move({
      orderId: a,
      lineSeq: '00001',
      from: 1100,
      to: 1200,
      quantity: 2,
      facilityId: 'F1',
      idempotencyKey: key('k'),
      actor,
    });
    expect(await position('TIGHT', 'F1')).toEqual({ reserved: 2, atp: 0, rows: 2 });
    const before = await core.snapshot();
    await expect(
      core.service.move({
        orderId: b,
        lineSeq: '00001',
        from: 1100,
        to: 1200,
        quantity: 1,
        facilityId: 'F1',
        idempotencyKey: key('k'),
        actor,
      }),
    ).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
      message:
        'facility F1 cannot reserve 1 of TIGHT: NetSuite reports 3, 2 reserved, safety stock 1',
    });
    expect(await core.snapshot()).toEqual(before);
    // a facility NetSuite knows nothing about has nothing to reserve
    await expect(
      core.service.move({
        orderId: b,
        lineSeq: '00001',
        from: 1100,
        to: 1200,
        quantity: 1,
        facilityId: 'NOWHERE',
        idempotencyKey: key('k'),
        actor,
      }),
    ).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(await core.snapshot()).toEqual(before);
  });

  it('replays a command with the same idempotency key without changing anything', async () => {
    await core.setNetsuiteQty('REPLAY', 'F1', 10);
    const orderId = await approvedOrder([
      { sku: 'REPLAY', quantity: 3, price: 1, shippingMethod: 'STD' },
    ]);
    const cmd = {
      orderId,
      lineSeq: '00001',
      from: 1100 as const,
      to: 1200 as const,
      quantity: 1,
      facilityId: 'F1',
      idempotencyKey: key('once'),
      actor,
    };
    const first = await core.service.move(cmd);
    const before = await core.snapshot();
    const again = await core.service.move(cmd);
    expect(again).toEqual({ ...first, replayed: true });
    // a second process (cold cache) sees the same
    const other = new OrderService({ orders: core.orders, positions: core.positions });
    expect(await other.move(cmd)).toEqual({ ...first, replayed: true });
    // concurrent replays
    const many = await Promise.all(Array.from({ length: 5 }, () => other.move(cmd)));
    expect(many.every((r) => r.replayed)).toBe(true);
    expect(await core.snapshot()).toEqual(before);
    expect(await position('REPLAY', 'F1')).toMatchObject({ reserved: 1 });
    await expect(core.service.move({ ...cmd, quantity: 2 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await core.snapshot()).toEqual(before);
  });

  it('concurrent commands with the same new key apply once', async () => {
    await core.setNetsuiteQty('SAMEKEY', 'F1', 10);
    const orderId = await approvedOrder([
      { sku: 'SAMEKEY', quantity: 5, price: 1, shippingMethod: 'STD' },
    ]);
    const cmd = {
      orderId,
      lineSeq: '00001',
      from: 1100 as const,
      to: 1200 as const,
      quantity: 1,
      facilityId: 'F1',
      idempotencyKey: key('race'),
      actor,
    };
    const services = Array.from(
      { length: 4 },
      () => new OrderService({ orders: core.orders, positions: core.positions }),
    );
    const results = await Promise.all(services.map((s) => s.move(cmd)));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await position('SAMEKEY', 'F1')).toEqual({ reserved: 1, atp: 9, rows: 1 });
    const records = await core.orders.order(orderId);
    expect(records.lines[0]!.buckets).toEqual({ 1100: 4, 1200: 1 });
    expect(records.events.filter((e) => e.type === 'moved')).toHaveLength(1);
  });

  it('a failing release gate holds the line and says why; once fixed, the release goes through', async () => {
    await core.setNetsuiteQty('GATE', 'F1', 10);
    const created = await core.intake.submit(
      sampleOrder({}, [{ sku: 'GATE', quantity: 1, price: 10, shippingMethod: 'STD' }]),
      { source: 'test', actor },
    );
    if (created.status !== 'created') throw new Error(created.status);
    const orderId = created.orderId;
    const line = { orderId, lineSeq: '00001', actor };
    await expect(
      core.service.move({
        ...line,
        from: 1100,
        to: 1200,
        quantity: 1,
        facilityId: 'F1',
        idempotencyKey: key('k'),
      }),
    ).rejects.toMatchObject({
      code: 'ON_HOLD',
      message: expect.stringContaining('AWAITING_NETSUITE_IDS'),
    });
    // an operator lifts the hold before the ids are back: brokering may go on, release may not
    await core.service.liftHold({
      orderId,
      code: 'AWAITING_NETSUITE_IDS',
      idempotencyKey: key('k'),
      actor,
    });
    await core.service.move({
      ...line,
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: 'F1',
      idempotencyKey: key('k'),
    });
    await core.service.move({
      ...line,
      from: 1200,
      to: 1500,
      quantity: 1,
      idempotencyKey: key('k'),
    });
    const held = await core.service.move({
      ...line,
      from: 1500,
      to: 3200,
      quantity: 1,
      idempotencyKey: key('k'),
    });
    expect(held).toMatchObject({
      outcome: 'held',
      buckets: { 1500: 1 },
      holds: ['ORDER_INCOMPLETE'],
      failures: [
        { code: 'ORDER_INCOMPLETE', reason: 'missing NetSuite order id, NetSuite line id' },
      ],
    });
    expect(await position('GATE', 'F1')).toMatchObject({ reserved: 1 });
    await core.service.recordNetsuiteIds({
      orderId,
      netsuiteOrderId: '5',
      lineIds: { '00001': '6' },
      idempotencyKey: key('k'),
      actor,
    });
    const released = await core.service.move({
      ...line,
      from: 1500,
      to: 3200,
      quantity: 1,
      idempotencyKey: key('k'),
    });
    expect(released).toMatchObject({ outcome: 'moved', holds: [], buckets: { 3200: 1 } });
    const events = (await core.orders.order(orderId)).events.map((e) => e.type);
    expect(events).toEqual([
      'created',
      'hold-lifted',
      'moved',
      'moved',
      'release-held',
      'netsuite-ids',
      'moved',
    ]);
  });

  it('a process with stale cached state still decides on the current state', async () => {
    await core.setNetsuiteQty('STALE', 'F1', 2);
    const orderId = await approvedOrder([
      { sku: 'STALE', quantity: 2, price: 1, shippingMethod: 'STD' },
    ]);
    const a = new OrderService({
      orders: core.orders,
      positions: core.positions,
      cache: new StateCache(),
    });
    const b = new OrderService({
      orders: core.orders,
      positions: core.positions,
      cache: new StateCache(),
    });
    const line = { orderId, lineSeq: '00001', actor };
    // b caches the line and the facility
    await b.move({
      ...line,
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: 'F1',
      idempotencyKey: key('k'),
    });
    // a moves on; b's cache is now stale on both
    await a.move({
      ...line,
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: 'F1',
      idempotencyKey: key('k'),
    });
    await a.move({
      ...line,
      from: 1200,
      to: 1500,
      quantity: 2,
      facilityId: 'F1',
      idempotencyKey: key('k'),
    });
    // b's cache says 1 unit in 1100 and none in 1500: it must re-read, not refuse
    const moved = await b.move({
      ...line,
      from: 1500,
      to: 1200,
      quantity: 1,
      idempotencyKey: key('k'),
    });
    expect(moved.buckets).toEqual({ 1200: 1, 1500: 1 });
    // b's cached figure says 1 available; NetSuite now says 0 more: the transaction's check refuses
    await a.move({ ...line, from: 1200, to: 1100, quantity: 1, idempotencyKey: key('k') });
    await core.setNetsuiteQty('STALE', 'F1', 1);
    await expect(
      b.move({
        ...line,
        from: 1100,
        to: 1200,
        quantity: 1,
        facilityId: 'F1',
        idempotencyKey: key('k'),
      }),
    ).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    // and the other way: b last saw nothing available, NetSuite raised the figure
    await core.setNetsuiteQty('STALE', 'F1', 5);
    const ok = await b.move({
      ...line,
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: 'F1',
      idempotencyKey: key('k'),
    });
    expect(ok.buckets).toEqual({ 1200: 1, 1500: 1 });
    expect(await position('STALE', 'F1')).toEqual({ reserved: 2, atp: 3, rows: 2 });
    const records = await core.orders.order(orderId);
    expect(lineInvariantViolations(records.lines[0]!)).toEqual([]);
  });
});

describe('reconcile-reservations', () => {
  it('repairs a reserved figure that drifted from the reservation rows and reports it', async () => {
    await core.setNetsuiteQty('DRIFT', 'F1', 10);
    await core.setNetsuiteQty('DRIFT', 'F2', 10);
    const o1 = await approvedOrder([
      { sku: 'DRIFT', quantity: 3, price: 1, shippingMethod: 'STD' },
    ]);
    const o2 = await approvedOrder([
      { sku: 'DRIFT', quantity: 1, price: 1, shippingMethod: 'STD' },
    ]);
    await core.service.move({
      orderId: o1,
      lineSeq: '00001',
      from: 1100,
      to: 1200,
      quantity: 3,
      facilityId: 'F1',
      idempotencyKey: key('k'),
      actor,
    });
    await core.service.move({
      orderId: o2,
      lineSeq: '00001',
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: 'F2',
      idempotencyKey: key('k'),
      actor,
    });
    expect(await reconcileReservations(core.positions, { skus: ['DRIFT'] })).toMatchObject({
      checked: 2,
      fixed: [],
      atpRefreshed: 0,
    });

    // Damage: F1's figure says 7 reserved; F2 lost its reservation row.
    const table = tableName(core.prefix, 'inventory');
    await core.client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: 'DRIFT' },
          sk: { S: 'POS#F1' },
          facilityId: { S: 'F1' },
          reserved: { N: '7' },
          safety: { N: '0' },
          atp: { N: '3' },
          nsQtySeen: { N: '10' },
          v: { N: '42' },
        },
      }),
    );
    await core.client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: { S: 'DRIFT' }, sk: { S: reservationSk('F2', o2, '00001') } },
      }),
    );
    // and NetSuite's figure changed at F1 since the last write
    await core.setNetsuiteQty('DRIFT', 'F1', 20);
    const report = await reconcileReservations(core.positions);
    expect(report.fixed).toEqual([
      { sku: 'DRIFT', facilityId: 'F1', was: 7, now: 3, rows: 1 },
      { sku: 'DRIFT', facilityId: 'F2', was: 1, now: 0, rows: 0 },
    ]);
    expect(await position('DRIFT', 'F1')).toEqual({ reserved: 3, atp: 17, rows: 3 });
    expect(await position('DRIFT', 'F2')).toEqual({ reserved: 0, atp: 10, rows: 0 });
    const quiet = await reconcileReservations(core.positions);
    expect(quiet.fixed).toEqual([]);
    expect(quiet.busy).toEqual([]);
    expect(quiet.checked).toBeGreaterThanOrEqual(2);

    await core.setNetsuiteQty('DRIFT', 'F2', 4);
    const refreshed = await reconcileReservations(core.positions, { skus: ['DRIFT'] });
    expect(refreshed).toMatchObject({ fixed: [], atpRefreshed: 1 });
    expect(await position('DRIFT', 'F2')).toEqual({ reserved: 0, atp: 4, rows: 0 });
  });
});
