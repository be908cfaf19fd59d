/**
 * Plans of the quantity moves `move` (one line) and `moveLines` (several lines of one order in one
 * write): from the line(s) and facility figures read to the result, the event and the writes.
 * Pure: the service reads, the runner commits.
 */
import { applyMove, resolveMove } from '../lifecycle/moves.ts';
import type { MoveRequest, ResolvedMove } from '../lifecycle/moves.ts';
import { evaluateGates, type GateResult, type ReleaseGate } from '../lifecycle/gates.ts';
import type { CommandEnvelope } from '../lifecycle/commands.ts';
import type { EventStep } from '../lifecycle/events.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from './order.ts';
import { countedAt } from '../lifecycle/promises.ts';
import { cannotReserve, type FacilityFigures } from '../reservations/facility-figures.ts';
import type { MoveLinesResult, MoveResult } from './command-results.ts';
import { recorded, type CommandPlan, type InventoryWrite } from './order-writes.ts';

export const holdsOf = (line: LineState): string[] => Object.keys(line.holds).sort();

/** What decides a single move at a facility: whether the figures cover it, and the gates. */
export interface MoveCheck {
  /** The figures read do not cover the reservation the move makes. */
  readonly blocked: boolean;
  /** Release gates (a release → 3200 only). */
  readonly gates?: GateResult[];
}

export function checkMove(input: {
  readonly gates: readonly ReleaseGate[];
  readonly header?: OrderHeader;
  readonly line: LineState;
  readonly move: ResolvedMove;
  readonly release: boolean;
  readonly facility?: FacilityFigures;
}): MoveCheck {
  const { move, facility: f } = input;
  const gates = input.release
    ? evaluateGates(input.gates, {
        order: input.header!,
        line: input.line,
        facilityId: move.facilityId!,
        quantity: move.quantity,
        inventory: {
          nsQty: f?.nsQty,
          reserved: f?.position.reserved ?? 0,
          safety: f?.position.safety ?? 0,
        },
      })
    : undefined;
  return { blocked: f !== undefined && cannotReserve(f, move.reservationDelta), gates };
}

/** True when a check would refuse or hold (figures read from a cache are read again first). */
export const refusesOrHolds = (c: MoveCheck): boolean =>
  c.blocked || (c.gates?.some((g) => !g.passed) ?? false);

export interface MovePlanInput<L> {
  readonly orderId: string;
  readonly lineSeq: string;
  /** The line as read. */
  readonly line: LineState;
  readonly move: ResolvedMove;
  /** The figures read: when the move changes a reservation or releases. */
  readonly facility?: FacilityFigures;
  readonly release: boolean;
  readonly gates?: readonly GateResult[];
  readonly env: CommandEnvelope;
  readonly now: string;
  readonly request: string;
  readonly linked?: readonly L[];
}

/**
 * One move of one line: moved (with the reservation change, NetSuite's figure checked on a
 * release, the release/shipment rows and the linked writes) or held by a gate (event only).
 */
export function planMoveCommand<L>(i: MovePlanInput<L>): CommandPlan<MoveResult, L> & {
  /** The line after the move. */
  readonly line: LineState;
  /** Reservation change at `facility` once committed (0: none). */
  readonly reserved: number;
} {
  const { orderId, lineSeq, line, move, facility, env, now } = i;
  const outcome = applyMove(line, move, { now, actor: env.actor, gates: i.gates });
  const done = outcome.move;
  const moved = outcome.kind === 'moved';
  const failures = outcome.kind === 'held' ? outcome.failures : undefined;
  const what = {
    orderId,
    lineSeq,
    from: done.from,
    to: done.to,
    quantity: done.quantity,
    facilityId: done.facilityId,
  };
  const result: MoveResult = {
    outcome: outcome.kind,
    ...what,
    releaseKey: moved ? done.releaseKey : undefined,
    shipmentKey: moved ? done.shipmentKey : undefined,
    buckets: outcome.line.buckets,
    holds: holdsOf(outcome.line),
    failures: failures?.map((f) => ({ code: f.code, reason: f.reason })),
    lineVersion: outcome.line.version,
    replayed: false,
  };
  const inventory: InventoryWrite[] = [];
  let reserved = 0;
  if (moved && facility) {
    if (move.reservationDelta !== 0) {
      reserved = move.reservationDelta;
      inventory.push({ kind: 'reserve', facility, delta: reserved });
      inventory.push({
        kind: 'reservation',
        sku: line.sku,
        facilityId: facility.facilityId,
        orderId,
        lineSeq,
        qty: countedAt(outcome.line, facility.facilityId),
      });
    }
    // The gates passed on this NetSuite figure: it must still be the current one (a reservation
    // checks it already).
    if (i.release && !(reserved > 0)) inventory.push({ kind: 'netsuite-unchanged', facility });
  }
  return {
    result,
    line: outcome.line,
    reserved,
    writes: {
      lines: [{ line: outcome.line, expectedVersion: line.version }],
      event: {
        type: moved ? 'moved' : 'release-held',
        ...what,
        releaseKey: result.releaseKey,
        shipmentKey: result.shipmentKey,
        holds: failures?.map((f) => f.code),
        lineVersion: outcome.line.version,
        ...recorded(i, result),
      },
      releases: moved && outcome.release ? [{ ...outcome.release, lineSeq }] : [],
      shipments: moved && outcome.shipment ? [{ ...outcome.shipment, lineSeq }] : [],
      inventory,
      linked: moved ? (i.linked ?? []) : [],
    },
  };
}

