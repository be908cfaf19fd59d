/**
 * The order core's multi-step commands on a real DynamoDB Local: fulfill (every move to 3700 in
 * one write, reservation moved when shipped elsewhere, shipment details recorded) and cancelLine
 * (reservations released, releases closed), with history rebuilding the buckets and replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketsFromEvents, lineInvariantViolations } from '../../shared/domain/lifecycle/index.ts';
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

async function approvedOrder(sku: string, quantity: number): Promise<string> {
  const created = await core.intake.submit(
    sampleOrder({}, [{ sku, quantity, price: 10, shippingMethod: 'STD' }]),
    { source: 'test', actor },
  );
  if (created.status !== 'created') throw new Error(created.status);
  await core.service.recordNetsuiteIds({
    orderId: created.orderId,
    netsuiteOrderId: '900',
    lineIds: { '00001': '1' },
    idempotencyKey: key('ids'),
    actor,
  });
  return created.orderId;
}

const reserved = async (sku: string, facility: string) => {
  const { positions, reservations } = await core.positions.sku(sku);
  return {
    reserved: positions.get(facility)?.reserved ?? 0,
    rows: reservations.filter((r) => r.facilityId === facility).reduce((s, r) => s + r.qty, 0),
  };
};

async function checkLine(orderId: string) {
  const records = await core.orders.order(orderId);
  const line = records.lines[0]!;
  expect(lineInvariantViolations(line)).toEqual([]);
  expect(bucketsFromEvents(records.events).get('00001')).toEqual(line.buckets);
  return { line, records };
}

describe('fulfill', () => {
  it('ships allocated quantity in one write with release, shipment and carrier details', async () => {
    await core.setNetsuiteQty('FUL-A', 'WH1', 10);
    const orderId = await approvedOrder('FUL-A', 3);
    await core.service.move({
      orderId,
      lineSeq: '00001',
      from: 1100,
      to: 1200,
      quantity: 3,
      facilityId: 'WH1',
      idempotencyKey: key('alloc'),
      actor,
    });
    expect(await reserved('FUL-A', 'WH1')).toEqual({ reserved: 3, rows: 3 });
    const shipped = {
      trackingNumbers: ['1Z1', '1Z2'],
      carrier: 'FedEx, Inc.',
      shippingMethod: 'Ground',
      shippedAt: '2024-01-04T16:23:00.000Z',
    };
    const k = key('ful');
    const out = await core.service.fulfill({
      orderId,
      lineSeq: '00001',
      facilityId: 'WH1',
      quantity: 2,
      shipped,
      idempotencyKey: k,
      actor,
    });
    expect(out.buckets).toEqual({ 1200: 1, 3700: 2 });
    expect(out.steps.map((s) => `${s.from}>${s.to}:${s.quantity}`)).toEqual([
      '1200>1500:2',
      '1500>3200:2',
      '3200>3350:2',
      '3350>3700:2',
    ]);
    // Shipped units stay counted until NetSuite's figure reflects them.
    expect(await reserved('FUL-A', 'WH1')).toEqual({ reserved: 3, rows: 3 });
    const { line, records } = await checkLine(orderId);
    expect(Object.values(line.shipments)).toMatchObject([
      { quantity: 2, status: 'shipped', ...shipped },
    ]);
    expect(records.shipments).toMatchObject([{ quantity: 2, trackingNumbers: ['1Z1', '1Z2'] }]);
    expect(records.releases).toMatchObject([{ statusQuantity: 0, releasedQty: 2 }]);

    const before = await core.snapshot();
    const again = await core.service.fulfill({
      orderId,
      lineSeq: '00001',
      facilityId: 'WH1',
      quantity: 2,
      shipped,
      idempotencyKey: k,
      actor,
    });
    expect(again.replayed).toBe(true);
    expect(await core.snapshot()).toEqual(before);
  });

  it('moves the reservation when another facility ships it, and refuses more than the line has', async () => {
    await core.setNetsuiteQty('FUL-B', 'WH1', 10);
    await core.setNetsuiteQty('FUL-B', 'WH2', 10);
    const orderId = await approvedOrder('FUL-B', 2);
    await core.service.move({
      orderId,
      lineSeq: '00001',
      from: 1100,
      to: 1200,
      quantity: 2,
      facilityId: 'WH1',
      idempotencyKey: key('alloc'),
      actor,
    });
    const out = await core.service.fulfill({
      orderId,
      lineSeq: '00001',
      facilityId: 'WH2',
      quantity: 2,
      idempotencyKey: key('ful'),
      actor,
    });
    expect(out.buckets).toEqual({ 3700: 2 });
    expect(out.notes.join(' ')).toMatch(/moved from facility WH1/);
    expect(await reserved('FUL-B', 'WH1')).toEqual({ reserved: 0, rows: 0 });
    // What WH2 shipped counts there until NetSuite's figure reflects it.
    expect(await reserved('FUL-B', 'WH2')).toEqual({ reserved: 2, rows: 2 });
    await checkLine(orderId);
    await expect(
      core.service.fulfill({
        orderId,
        lineSeq: '00001',
        facilityId: 'WH2',
        quantity: 1,
        idempotencyKey: key('ful'),
        actor,
      }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_QUANTITY' });
  });
});

describe('schedule details', () => {
  it('records ship date and carrier on 1200 → 1500 and refuses them on other moves', async () => {
    await core.setNetsuiteQty('SCH-A', 'WH1', 5);
    const orderId = await approvedOrder('SCH-A', 1);
    const base = { orderId, lineSeq: '00001', actor };
    await core.service.move({
      ...base,
      from: 1100,
      to: 1200,
      quantity: 1,
      facilityId: 'WH1',
      idempotencyKey: key('a'),
    });
    await expect(
      core.service.move({
        ...base,
        from: 1200,
        to: 1500,
        quantity: 1,
        schedule: { shipDate: '2024/01/04' },
        idempotencyKey: key('s'),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_COMMAND' });
    await core.service.move({
      ...base,
      from: 1200,
      to: 1500,
      quantity: 1,
      schedule: { shipDate: '2024-01-04', carrier: 'UPS' },
      idempotencyKey: key('s'),
    });
    const { line } = await checkLine(orderId);
    expect(line.schedules?.WH1).toMatchObject({ shipDate: '2024-01-04', carrier: 'UPS' });
  });
});

describe('cancelLine', () => {
  it('cancels least advanced quantity first, releasing reservations and closing releases', async () => {
    await core.setNetsuiteQty('CAN-A', 'WH1', 10);
    const orderId = await approvedOrder('CAN-A', 4);
    const base = { orderId, lineSeq: '00001', actor };
    await core.service.move({
      ...base,
      from: 1100,
      to: 1200,
      quantity: 3,
      facilityId: 'WH1',
      idempotencyKey: key('a'),
    });
    await core.service.move({
      ...base,
      from: 1200,
      to: 1500,
      quantity: 1,
      idempotencyKey: key('s'),
    });
    await core.service.move({
      ...base,
      from: 1500,
      to: 3200,
      quantity: 1,
      idempotencyKey: key('r'),
    });
    // 1 in 1100, 2 in 1200@WH1, 1 in 3200.
    const first = await core.service.cancelLine({ ...base, quantity: 2, idempotencyKey: key('c') });
    expect(first.buckets).toEqual({ 1200: 1, 3200: 1, 9000: 2 });
    // Allocated and released units both still count at WH1.
    expect(await reserved('CAN-A', 'WH1')).toEqual({ reserved: 2, rows: 2 });
    const k = key('c');
    const rest = await core.service.cancelLine({ ...base, idempotencyKey: k });
    expect(rest.buckets).toEqual({ 9000: 4 });
    expect(await reserved('CAN-A', 'WH1')).toEqual({ reserved: 0, rows: 0 });
    const { records } = await checkLine(orderId);
    expect(records.releases).toMatchObject([{ statusQuantity: 0, releasedQty: 1 }]);
    expect(records.events.filter((e) => e.type === 'cancelled')).toHaveLength(2);
    expect((await core.service.cancelLine({ ...base, idempotencyKey: k })).replayed).toBe(true);
    await expect(
      core.service.cancelLine({ ...base, idempotencyKey: key('c') }),
    ).rejects.toMatchObject({
      code: 'INSUFFICIENT_QUANTITY',
    });
  });
});

describe('backorderFromNode', () => {
  it('takes picking, released and scheduled quantity at a facility to 1400; re-release makes new keys', async () => {
    await core.setNetsuiteQty('BO-A', 'ST1', 10);
    await core.setNetsuiteQty('BO-A', 'ST2', 10);
    const orderId = await approvedOrder('BO-A', 3);
    const base = { orderId, lineSeq: '00001', actor };
    await core.service.move({
      ...base,
      from: 1100,
      to: 1200,
      quantity: 3,
      facilityId: 'ST1',
      idempotencyKey: key('a'),
    });
    await core.service.move({
      ...base,
      from: 1200,
      to: 1500,
      quantity: 3,
      idempotencyKey: key('s'),
    });
    await core.service.move({
      ...base,
      from: 1500,
      to: 3200,
      quantity: 2,
      idempotencyKey: key('r'),
    });
    await core.service.move({
      ...base,
      from: 3200,
      to: 3350,
      quantity: 1,
      idempotencyKey: key('p'),
    });
    // 1 picking (S1), 1 released (R1), 1 scheduled at ST1: the store finds none of them.
    const out = await core.service.backorderFromNode({
      ...base,
      facilityId: 'ST1',
      idempotencyKey: key('nf'),
      reason: 'NOT_FOUND',
    });
    expect(out.buckets).toEqual({ 1400: 3 });
    expect(out.steps.map((s) => `${s.from}>${s.to}:${s.quantity}`)).toEqual([
      '3350>1400:1',
      '3200>1400:1',
      '1500>1200:1',
      '1200>1400:1',
    ]);
    expect(await reserved('BO-A', 'ST1')).toEqual({ reserved: 0, rows: 0 });
    let { line } = await checkLine(orderId);
    expect(line.rejectedBy).toEqual(['ST1']);
    expect(line.shipments[`${orderId}-00001-S1`]).toMatchObject({
      quantity: 0,
      status: 'not-found',
    });
    expect(line.releases[`${orderId}-00001-R1`]).toMatchObject({ statusQuantity: 0 });

    await core.service.move({
      ...base,
      from: 1400,
      to: 1200,
      quantity: 3,
      facilityId: 'ST2',
      idempotencyKey: key('a'),
    });
    await core.service.move({
      ...base,
      from: 1200,
      to: 1500,
      quantity: 3,
      idempotencyKey: key('s'),
    });
    const rel = await core.service.move({
      ...base,
      from: 1500,
      to: 3200,
      quantity: 3,
      idempotencyKey: key('r'),
    });
    const pick = await core.service.move({
      ...base,
      from: 3200,
      to: 3350,
      quantity: 3,
      idempotencyKey: key('p'),
    });
    expect([rel.releaseKey, pick.shipmentKey]).toEqual([
      `${orderId}-00001-R2`,
      `${orderId}-00001-S2`,
    ]);
    ({ line } = await checkLine(orderId));
    expect(line.releases[`${orderId}-00001-R1`]?.statusQuantity).toBe(0);
    expect(line.shipments[`${orderId}-00001-S1`]?.quantity).toBe(0);
  });
});
