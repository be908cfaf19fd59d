/**
 * Plans of the multi-step commands of one line — fulfill, cancel, backorder from a node: which
 * moves, applied one after the other, and the one write that carries them (the line one version
 * on, every release and shipment row touched, the net reservation change per facility). Pure.
 */
import { CommandError } from '../lifecycle/errors.ts';
import { applyMove, movesInOrder } from '../lifecycle/moves.ts';
import type { MoveOutcome, MoveRequest, ResolvedMove } from '../lifecycle/moves.ts';
import type { GateResult } from '../lifecycle/gates.ts';
import type { CommandEnvelope } from '../lifecycle/commands.ts';
import type { EventStep, EventType } from '../lifecycle/events.ts';
import { shipmentOpenQty } from '../lifecycle/line.ts';
import type { LineState, Release, Shipment, ShipmentDetails } from '../lifecycle/line.ts';
import { STATUS, type StatusCode } from '../lifecycle/status.ts';
import { planFulfillment } from '../fulfillment/fulfillment-plan.ts';
import { countedAt } from '../lifecycle/promises.ts';
import {
  cannotReserve,
  outOfStock,
  type FacilityFigures,
} from '../reservations/facility-figures.ts';
import { holdsOf } from './move-plan.ts';
import type { StepsResult } from './command-results.ts';
import { recorded, type CommandPlan, type InventoryWrite } from './order-writes.ts';

/** What a multi-step command does to the line as read: moves resolved one after the other. */
export interface PlannedSteps {
  readonly steps: readonly ResolvedMove[];
  readonly gates?: readonly GateResult[];
  readonly notes?: readonly string[];
}

/** Brings `quantity` of the line to 3700 at the facility (see planFulfillment). */
export function fulfillSteps(
  line: LineState,
  cmd: { facilityId: string; quantity: number; shipped?: ShipmentDetails },
): PlannedSteps {
  const plan = planFulfillment(line, { facilityId: cmd.facilityId, quantity: cmd.quantity });
  if (!plan.ok) throw new CommandError('INSUFFICIENT_QUANTITY', plan.reason);
  const steps = plan.steps.map((m) =>
    m.to === STATUS.SHIPPED && cmd.shipped ? { ...m, shipped: cmd.shipped } : m,
  );
  return { steps, gates: plan.gates, notes: plan.notes };
}

/** Statuses a cancellation takes quantity from, least advanced first. */
export const CANCELLABLE: readonly StatusCode[] = [
  STATUS.CREATED,
  STATUS.BACKORDERED,
  STATUS.PRE_ORDERED,
  STATUS.BACKORDERED_FROM_NODE,
  STATUS.ALLOCATED,
  STATUS.SCHEDULED,
  STATUS.RELEASED,
];

/** Cancels `quantity` of the line (default: every cancellable unit), least advanced first. */
export function cancelSteps(line: LineState, quantity: number | undefined): PlannedSteps {
  const cancellable = CANCELLABLE.reduce((n, st) => n + (line.buckets[st] ?? 0), 0);
  const want = quantity ?? cancellable;
  if (want === 0 || want > cancellable) {
    throw new CommandError(
      'INSUFFICIENT_QUANTITY',
      `line ${line.orderId}/${line.lineSeq} has ${cancellable} cancellable unit(s)${
        quantity !== undefined ? `, fewer than ${quantity}` : ''
      } (being picked or shipped quantity cannot be cancelled)`,
    );
  }
  let need = want;
  const plan = movesInOrder(line, { now: line.updatedAt, actor: 'cancel-plan' });
  const take = (req: MoveRequest) => {
    need -= plan.add(req).quantity;
  };
  for (const st of CANCELLABLE) {
    const cur = plan.line;
    if (need === 0) break;
    if (st === STATUS.ALLOCATED || st === STATUS.SCHEDULED) {
      for (const f of Object.keys(cur.alloc).sort()) {
        const q = Math.min(need, cur.alloc[f]?.[st] ?? 0);
        if (q > 0) take({ from: st, to: STATUS.CANCELLED, quantity: q, facilityId: f });
      }
    } else if (st === STATUS.RELEASED) {
      for (const r of Object.values(cur.releases).sort((a, b) => a.key.localeCompare(b.key))) {
        const q = Math.min(need, r.statusQuantity - r.inShipment);
        if (q > 0)
          take({ from: STATUS.RELEASED, to: STATUS.CANCELLED, quantity: q, releaseKey: r.key });
      }
    } else {
      const q = Math.min(need, cur.buckets[st] ?? 0);
      if (q > 0) take({ from: st, to: STATUS.CANCELLED, quantity: q });
    }
  }
  return { steps: plan.steps };
}

