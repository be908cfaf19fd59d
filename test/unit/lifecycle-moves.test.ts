import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_MOVES,
  CommandError,
  DEFAULT_GATES,
  STATUS_CODES,
  applyMove,
  customGate,
  displayStatus,
  evaluateGates,
  isAllowedMove,
  lineInvariantViolations,
  planMove,
  resolveMove,
  withHold,
  type GateContext,
  type LineState,
  type MoveRequest,
  type StatusCode,
} from '../../shared/domain/lifecycle/index.ts';
import { newOrder, type OrderInput } from '../../shared/domain/orders/order.ts';
import { applyNetsuiteIds } from '../../shared/domain/orders/netsuite-ids.ts';
import { newLineState } from '../support/line-state.ts';

const NOW = '2025-07-02T10:00:00.000Z';
const ctx = { now: NOW, actor: 'test' };
const passing = DEFAULT_GATES.map((g) => ({ code: g.code, passed: true }));

/** A line of `quantity` units in 1100, without holds. */
const freshLine = (quantity = 3): LineState => newLineState(quantity, { updatedAt: NOW });

function step(line: LineState, req: MoveRequest): LineState {
  const out = planMove(line, req, { ...ctx, gates: req.to === 3200 ? passing : undefined });
  if (out.kind !== 'moved') throw new Error(`held: ${JSON.stringify(out.failures)}`);
  expect(lineInvariantViolations(out.line)).toEqual([]);
  return out.line;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('status codes and the allowed-moves table', () => {
  it('is exactly the table of docs/order-lifecycle.md', () => {
    // The document's "Allowed moves" block, read from the page itself.
    const page = readFileSync(new URL('../../docs/order-lifecycle.md', import.meta.url), 'utf8');
    const doc = /## Allowed moves[\s\S]*?```\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    expect(doc.split('\n').filter((l) => l.includes('→')).length).toBe(9);
    const table: Record<number, number[]> = {};
    for (const row of doc.trim().split('\n')) {
      const [from, to] = row.split('→');
      table[Number(from)] = to!.split('|').map((s) => Number(s.trim()));
    }
    for (const from of STATUS_CODES) {
      expect([...ALLOWED_MOVES[from]].sort(), `from ${from}`).toEqual((table[from] ?? []).sort());
    }
    expect(STATUS_CODES).toEqual([
      1100, 1200, 1250, 1300, 1400, 1500, 3200, 3350, 3700, 3800, 9000, 9100,
    ]);
  });

  it('refuses every move outside the table, naming where quantity can go', () => {
    let refused = 0;
    for (const from of STATUS_CODES) {
      for (const to of STATUS_CODES) {
        if (isAllowedMove(from, to)) continue;
        const line = { ...freshLine(1), buckets: { [from]: 1 } };
        expect(codeOf(() => resolveMove(line, { from, to, quantity: 1 }))).toBe('ILLEGAL_MOVE');
        refused++;
      }
    }
    expect(refused).toBe(144 - 34); // 34 allowed moves
    expect(() => resolveMove(freshLine(), { from: 1100, to: 3700, quantity: 1 })).toThrow(
      /move 1100 → 3700 is not allowed; from 1100 \(Created\) quantity can move to 1200, 1250, 1300, 9000, 9100/,
    );
  });

  it('shows the lowest open bucket, or partially shipped', () => {
    expect(displayStatus({ 1100: 1, 1200: 2 })).toBe('Created');
    expect(displayStatus({ 3700: 1, 3200: 1 })).toBe('Partially shipped');
    expect(displayStatus({ 3700: 2 })).toBe('Shipped');
    expect(displayStatus({ 9000: 2 })).toBe('Cancelled');
    expect(displayStatus({ 9000: 1, 3700: 1 })).toBe('Shipped');
  });
});

describe('moving quantity', () => {
  it('checks quantity: whole, above 0, at most the source bucket', () => {
    const line = freshLine(2);
    for (const quantity of [0, -1, 1.5, Number.NaN, '1' as unknown as number]) {
      expect(codeOf(() => resolveMove(line, { from: 1100, to: 9000, quantity }))).toBe(
        'INVALID_COMMAND',
      );
    }
    expect(() => resolveMove(line, { from: 1100, to: 9000, quantity: 3 })).toThrow(
      /has 2 in 1100 \(Created\), fewer than 3/,
    );
    expect(codeOf(() => resolveMove(line, { from: 1300, to: 9000, quantity: 1 }))).toBe(
      'INSUFFICIENT_QUANTITY',
    );
    expect(
      codeOf(() => resolveMove(line, { from: 1101 as StatusCode, to: 9000, quantity: 1 })),
    ).toBe('INVALID_COMMAND');
  });

  it('reserves on the way into 1200/1500 and releases on the way out, per facility', () => {
    let line = freshLine(3);
    expect(codeOf(() => resolveMove(line, { from: 1100, to: 1200, quantity: 1 }))).toBe(
      'INVALID_COMMAND',
    );
    const alloc = resolveMove(line, { from: 1100, to: 1200, quantity: 2, facilityId: 'F1' });
    expect(alloc.reservationDelta).toBe(2);
    line = step(line, { from: 1100, to: 1200, quantity: 2, facilityId: 'F1' });
    line = step(line, { from: 1100, to: 1200, quantity: 1, facilityId: 'F2' });
    expect(line.alloc).toEqual({ F1: { 1200: 2 }, F2: { 1200: 1 } });
    // two facilities hold 1200: the move must say which
    expect(() => resolveMove(line, { from: 1200, to: 1500, quantity: 1 })).toThrow(
      /say which facility/,
    );
    const schedule = resolveMove(line, { from: 1200, to: 1500, quantity: 2, facilityId: 'F1' });
    expect(schedule.reservationDelta).toBe(0);
    line = step(line, { from: 1200, to: 1500, quantity: 2, facilityId: 'F1' });
    expect(line.alloc).toEqual({ F1: { 1500: 2 }, F2: { 1200: 1 } });
    expect(
      codeOf(() => resolveMove(line, { from: 1200, to: 1100, quantity: 2, facilityId: 'F2' })),
    ).toBe('INSUFFICIENT_QUANTITY');
    const back = resolveMove(line, { from: 1200, to: 1100, quantity: 1 });
    expect(back).toMatchObject({ facilityId: 'F2', reservationDelta: -1 });
    line = step(line, { from: 1200, to: 1100, quantity: 1 });
    expect(line.alloc).toEqual({ F1: { 1500: 2 } });
    expect(line.buckets).toEqual({ 1100: 1, 1500: 2 });
  });

  it('creates a release key per release and a shipment key at picking with quantity 0', () => {
    let line = freshLine(2);
    line = step(line, { from: 1100, to: 1200, quantity: 2, facilityId: 'F1' });
    line = step(line, { from: 1200, to: 1500, quantity: 2 });
    const released = planMove(
      line,
      { from: 1500, to: 3200, quantity: 1 },
      { ...ctx, gates: passing },
    );
    expect(released.kind).toBe('moved');
    if (released.kind !== 'moved') return;
    // A released unit stays promised at F1 (it counts until NetSuite's figure reflects it).
    expect(released.move.reservationDelta).toBe(0);
    expect(released.release).toMatchObject({
      key: 'O1-00001-R1',
      facilityId: 'F1',
      releasedQty: 1,
      statusQuantity: 1,
    });
    line = released.line;
    line = step(line, { from: 1500, to: 3200, quantity: 1 });
    expect(Object.keys(line.releases)).toEqual(['O1-00001-R1', 'O1-00001-R2']);
    expect(() => resolveMove(line, { from: 3200, to: 3350, quantity: 1 })).toThrow(
      /2 open releases .*say which/,
    );
    const picked = planMove(
      line,
      { from: 3200, to: 3350, quantity: 1, releaseKey: 'O1-00001-R2' },
      ctx,
    );
    if (picked.kind !== 'moved') throw new Error('held');
    expect(picked.shipment).toMatchObject({
      key: 'O1-00001-S1',
      releaseKey: 'O1-00001-R2',
      planned: 1,
      quantity: 0,
      status: 'picking',
    });
    line = picked.line;
    line = step(line, { from: 3350, to: 3700, quantity: 1 });
    expect(line.shipments['O1-00001-S1']).toMatchObject({ quantity: 1, status: 'shipped' });
    expect(line.releases['O1-00001-R2']).toMatchObject({ statusQuantity: 0, inShipment: 0 });
    expect(line.releases['O1-00001-R1']).toMatchObject({ statusQuantity: 1 });
    line = step(line, { from: 3700, to: 3800, quantity: 1 });
    expect(line.buckets).toEqual({ 3200: 1, 3800: 1 });
  });

  it('a failed pick leaves shipment quantity 0, closes the release, and re-release gets new keys', () => {
    let line = freshLine(1);
    line = step(line, { from: 1100, to: 1200, quantity: 1, facilityId: 'F1' });
    line = step(line, { from: 1200, to: 1500, quantity: 1 });
    line = step(line, { from: 1500, to: 3200, quantity: 1 });
    line = step(line, { from: 3200, to: 3350, quantity: 1 });
    line = step(line, { from: 3350, to: 1400, quantity: 1 });
    expect(line.shipments['O1-00001-S1']).toMatchObject({
      quantity: 0,
      short: 1,
      status: 'not-found',
    });
    expect(line.releases['O1-00001-R1']).toMatchObject({ statusQuantity: 0, closedAt: NOW });
    expect(line.rejectedBy).toEqual(['F1']);
    line = step(line, { from: 1400, to: 1200, quantity: 1, facilityId: 'F2' });
    line = step(line, { from: 1200, to: 1500, quantity: 1 });
    line = step(line, { from: 1500, to: 3200, quantity: 1 });
    line = step(line, { from: 3200, to: 3350, quantity: 1 });
    expect(Object.keys(line.releases)).toEqual(['O1-00001-R1', 'O1-00001-R2']);
    expect(Object.keys(line.shipments)).toEqual(['O1-00001-S1', 'O1-00001-S2']);
    const open = Object.values(line.releases).filter((r) => r.statusQuantity > 0);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ key: 'O1-00001-R2', facilityId: 'F2', statusQuantity: 1 });
  });

  it('backorders, cancels and rejects from where the table allows', () => {
    let line = freshLine(5);
    line = step(line, { from: 1100, to: 1300, quantity: 1 });
    line = step(line, { from: 1100, to: 9000, quantity: 1 });
    line = step(line, { from: 1100, to: 9100, quantity: 1 });
    line = step(line, { from: 1100, to: 1200, quantity: 2, facilityId: 'F1' });
    line = step(line, { from: 1200, to: 1300, quantity: 1 });
    line = step(line, { from: 1200, to: 9100, quantity: 1 });
    expect(line.buckets).toEqual({ 1300: 2, 9000: 1, 9100: 2 });
    expect(line.alloc).toEqual({});
    expect(codeOf(() => resolveMove(line, { from: 9000, to: 1100, quantity: 1 }))).toBe(
      'ILLEGAL_MOVE',
    );
  });
});

