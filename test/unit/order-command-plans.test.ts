/**
 * The order command planners (shared/domain/orders) are pure: from the state read to the result,
 * the event and the writes the runner commits. These tests read the plans, not DynamoDB.
 */
import { describe, expect, it } from 'vitest';
import {
  CommandError,
  planMove,
  resolveMove,
  type CommandEnvelope,
  type LineState,
  type MoveRequest,
} from '../../shared/domain/lifecycle/index.ts';
import {
  applyLineMoves,
  checkMove,
  planMoveCommand,
  planMoveLines,
  refusesOrHolds,
} from '../../shared/domain/orders/move-plan.ts';
import {
  applySteps,
  backorderSteps,
  cancelSteps,
  planSteps,
} from '../../shared/domain/orders/steps-plan.ts';
import {
  addHold,
  liftHold,
  planOrderChange,
  planPack,
  planReflect,
} from '../../shared/domain/orders/order-plans.ts';
import { recorded } from '../../shared/domain/orders/order-writes.ts';
import type { FacilityFigures } from '../../shared/domain/reservations/facility-figures.ts';
import { reflect } from '../../shared/domain/lifecycle/promises.ts';
import type { OrderHeader } from '../../shared/domain/orders/order.ts';
import { newLineState } from '../support/line-state.ts';

const NOW = '2025-07-02T10:00:00.000Z';
const env: CommandEnvelope = { idempotencyKey: 'k-1', actor: 'test', reason: 'because' };
const plan = { env, now: NOW, request: '{"type":"test"}' };

const line = (seq = '00001', quantity = 3, sku = 'SKU-1'): LineState =>
  newLineState(quantity, { lineSeq: seq, sku, updatedAt: NOW });

/** The line after `reqs`, one committed version each. */
function moved(l: LineState, ...reqs: MoveRequest[]): LineState {
  for (const req of reqs) {
    const out = planMove(l, req, { now: NOW, actor: 'setup' });
    if (out.kind !== 'moved') throw new Error('held');
    l = out.line;
  }
  return l;
}

const figures = (nsQty: number | undefined, reserved = 0, safety = 0): FacilityFigures => ({
  sku: 'SKU-1',
  facilityId: 'WH1',
  nsQty,
  position: { reserved, safety, v: 4 },
});

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandError) return err.code;
    throw err;
  }
  throw new Error('no error');
};