export type BackorderSource =
  | typeof STATUS.ALLOCATED
  | typeof STATUS.SCHEDULED
  | typeof STATUS.RELEASED
  | typeof STATUS.INCLUDED_IN_SHIPMENT;

/** Hands quantity at a facility back to 1400, from the statuses `order` names, in that order. */
export function backorderSteps(
  line: LineState,
  cmd: { facilityId: string; quantity?: number; order: readonly BackorderSource[] },
): PlannedSteps {
  const { facilityId: F, order } = cmd;
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  const at = {
    [STATUS.INCLUDED_IN_SHIPMENT]: Object.values(line.shipments)
      .filter((x) => x.facilityId === F)
      .reduce((n, x) => n + shipmentOpenQty(x), 0),
    [STATUS.RELEASED]: Object.values(line.releases)
      .filter((r) => r.facilityId === F)
      .reduce((n, r) => n + r.statusQuantity - r.inShipment, 0),
    [STATUS.SCHEDULED]: line.alloc[F]?.[STATUS.SCHEDULED] ?? 0,
    [STATUS.ALLOCATED]: line.alloc[F]?.[STATUS.ALLOCATED] ?? 0,
  };
  const available = order.reduce((n, st) => n + at[st], 0);
  const want = cmd.quantity ?? available;
  if (want < 1 || want > available) {
    throw new CommandError(
      'INSUFFICIENT_QUANTITY',
      `line ${line.orderId}/${line.lineSeq} has ${available} unit(s) at facility ${F} in ${order.join(', ')}${
        cmd.quantity !== undefined ? `, fewer than ${cmd.quantity}` : ''
      }`,
    );
  }
  let need = want;
  const plan = movesInOrder(line, { now: line.updatedAt, actor: 'backorder-plan' });
  const go = (req: MoveRequest) => void plan.add(req);
  for (const st of order) {
    const cur = plan.line;
    if (need === 0) break;
    if (st === STATUS.INCLUDED_IN_SHIPMENT) {
      for (const x of Object.values(cur.shipments).sort(byKey)) {
        const q = Math.min(need, x.facilityId === F ? shipmentOpenQty(x) : 0);
        if (q > 0)
          go({
            from: STATUS.INCLUDED_IN_SHIPMENT,
            to: STATUS.BACKORDERED_FROM_NODE,
            quantity: q,
            shipmentKey: x.key,
          });
        need -= q;
      }
    } else if (st === STATUS.RELEASED) {
      for (const r of Object.values(cur.releases).sort(byKey)) {
        const q = Math.min(need, r.facilityId === F ? r.statusQuantity - r.inShipment : 0);
        if (q > 0)
          go({
            from: STATUS.RELEASED,
            to: STATUS.BACKORDERED_FROM_NODE,
            quantity: q,
            releaseKey: r.key,
          });
        need -= q;
      }
    } else {
      const q = Math.min(need, cur.alloc[F]?.[st] ?? 0);
      if (q > 0) {
        if (st === STATUS.SCHEDULED)
          go({ from: STATUS.SCHEDULED, to: STATUS.ALLOCATED, quantity: q, facilityId: F });
        go({
          from: STATUS.ALLOCATED,
          to: STATUS.BACKORDERED_FROM_NODE,
          quantity: q,
          facilityId: F,
        });
      }
      need -= q;
    }
  }
  return { steps: plan.steps };
}

export interface StepsApplied {
  readonly planned: PlannedSteps;
  /** The line after every step (each step counted a version). */
  readonly line: LineState;
  readonly outcomes: readonly MoveOutcome[];
  /** Net reservation change per facility (non-zero only): one position write each. */
  readonly touched: ReadonlyArray<readonly [facilityId: string, delta: number]>;
}

