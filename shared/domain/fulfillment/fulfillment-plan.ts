/**
 * What a reported shipment does to an order line: the ordered lifecycle moves that take the
 * shipped quantity to 3700 (Shipped) from wherever it sits, along the allowed-moves table
 * (status.ts). Pure: it reads a line and returns moves; the caller applies them (with
 * {@link applyFulfillmentPlan}) in the same write as everything else.
 *
 * ## Where the quantity is taken from
 *
 * At the fulfillment's facility F, furthest along first: open shipments (3350), then released and
 * not yet picked quantity (3200, per release), then 1500, then 1200. If that is not enough:
 *
 * - quantity reserved at another facility G (1200, then 1500; facilities in id order) — the
 *   **reservation moves**: 1200@G → 1100 (or 1500@G → 1100) → 1200@F;
 * - then unallocated quantity: 1100 → 1200@F, 1400 → 1200@F, 1300 → 1200@F, 1250 → 1200@F.
 *
 * Everything taken then advances together: 1200 → 1500 → 3200 (one new release at F) → 3350 (one
 * new shipment per release) → 3700. Quantity released to another facility (3200/3350 at G) is
 * never taken: moving it would go through 1400, which records G as having rejected the line. When
 * the line cannot give the whole quantity the plan is refused with the reason; nothing is split
 * off.
 *
 * Holds: a NetSuite shipment is a fact, so the moves are planned whatever holds the line carries
 * (non-gate holds that would block a forward move are named in `notes`), and the plan carries
 * passing results for the line's gate holds, which the release step then lifts.
 *
 * ## Idempotency is the caller's
 *
 * A plan ships more quantity every time it is applied. The importer applies a fulfillment once,
 * keyed on `fulfillmentKey(record)` (fulfillment-rows.ts: order, line, NetSuite location, shipped
 * instant, quantity, sorted tracking numbers) as the command's idempotency key, recorded in the
 * same write as the line. A plan is valid only for the line version it was computed from
 * (`forVersion`): on a conflicting write, re-read the line and plan again.
 */
import { countedDelta } from '../lifecycle/promises.ts';
import type { GateResult } from '../lifecycle/gates.ts';
import { blockingHolds } from '../lifecycle/holds.ts';
import { shipmentOpenQty, type LineState } from '../lifecycle/line.ts';
import {
  applyMove,
  type ApplyContext,
  type MoveOutcome,
  type ResolvedMove,
} from '../lifecycle/moves.ts';
import { STATUS, STATUS_NAMES, bucketOf, type StatusCode } from '../lifecycle/status.ts';

export interface FulfillmentToPlan {
  /** The OMS facility the quantity shipped from (the NetSuite location already mapped). */
  readonly facilityId: string;
  readonly quantity: number;
}

/** Where part of the shipped quantity was taken from. */
export interface PlanSource {
  readonly status: StatusCode;
  readonly quantity: number;
  /** The facility holding it (absent for unallocated quantity). */
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
  /** True when a reservation at another facility was moved to the fulfilling one. */
  readonly reservationMoved: boolean;
}