describe('one move (planMoveCommand)', () => {
  it('reserves at the facility: the line under the version read, the position, the reservation row, the linked writes', () => {
    const read = line();
    const req: MoveRequest = { from: 1100, to: 1200, quantity: 2, facilityId: 'WH1' };
    const p = planMoveCommand({
      ...plan,
      orderId: 'O1',
      lineSeq: '00001',
      line: read,
      move: resolveMove(read, req),
      facility: figures(10, 3),
      release: false,
      linked: ['outbox entry'],
    });
    expect(p.result).toMatchObject({
      outcome: 'moved',
      from: 1100,
      to: 1200,
      quantity: 2,
      buckets: { 1100: 1, 1200: 2 },
      lineVersion: 2,
      replayed: false,
    });
    expect(p.reserved).toBe(2);
    expect(p.writes.lines).toEqual([{ line: p.line, expectedVersion: 1 }]);
    expect(p.writes.inventory).toEqual([
      { kind: 'reserve', facility: figures(10, 3), delta: 2 },
      {
        kind: 'reservation',
        sku: 'SKU-1',
        facilityId: 'WH1',
        orderId: 'O1',
        lineSeq: '00001',
        qty: 2,
      },
    ]);
    expect(p.writes.linked).toEqual(['outbox entry']);
    expect(p.writes.event).toMatchObject({
      type: 'moved',
      orderId: 'O1',
      lineSeq: '00001',
      quantity: 2,
      idempotencyKey: 'k-1',
      actor: 'test',
      reason: 'because',
      at: NOW,
      lineVersion: 2,
      request: plan.request,
      result: p.result,
    });
  });

  it('a release held by a gate writes only the line and its release-held event (no inventory, no linked writes)', () => {
    const read = moved(
      line(),
      { from: 1100, to: 1200, quantity: 3, facilityId: 'WH1' },
      { from: 1200, to: 1500, quantity: 3, facilityId: 'WH1' },
    );
    const move = resolveMove(read, { from: 1500, to: 3200, quantity: 3, facilityId: 'WH1' });
    const gates = [{ code: 'PAYMENT', passed: false, reason: 'not paid' }];
    const p = planMoveCommand({
      ...plan,
      orderId: 'O1',
      lineSeq: '00001',
      line: read,
      move,
      facility: figures(10, 3),
      release: true,
      gates,
      linked: ['outbox entry'],
    });
    expect(p.result.outcome).toBe('held');
    expect(p.result.failures).toEqual([{ code: 'PAYMENT', reason: 'not paid' }]);
    expect(p.writes.event.type).toBe('release-held');
    expect(p.writes.inventory).toEqual([]);
    expect(p.writes.linked).toEqual([]);
  });

  it('a release that passes checks that NetSuite’s figure is still the one the gates saw', () => {
    const read = moved(
      line(),
      { from: 1100, to: 1200, quantity: 3, facilityId: 'WH1' },
      { from: 1200, to: 1500, quantity: 3, facilityId: 'WH1' },
    );
    const move = resolveMove(read, { from: 1500, to: 3200, quantity: 3, facilityId: 'WH1' });
    const p = planMoveCommand({
      ...plan,
      orderId: 'O1',
      lineSeq: '00001',
      line: read,
      move,
      facility: figures(10, 3),
      release: true,
      gates: [{ code: 'PAYMENT', passed: true }],
    });
    expect(p.result.outcome).toBe('moved');
    expect(p.writes.inventory).toContainEqual({
      kind: 'netsuite-unchanged',
      facility: figures(10, 3),
    });
    expect(p.writes.releases).toHaveLength(1);
  });

  it('checkMove: blocked when the figures do not cover the reservation (safety stock counts)', () => {
    const read = line();
    const move = resolveMove(read, { from: 1100, to: 1200, quantity: 2, facilityId: 'WH1' });
    const at = (f: FacilityFigures) =>
      checkMove({ gates: [], line: read, move, release: false, facility: f });
    expect(at(figures(5, 3)).blocked).toBe(false);
    expect(at(figures(5, 3, 1)).blocked).toBe(true);
    expect(at(figures(undefined)).blocked).toBe(true);
    expect(refusesOrHolds(at(figures(undefined)))).toBe(true);
  });
});

describe('moves of several lines (applyLineMoves, planMoveLines)', () => {
  it('sums the reservation per SKU × facility, writes a row per line and one version per line', () => {
    const read = new Map([
      ['00001', line('00001', 2)],
      ['00002', line('00002', 3)],
    ]);
    const applied = applyLineMoves(
      read,
      [
        { lineSeq: '00001', from: 1100, to: 1200, quantity: 2, facilityId: 'WH1' },
        { lineSeq: '00002', from: 1100, to: 1200, quantity: 1, facilityId: 'WH1' },
        { lineSeq: '00002', from: 1100, to: 1200, quantity: 2, facilityId: 'WH1' },
      ],
      { now: NOW, actor: 'test' },
    );
    expect(applied.touched).toEqual([{ sku: 'SKU-1', facilityId: 'WH1', delta: 5 }]);
    const p = planMoveLines({
      ...plan,
      orderId: 'O1',
      read,
      applied,
      figures: [figures(10)],
      seqs: ['00001', '00002'],
      linked: ['a', 'b'],
    });
    expect(p.writes.lines.map((w) => [w.line.lineSeq, w.expectedVersion, w.line.version])).toEqual([
      ['00001', 1, 2],
      ['00002', 1, 2],
    ]);
    expect(p.writes.inventory).toEqual([
      { kind: 'reserve', facility: figures(10), delta: 5 },
      expect.objectContaining({ kind: 'reservation', lineSeq: '00001', qty: 2 }),
      expect.objectContaining({ kind: 'reservation', lineSeq: '00002', qty: 3 }),
    ]);
    expect(p.writes.event).toMatchObject({ type: 'moved-lines', steps: p.result.steps });
    expect(p.result.steps).toHaveLength(3);
    expect(p.writes.linked).toEqual(['a', 'b']);
  });

  it('refuses a move the line cannot make (nothing is planned)', () => {
    const read = new Map([['00001', line('00001', 2)]]);
    expect(
      codeOf(() =>
        applyLineMoves(
          read,
          [{ lineSeq: '00001', from: 1100, to: 1200, quantity: 5, facilityId: 'WH1' }],
          { now: NOW, actor: 'test' },
        ),
      ),
    ).toBe('INSUFFICIENT_QUANTITY');
  });
});