/** Applies the planned steps to the line; a step held by a gate refuses the command (ON_HOLD). */
export function applySteps(
  line: LineState,
  planned: PlannedSteps,
  ctx: { now: string; actor: string },
): StepsApplied {
  let cur = line;
  const outcomes: MoveOutcome[] = [];
  for (const step of planned.steps) {
    const out = applyMove(cur, step, { ...ctx, gates: planned.gates });
    if (out.kind !== 'moved') {
      throw new CommandError(
        'ON_HOLD',
        `line ${line.orderId}/${line.lineSeq}: a release step was held`,
      );
    }
    outcomes.push(out);
    cur = out.line;
  }
  const deltas = new Map<string, number>();
  for (const o of outcomes) {
    if (o.move.reservationDelta !== 0) {
      const f = o.move.facilityId!;
      deltas.set(f, (deltas.get(f) ?? 0) + o.move.reservationDelta);
    }
  }
  return { planned, line: cur, outcomes, touched: [...deltas].filter(([, d]) => d !== 0) };
}

/**
 * The one write of a multi-step command on the figures read for `applied.touched` (in order):
 * refused (OUT_OF_STOCK) when they do not cover a reservation.
 */
export function planSteps<L>(i: {
  readonly type: Extract<EventType, 'fulfilled' | 'cancelled' | 'backordered'>;
  readonly read: LineState;
  readonly applied: StepsApplied;
  readonly figures: readonly FacilityFigures[];
  readonly linked?: readonly L[];
  readonly env: CommandEnvelope;
  readonly now: string;
  readonly request: string;
}): CommandPlan<StepsResult, L> & { readonly line: LineState } {
  const { read, applied, now } = i;
  const { orderId, lineSeq } = read;
  const cur = applied.line;
  const inventory: InventoryWrite[] = [];
  applied.touched.forEach(([f, delta], n) => {
    const facility = i.figures[n]!;
    if (cannotReserve(facility, delta)) throw outOfStock(facility, delta);
    inventory.push({ kind: 'reserve', facility, delta });
    inventory.push({
      kind: 'reservation',
      sku: read.sku,
      facilityId: f,
      orderId,
      lineSeq,
      qty: countedAt(cur, f),
    });
  });
  const releases = new Map<string, Release>();
  const shipments = new Map<string, Shipment>();
  for (const o of applied.outcomes) {
    if (o.kind !== 'moved') continue;
    if (o.release) releases.set(o.release.key, cur.releases[o.release.key]!);
    if (o.shipment) shipments.set(o.shipment.key, cur.shipments[o.shipment.key]!);
  }
  const steps: EventStep[] = applied.outcomes.map(({ move: m }) => ({
    from: m.from,
    to: m.to,
    quantity: m.quantity,
    ...(m.facilityId ? { facilityId: m.facilityId } : {}),
    ...(m.releaseKey ? { releaseKey: m.releaseKey } : {}),
    ...(m.shipmentKey ? { shipmentKey: m.shipmentKey } : {}),
  }));
  // One version step for the whole command (the plan's moves each counted one).
  const after: LineState = { ...cur, version: read.version + 1, updatedAt: now };
  const result: StepsResult = {
    orderId,
    lineSeq,
    steps,
    buckets: after.buckets,
    holds: holdsOf(after),
    lineVersion: after.version,
    replayed: false,
    notes: applied.planned.notes ?? [],
  };
  return {
    result,
    line: after,
    writes: {
      lines: [{ line: after, expectedVersion: read.version }],
      event: {
        type: i.type,
        orderId,
        lineSeq,
        steps,
        quantity: steps
          .filter(
            (x) =>
              x.to === STATUS.SHIPPED ||
              x.to === STATUS.CANCELLED ||
              x.to === STATUS.BACKORDERED_FROM_NODE,
          )
          .reduce((n, x) => n + x.quantity, 0),
        lineVersion: after.version,
        ...recorded(i, result),
      },
      releases: [...releases.values()].map((r) => ({ ...r, lineSeq })),
      shipments: [...shipments.values()].map((x) => ({ ...x, lineSeq })),
      inventory,
      linked: i.linked ?? [],
    },
  };
}