export type FulfillmentPlan =
  | {
      readonly ok: true;
      /** The line version the plan was computed from (apply it to that version only). */
      readonly forVersion: number;
      /** In order; each is a checked move for `applyMove` on the line as the previous left it. */
      readonly steps: readonly ResolvedMove[];
      /** Gate results for the release step: passing, one per gate hold on the line. */
      readonly gates: readonly GateResult[];
      readonly sources: readonly PlanSource[];
      /** What a person should know: reservations moved, holds overridden. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

const PLAN_CTX = { actor: 'fulfillment-plan' };
const byKey = (a: { key: string }, b: { key: string }) =>
  a.key.localeCompare(b.key, 'en', { numeric: true });
const named = (s: StatusCode) => `${s} (${STATUS_NAMES[s]})`;

/**
 * Where up to `quantity` units shipped from F would be taken from, in the order of the module
 * comment (fewer when the line cannot give that many).
 */
function sourcesAt(line: LineState, F: string, quantity: number): PlanSource[] {
  let need = quantity;
  const sources: PlanSource[] = [];
  const take = (have: number, source: Omit<PlanSource, 'quantity'>) => {
    const q = Math.min(have, need);
    if (q > 0) {
      sources.push({ ...source, quantity: q });
      need -= q;
    }
  };
  for (const s of Object.values(line.shipments).sort(byKey)) {
    if (s.facilityId !== F) continue;
    take(shipmentOpenQty(s), {
      status: STATUS.INCLUDED_IN_SHIPMENT,
      facilityId: F,
      releaseKey: s.releaseKey,
      shipmentKey: s.key,
      reservationMoved: false,
    });
  }
  for (const r of Object.values(line.releases).sort(byKey)) {
    if (r.facilityId !== F) continue;
    take(r.statusQuantity - r.inShipment, {
      status: STATUS.RELEASED,
      facilityId: F,
      releaseKey: r.key,
      reservationMoved: false,
    });
  }
  for (const s of [STATUS.SCHEDULED, STATUS.ALLOCATED] as const) {
    take(line.alloc[F]?.[s] ?? 0, { status: s, facilityId: F, reservationMoved: false });
  }
  for (const g of Object.keys(line.alloc).sort()) {
    if (g === F) continue;
    for (const s of [STATUS.ALLOCATED, STATUS.SCHEDULED] as const) {
      take(line.alloc[g]?.[s] ?? 0, { status: s, facilityId: g, reservationMoved: true });
    }
  }
  for (const s of [
    STATUS.CREATED,
    STATUS.BACKORDERED_FROM_NODE,
    STATUS.BACKORDERED,
    STATUS.PRE_ORDERED,
  ] as const) {
    take(bucketOf(line.buckets, s), { status: s, reservationMoved: false });
  }
  return sources;
}

/** The most a shipment from `facilityId` can take of the line (what `planFulfillment` accepts). */
export function shippableAt(line: LineState, facilityId: string): number {
  return sourcesAt(line, facilityId, Number.MAX_SAFE_INTEGER).reduce((n, x) => n + x.quantity, 0);
}

/** The moves that ship `f.quantity` of `line` from `f.facilityId`, or why it cannot. */
export function planFulfillment(line: LineState, f: FulfillmentToPlan): FulfillmentPlan {
  const where = `line ${line.orderId}/${line.lineSeq}`;
  const F = f.facilityId;
  if (!Number.isSafeInteger(f.quantity) || f.quantity < 1) {
    return { ok: false, reason: `quantity ${f.quantity} is not a whole number of 1 or more` };
  }
  if (!F) return { ok: false, reason: 'the fulfillment names no facility' };

  const sources = sourcesAt(line, F, f.quantity);
  const need = f.quantity - sources.reduce((n, x) => n + x.quantity, 0);
  if (need > 0) return { ok: false, reason: shortfall(line, f, f.quantity - need) };

  const gates: GateResult[] = Object.values(line.holds)
    .filter((h) => h.kind === 'gate')
    .map((h) => ({ code: h.code, passed: true }));
  const steps: ResolvedMove[] = [];
  const notes: string[] = [];
  let cur = line;
  const ctx: ApplyContext = { ...PLAN_CTX, now: line.updatedAt, gates };
  const step = (planned: ResolvedMove): MoveOutcome & { kind: 'moved' } => {
    // The inventory effect follows the promise rule on the line as the earlier steps left it.
    const move: ResolvedMove = {
      ...planned,
      reservationDelta: countedDelta(
        cur,
        planned.from,
        planned.to,
        planned.quantity,
        planned.facilityId,
      ),
    };
    const held = blockingHolds(cur, move.from, move.to).map((h) => h.code);
    if (held.length) {
      const note = `hold(s) ${held.join(', ')} overridden: NetSuite shipped the quantity`;
      if (!notes.includes(note)) notes.push(note);
    }
    const out = applyMove(cur, move, ctx);
    if (out.kind !== 'moved') throw new Error(`fulfillment plan: ${where} held at ${move.to}`);
    cur = out.line;
    steps.push(out.move);
    return out;
  };

  // 1. Gather everything that is not yet at F into 1200@F.
  let viaCreated = 0;
  for (const s of sources) {
    if (!s.reservationMoved) continue;
    step({
      from: s.status,
      to: STATUS.CREATED,
      quantity: s.quantity,
      facilityId: s.facilityId,
      reservationDelta: -s.quantity,
    });
    viaCreated += s.quantity;
    notes.push(
      `reservation of ${s.quantity} moved from facility ${s.facilityId} (${named(s.status)}) to ${F}, where it shipped`,
    );
  }
  for (const s of sources) if (s.status === STATUS.CREATED) viaCreated += s.quantity;
  if (viaCreated > 0) {
    step({
      from: STATUS.CREATED,
      to: STATUS.ALLOCATED,
      quantity: viaCreated,
      facilityId: F,
      reservationDelta: viaCreated,
    });
  }
  for (const s of sources) {
    if (
      s.status === STATUS.BACKORDERED_FROM_NODE ||
      s.status === STATUS.BACKORDERED ||
      s.status === STATUS.PRE_ORDERED
    ) {
      step({
        from: s.status,
        to: STATUS.ALLOCATED,
        quantity: s.quantity,
        facilityId: F,
        reservationDelta: s.quantity,
      });
    }
  }
  // 2. Advance 1200 and 1500 at F to a new release.
  const sum = (pick: (s: PlanSource) => boolean) =>
    sources.filter(pick).reduce((n, s) => n + s.quantity, 0);
  const to1500 = sum(
    (s) => s.status < STATUS.SCHEDULED || (s.status === STATUS.SCHEDULED && s.reservationMoved),
  );
  if (to1500 > 0)
    step({
      from: STATUS.ALLOCATED,
      to: STATUS.SCHEDULED,
      quantity: to1500,
      facilityId: F,
      reservationDelta: 0,
    });
  const toRelease = sum((s) => s.status < STATUS.RELEASED);
  const releases: { key: string; quantity: number }[] = sources
    .filter((s) => s.status === STATUS.RELEASED)
    .map((s) => ({ key: s.releaseKey!, quantity: s.quantity }));
  if (toRelease > 0) {
    const out = step({
      from: STATUS.SCHEDULED,
      to: STATUS.RELEASED,
      quantity: toRelease,
      facilityId: F,
      reservationDelta: -toRelease,
    });
    releases.push({ key: out.release!.key, quantity: toRelease });
  }
  // 3. Pick each release's part into a new shipment, then ship every shipment's part.
  const shipments: { key: string; releaseKey: string; quantity: number }[] = sources
    .filter((s) => s.status === STATUS.INCLUDED_IN_SHIPMENT)
    .map((s) => ({ key: s.shipmentKey!, releaseKey: s.releaseKey!, quantity: s.quantity }));
  for (const r of releases) {
    const out = step({
      from: STATUS.RELEASED,
      to: STATUS.INCLUDED_IN_SHIPMENT,
      quantity: r.quantity,
      facilityId: F,
      releaseKey: r.key,
      reservationDelta: 0,
    });
    shipments.push({ key: out.shipment!.key, releaseKey: r.key, quantity: r.quantity });
  }
  for (const s of shipments) {
    step({
      from: STATUS.INCLUDED_IN_SHIPMENT,
      to: STATUS.SHIPPED,
      quantity: s.quantity,
      facilityId: F,
      releaseKey: s.releaseKey,
      shipmentKey: s.key,
      reservationDelta: 0,
    });
  }
  return { ok: true, forVersion: line.version, steps, gates, sources, notes };
}

/** Why the line cannot give the quantity: what it has and where. */
function shortfall(line: LineState, f: FulfillmentToPlan, can: number): string {
  const filled = Object.entries(line.buckets)
    .filter(([, q]) => (q ?? 0) > 0)
    .map(([s, q]) => `${q} in ${named(Number(s) as StatusCode)}`);
  const elsewhere = Object.values(line.releases)
    .filter((r) => r.facilityId !== f.facilityId && r.statusQuantity > 0)
    .sort(byKey)
    .map((r) => `${r.statusQuantity} released to facility ${r.facilityId} (${r.key})`);
  return (
    `line ${line.orderId}/${line.lineSeq} can ship ${can} more at facility ${f.facilityId}, fewer than the ${f.quantity} fulfilled` +
    ` (ordered ${line.quantity}: ${filled.join(', ') || 'nothing'})` +
    (elsewhere.length
      ? `; ${elsewhere.join(', ')} is not taken by a fulfillment at another facility`
      : '')
  );
}

/**
 * Applies a plan to the line it was computed for (same version), in one go; throws when the line
 * changed since. Returns the line after the last step and each step's outcome (releases and
 * shipments created or changed, for the history records).
 */
export function applyFulfillmentPlan(
  line: LineState,
  plan: FulfillmentPlan & { ok: true },
  ctx: Omit<ApplyContext, 'gates'>,
): { line: LineState; outcomes: MoveOutcome[] } {
  if (line.version !== plan.forVersion) {
    throw new Error(
      `fulfillment plan for version ${plan.forVersion} of line ${line.orderId}/${line.lineSeq}, which is at version ${line.version}: plan again`,
    );
  }
  const outcomes: MoveOutcome[] = [];
  let cur = line;
  for (const move of plan.steps) {
    const out = applyMove(cur, move, { ...ctx, gates: plan.gates });
    outcomes.push(out);
    cur = out.line;
  }
  return { line: cur, outcomes };
}