describe('holds and release gates', () => {
  it('holds block forward moves and say why; retreats, cancels and outside facts pass', () => {
    let line = withHold(
      freshLine(3),
      { code: 'MANUAL', kind: 'line', reason: 'call the customer' },
      NOW,
      'ops',
    );
    expect(() =>
      resolveMove(line, { from: 1100, to: 1200, quantity: 1, facilityId: 'F1' }),
    ).toThrow(/on hold: MANUAL \(call the customer\)/);
    expect(codeOf(() => resolveMove(line, { from: 1100, to: 9000, quantity: 1 }))).toBe('no error');
    expect(codeOf(() => resolveMove(line, { from: 1100, to: 1300, quantity: 1 }))).toBe('no error');
    line = { ...freshLine(3), buckets: { 1500: 1, 3350: 1, 3200: 1 } };
    line = withHold(line, { code: 'MANUAL', kind: 'order', reason: 'x' }, NOW, 'ops');
    expect(codeOf(() => resolveMove(line, { from: 1500, to: 3200, quantity: 1 }))).toBe('ON_HOLD');
    expect(codeOf(() => resolveMove(line, { from: 3200, to: 3350, quantity: 1 }))).toBe('ON_HOLD');
  });

  it('a failing gate holds the line with the reason instead of releasing; passing lifts it', () => {
    let line = freshLine(1);
    line = step(line, { from: 1100, to: 1200, quantity: 1, facilityId: 'F1' });
    line = step(line, { from: 1200, to: 1500, quantity: 1 });
    const gates = [
      { code: 'PAYMENT_NOT_VERIFIED', passed: false, reason: 'payments 0.00 do not cover 10.00' },
      { code: 'FRAUD_CHECK_FAILED', passed: true },
    ];
    const held = planMove(line, { from: 1500, to: 3200, quantity: 1 }, { ...ctx, gates });
    expect(held.kind).toBe('held');
    expect(held.line.buckets).toEqual({ 1500: 1 });
    expect(held.line.holds.PAYMENT_NOT_VERIFIED).toMatchObject({
      kind: 'gate',
      reason: 'payments 0.00 do not cover 10.00',
    });
    expect(held.line.version).toBe(line.version + 1);
    const released = planMove(
      held.line,
      { from: 1500, to: 3200, quantity: 1 },
      { ...ctx, gates: passing },
    );
    expect(released.kind).toBe('moved');
    expect(released.gateHoldsLifted).toEqual(['PAYMENT_NOT_VERIFIED']);
    expect(released.line.holds).toEqual({});
  });

  it('evaluates the default gates and a custom rule, each saying why it fails', () => {
    const address = { name: 'A', address1: '1 St', city: 'C', country: 'US', zip: '1' };
    const input: OrderInput = {
      externalId: 'e1',
      name: '#1',
      date: '2025-07-02T10:00:00Z',
      salesChannel: 'web',
      riskLevel: 'high',
      customer: {
        shopCustomerId: 'c',
        email: 'a@b.co',
        shippingAddress: address,
        billingAddress: address,
      },
      payments: [{ method: 'card', amount: 5, reference: 'p' }],
      lines: [{ sku: 'S', quantity: 1, price: 10, shippingMethod: 'STD' }],
    };
    const { header, lines } = newOrder(input, 'O9', { now: NOW, source: 'test', actor: 't' });
    const base: GateContext = {
      order: header,
      line: lines[0]!,
      facilityId: 'F1',
      quantity: 1,
      inventory: { nsQty: 0, reserved: 1, safety: 0 },
    };
    const noWeekend = customGate('NO_SHIP_DAY', 'not on Sundays', () => 'facility closed today');
    const results = evaluateGates([...DEFAULT_GATES, noWeekend], base);
    expect(Object.fromEntries(results.map((r) => [r.code, r.reason]))).toEqual({
      INVENTORY_UNAVAILABLE:
        'NetSuite reports 0 at facility F1, fewer than the 1 the OMS counts promised there',
      PAYMENT_NOT_VERIFIED: 'payments 5.00 do not cover the order total 10.00',
      FRAUD_CHECK_FAILED: 'the storefront rated the order high risk',
      ORDER_INCOMPLETE: 'missing NetSuite order id, NetSuite line id',
      NO_SHIP_DAY: 'facility closed today',
    });
    const ok = applyNetsuiteIds(
      header,
      lines,
      { netsuiteOrderId: '5', lineIds: { '00001': '6' } },
      NOW,
    );
    const good: GateContext = {
      ...base,
      order: {
        ...ok.header,
        riskLevel: 'low',
        payments: [{ method: 'card', amount: 10, reference: 'p' }],
      },
      line: ok.lines[0]!,
      inventory: { nsQty: 4, reserved: 1, safety: 0 },
    };
    expect(evaluateGates(DEFAULT_GATES, good).every((r) => r.passed)).toBe(true);
  });

  it('lifts AWAITING_NETSUITE_IDS only once the order id and every line id are known', () => {
    const address = { name: 'A', address1: '1 St', city: 'C', country: 'US', zip: '1' };
    const { header, lines } = newOrder(
      {
        externalId: 'e2',
        name: '#2',
        date: '2025-07-02T10:00:00Z',
        salesChannel: 'web',
        customer: {
          shopCustomerId: 'c',
          email: 'a@b.co',
          shippingAddress: address,
          billingAddress: address,
        },
        payments: [],
        lines: [
          { sku: 'A', quantity: 1, price: 1, shippingMethod: 'STD' },
          { sku: 'B', quantity: 2, price: 1, shippingMethod: 'STD' },
        ],
      },
      'O2',
      { now: NOW, source: 'test', actor: 't' },
    );
    expect(lines.map((l) => [l.lineSeq, l.buckets, Object.keys(l.holds)])).toEqual([
      ['00001', { 1100: 1 }, ['AWAITING_NETSUITE_IDS']],
      ['00002', { 1100: 2 }, ['AWAITING_NETSUITE_IDS']],
    ]);
    const partial = applyNetsuiteIds(
      header,
      lines,
      { netsuiteOrderId: '10', lineIds: { '00001': '1' } },
      NOW,
    );
    expect(partial.approved).toBe(false);
    expect(partial.lines.map((l) => Object.keys(l.holds))).toEqual([['AWAITING_NETSUITE_IDS']]);
    const merged = lines.map((l) => partial.lines.find((p) => p.lineSeq === l.lineSeq) ?? l);
    const rest = applyNetsuiteIds(partial.header, merged, { lineIds: { '00002': '2' } }, NOW);
    expect(rest.approved).toBe(true);
    expect(rest.lines.map((l) => [l.lineSeq, Object.keys(l.holds), l.version])).toEqual([
      ['00001', [], 3],
      ['00002', [], 2],
    ]);
    expect(codeOf(() => applyNetsuiteIds(header, lines, { lineIds: { '00009': '1' } }, NOW))).toBe(
      'UNKNOWN_LINE',
    );
  });
});

describe('applyMove', () => {
  it('needs gate results for a release', () => {
    const line = { ...freshLine(1), buckets: { 1500: 1 }, alloc: { F1: { 1500: 1 } } };
    const move = resolveMove(line, { from: 1500, to: 3200, quantity: 1 });
    expect(() => applyMove(line, move, ctx)).toThrow(/gate results/);
  });
});