describe('multi-step commands (cancel, backorder)', () => {
  it('a cancellation releases the reservation: one position change, the row to 0, one version step', () => {
    const read = moved(line('00001', 3), { from: 1100, to: 1200, quantity: 2, facilityId: 'WH1' });
    const applied = applySteps(read, cancelSteps(read, undefined), { now: NOW, actor: 'test' });
    expect(applied.touched).toEqual([['WH1', -2]]);
    const p = planSteps({
      ...plan,
      type: 'cancelled',
      read,
      applied,
      figures: [figures(10, 2)],
    });
    expect(p.result.buckets).toEqual({ 9000: 3 });
    expect(p.result.lineVersion).toBe(read.version + 1);
    expect(p.writes.event).toMatchObject({ type: 'cancelled', quantity: 3 });
    expect(p.writes.inventory).toEqual([
      { kind: 'reserve', facility: figures(10, 2), delta: -2 },
      expect.objectContaining({ kind: 'reservation', facilityId: 'WH1', qty: 0 }),
    ]);
  });

  it('asks for more than the line has: INSUFFICIENT_QUANTITY', () => {
    expect(codeOf(() => cancelSteps(line('00001', 2), 3))).toBe('INSUFFICIENT_QUANTITY');
    expect(
      codeOf(() => backorderSteps(line('00001', 2), { facilityId: 'WH1', order: [1200] })),
    ).toBe('INSUFFICIENT_QUANTITY');
  });

  it('a step that reserves on figures that do not cover it: OUT_OF_STOCK', () => {
    const read = line('00001', 3);
    const applied = applySteps(
      read,
      { steps: [resolveMove(read, { from: 1100, to: 1200, quantity: 3, facilityId: 'WH1' })] },
      { now: NOW, actor: 'test' },
    );
    expect(
      codeOf(() => planSteps({ ...plan, type: 'fulfilled', read, applied, figures: [figures(2)] })),
    ).toBe('OUT_OF_STOCK');
  });
});

describe('order-wide and no-quantity commands', () => {
  const header = { orderId: 'O1', lineCount: 2 } as OrderHeader;
  const lines = [line('00001'), line('00002')];

  it('an order-level hold changes every line one version on, under the versions read', () => {
    const change = addHold({ orderId: 'O1', code: 'FRAUD', holdReason: 'checking' })(
      header,
      lines,
      env,
      NOW,
    );
    const p = planOrderChange({ ...plan, orderId: 'O1', read: lines, change });
    expect(p.writes.lines.map((w) => [w.expectedVersion, w.line.version])).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(p.result.lines.map((l) => l.holds)).toEqual([['FRAUD'], ['FRAUD']]);
    expect(p.writes.event).toMatchObject({ type: 'hold-added', holds: ['FRAUD'] });
  });

  it('lifting a hold no line has: UNKNOWN_HOLD', () => {
    expect(codeOf(() => liftHold({ orderId: 'O1', code: 'FRAUD' })(header, lines, env, NOW))).toBe(
      'UNKNOWN_HOLD',
    );
  });

  it('packing an unknown shipment: UNKNOWN_SHIPMENT', () => {
    expect(codeOf(() => planPack({ ...plan, line: line(), shipmentKey: 'nope' }))).toBe(
      'UNKNOWN_SHIPMENT',
    );
  });

  it('a reflection lowers the position and the reservation row by the units dropped', () => {
    const read = moved(line('00001', 3), { from: 1100, to: 1200, quantity: 3, facilityId: 'WH1' });
    const reflection = reflect(read, 'WH1', 2);
    const p = planReflect({ ...plan, read, reflection, facility: figures(10, 3) });
    expect(p.result).toMatchObject({ drop: 2, counted: 1, replayed: false });
    expect(p.writes.inventory).toEqual([
      { kind: 'reserve', facility: figures(10, 3), delta: -2 },
      expect.objectContaining({ kind: 'reservation', qty: 1 }),
    ]);
    expect(p.writes.event).toMatchObject({ type: 'reflected', quantity: 2 });
  });

  it('recorded: the event names the envelope, the time, the request and the result', () => {
    expect(recorded(plan, { ok: 1 })).toEqual({
      reason: 'because',
      actor: 'test',
      idempotencyKey: 'k-1',
      at: NOW,
      request: plan.request,
      result: { ok: 1 },
    });
  });
});