export interface LineMovesApplied {
  /** Every line after the moves. */
  readonly lines: Map<string, LineState>;
  readonly outcomes: ReadonlyArray<{ readonly lineSeq: string; readonly move: ResolvedMove }>;
  /** The net reservation change per SKU × facility (non-zero only). */
  readonly touched: ReadonlyArray<{ sku: string; facilityId: string; delta: number }>;
}

/** Applies moves of several lines in order, each on its line as the previous moves left it. */
export function applyLineMoves(
  read: ReadonlyMap<string, LineState>,
  moves: readonly (MoveRequest & { lineSeq: string })[],
  ctx: { now: string; actor: string },
): LineMovesApplied {
  const lines = new Map(read);
  const outcomes: Array<{ lineSeq: string; move: ResolvedMove }> = [];
  for (const m of moves) {
    const line = lines.get(m.lineSeq)!;
    const out = applyMove(line, resolveMove(line, m), ctx);
    lines.set(m.lineSeq, out.line);
    outcomes.push({ lineSeq: m.lineSeq, move: out.move });
  }
  const deltas = new Map<string, { sku: string; facilityId: string; delta: number }>();
  for (const o of outcomes) {
    if (o.move.reservationDelta === 0) continue;
    const sku = lines.get(o.lineSeq)!.sku;
    const k = `${sku}\u0000${o.move.facilityId!}`;
    const d = deltas.get(k) ?? { sku, facilityId: o.move.facilityId!, delta: 0 };
    deltas.set(k, { ...d, delta: d.delta + o.move.reservationDelta });
  }
  const touched = [...deltas.values()].filter((d) => d.delta !== 0);
  return { lines, outcomes, touched };
}

/**
 * The one write of a `moveLines` command: every line one version on, one position change per
 * SKU × facility (on `figures`, in the order of `applied.touched`), one reservation row per line ×
 * facility whose reservation changed, the linked writes of every move, one `moved-lines` event.
 */
export function planMoveLines<L>(i: {
  readonly orderId: string;
  readonly read: ReadonlyMap<string, LineState>;
  readonly applied: LineMovesApplied;
  readonly figures: readonly FacilityFigures[];
  readonly seqs: readonly string[];
  readonly linked: readonly L[];
  readonly env: CommandEnvelope;
  readonly now: string;
  readonly request: string;
}): CommandPlan<MoveLinesResult, L> {
  const { orderId, applied, now } = i;
  const inventory: InventoryWrite[] = applied.touched.map((d, n) => ({
    kind: 'reserve',
    facility: i.figures[n]!,
    delta: d.delta,
  }));
  const resRows = new Set<string>();
  for (const o of applied.outcomes) {
    if (o.move.reservationDelta === 0) continue;
    const k = `${o.lineSeq}\u0000${o.move.facilityId!}`;
    if (resRows.has(k)) continue;
    resRows.add(k);
    const line = applied.lines.get(o.lineSeq)!;
    inventory.push({
      kind: 'reservation',
      sku: line.sku,
      facilityId: o.move.facilityId!,
      orderId,
      lineSeq: o.lineSeq,
      qty: countedAt(line, o.move.facilityId!),
    });
  }
  const after = i.seqs.map((seq) => ({
    line: { ...applied.lines.get(seq)!, version: i.read.get(seq)!.version + 1, updatedAt: now },
    expectedVersion: i.read.get(seq)!.version,
  }));
  const steps: EventStep[] = applied.outcomes.map(({ lineSeq, move: m }) => ({
    lineSeq,
    from: m.from,
    to: m.to,
    quantity: m.quantity,
    ...(m.facilityId ? { facilityId: m.facilityId } : {}),
  }));
  const result: MoveLinesResult = {
    orderId,
    lines: after.map(({ line }) => ({
      lineSeq: line.lineSeq,
      buckets: line.buckets,
      lineVersion: line.version,
    })),
    steps,
    replayed: false,
  };
  return {
    result,
    writes: {
      lines: after,
      event: {
        type: 'moved-lines',
        orderId,
        steps,
        ...recorded(i, result),
      },
      inventory,
      linked: i.linked,
    },
  };
}
