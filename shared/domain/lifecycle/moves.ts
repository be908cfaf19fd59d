/**
 * Moving quantity between status buckets: checking a move against the line (allowed-moves table,
 * quantity, holds, which facility / release / shipment it concerns) and computing the line after
 * it, with the inventory effect the store must apply in the same transaction. Pure: no I/O.
 *
 * Over 400 lines: the effect of every allowed move, read top to bottom against the allowed-moves
 * table of docs/order-lifecycle.md; one place for the lifecycle's semantics.
 */
import { capReflected, countedDelta } from './promises.ts';
import { CommandError } from './errors.ts';
import type { GateResult } from './gates.ts';
import { blockingHolds } from './holds.ts';
import {
  releaseKeyFor,
  shipmentKeyFor,
  shipmentOpenQty,
  type FacilityAllocation,
  type Hold,
  type LineState,
  type Release,
  type ScheduleDetails,
  type Shipment,
  type ShipmentDetails,
  type ShipmentStatus,
} from './line.ts';
import {
  STATUS,
  ALLOWED_MOVES,
  RESERVED_STATUSES,
  STATUS_NAMES,
  bucketOf,
  isAllowedMove,
  isStatusCode,
  type Buckets,
  type StatusCode,
} from './status.ts';

export interface MoveRequest {
  readonly from: StatusCode;
  readonly to: StatusCode;
  readonly quantity: number;
  /** Required when quantity starts a reservation; otherwise inferred when unambiguous. */
  readonly facilityId?: string;
  /** The release moved from 3200; inferred when the line has one release that fits. */
  readonly releaseKey?: string;
  /** The shipment moved from 3350; inferred when the line has one open shipment that fits. */
  readonly shipmentKey?: string;
  /** For a move to 3700: tracking numbers, carrier, ship time (recorded on the shipment). */
  readonly shipped?: ShipmentDetails;
  /** For 1200 → 1500: the ship date and carrier fixed (recorded on the line per facility). */
  readonly schedule?: ScheduleDetails;
}

/** A checked move: every record it touches is named. */
export interface ResolvedMove {
  readonly from: StatusCode;
  readonly to: StatusCode;
  readonly quantity: number;
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
  /**
   * The change of the units counted against availability at facilityId (promises.ts): + entering
   * the promise statuses there (a reservation), − leaving them (unreflected units first), 0 inside.
   */
  readonly reservationDelta: number;
  readonly shipped?: ShipmentDetails;
  readonly schedule?: ScheduleDetails;
}

export type MoveOutcome =
  | {
      readonly kind: 'moved';
      readonly line: LineState;
      readonly move: ResolvedMove;
      /** The release created (→ 3200) or changed (from 3200/3350). */
      readonly release?: Release;
      /** The shipment created (→ 3350) or changed (from 3350). */
      readonly shipment?: Shipment;
      readonly gateHoldsLifted: readonly string[];
    }
  | {
      /** A release gate failed: no quantity moved, gate holds were placed. */
      readonly kind: 'held';
      readonly line: LineState;
      readonly move: ResolvedMove;
      readonly failures: readonly GateResult[];
      readonly gateHoldsLifted: readonly string[];
    };

const FACILITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const lineName = (line: LineState) => `line ${line.orderId}/${line.lineSeq}`;
const statusName = (s: StatusCode) => `${s} (${STATUS_NAMES[s]})`;

function checkShape(req: MoveRequest): void {
  const r = req as unknown as Record<string, unknown>;
  for (const field of ['from', 'to'] as const) {
    if (!isStatusCode(r[field])) {
      throw new CommandError(
        'INVALID_COMMAND',
        `${field} must be a status code (${Object.keys(ALLOWED_MOVES).join(', ')}), got ${JSON.stringify(r[field])}`,
        { field },
      );
    }
  }
  if (
    typeof req.quantity !== 'number' ||
    !Number.isSafeInteger(req.quantity) ||
    req.quantity <= 0
  ) {
    throw new CommandError(
      'INVALID_COMMAND',
      `quantity must be a whole number above 0, got ${JSON.stringify(r.quantity)}`,
      { field: 'quantity' },
    );
  }
  checkMoveDetails(req);
  if (req.facilityId !== undefined && !FACILITY_ID.test(req.facilityId)) {
    throw new CommandError(
      'INVALID_COMMAND',
      `facilityId "${req.facilityId}" must be 1–64 letters, digits, . _ : -`,
      { field: 'facilityId' },
    );
  }
}

const TEXT_MAX = 200;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkText(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > TEXT_MAX) {
    throw new CommandError(
      'INVALID_COMMAND',
      `${field} must be a text of at most ${TEXT_MAX} characters`,
      { field },
    );
  }
}

/** Shipment and schedule details: only on the moves that record them, and well-formed. */
export function checkMoveDetails(
  req: Pick<MoveRequest, 'to' | 'from' | 'shipped' | 'schedule'>,
): void {
  if (req.shipped !== undefined) {
    if (req.to !== STATUS.SHIPPED) {
      throw new CommandError('INVALID_COMMAND', 'shipped details go with a move to 3700 only', {
        field: 'shipped',
      });
    }
    const d = req.shipped;
    if (
      d.trackingNumbers !== undefined &&
      (!Array.isArray(d.trackingNumbers) || d.trackingNumbers.length > 50)
    ) {
      throw new CommandError('INVALID_COMMAND', 'shipped.trackingNumbers must be a list (≤ 50)', {
        field: 'shipped.trackingNumbers',
      });
    }
    d.trackingNumbers?.forEach((t, i) => checkText(t, `shipped.trackingNumbers[${i}]`));
    checkText(d.carrier, 'shipped.carrier');
    checkText(d.shippingMethod, 'shipped.shippingMethod');
    if (d.shippedAt !== undefined && Number.isNaN(Date.parse(d.shippedAt))) {
      throw new CommandError('INVALID_COMMAND', 'shipped.shippedAt must be an ISO date-time', {
        field: 'shipped.shippedAt',
      });
    }
  }
  if (req.schedule !== undefined) {
    if (req.from !== STATUS.ALLOCATED || req.to !== STATUS.SCHEDULED) {
      throw new CommandError('INVALID_COMMAND', 'schedule details go with 1200 → 1500 only', {
        field: 'schedule',
      });
    }
    if (typeof req.schedule.shipDate !== 'string' || !DATE.test(req.schedule.shipDate)) {
      throw new CommandError('INVALID_COMMAND', 'schedule.shipDate must be YYYY-MM-DD', {
        field: 'schedule.shipDate',
      });
    }
    checkText(req.schedule.carrier, 'schedule.carrier');
    checkText(req.schedule.shippingMethod, 'schedule.shippingMethod');
  }
}

/** The one facility holding quantity in a reserved bucket, or the one asked for (checked). */
function facilityFor(
  line: LineState,
  status: typeof STATUS.ALLOCATED | typeof STATUS.SCHEDULED,
  req: MoveRequest,
): string {
  const holding = Object.entries(line.alloc)
    .filter(([, a]) => (a[status] ?? 0) > 0)
    .map(([f]) => f);
  const facility = req.facilityId ?? (holding.length === 1 ? holding[0] : undefined);
  if (!facility) {
    throw new CommandError(
      'INVALID_COMMAND',
      `${lineName(line)} has quantity in ${statusName(status)} at ${holding.join(', ')}: say which facility (facilityId)`,
      { field: 'facilityId' },
    );
  }
  const there = line.alloc[facility]?.[status] ?? 0;
  if (there < req.quantity) {
    throw new CommandError(
      'INSUFFICIENT_QUANTITY',
      `${lineName(line)} has ${there} in ${statusName(status)} at facility ${facility}, fewer than ${req.quantity}`,
    );
  }
  return facility;
}

/** The release quantity leaves from 3200: named, or the only open one with enough unpicked. */
function releaseFor(line: LineState, req: MoveRequest): Release {
  const unpicked = (r: Release) => r.statusQuantity - r.inShipment;
  if (req.releaseKey !== undefined) {
    const r = line.releases[req.releaseKey];
    if (!r) {
      throw new CommandError(
        'UNKNOWN_RELEASE',
        `${lineName(line)} has no release ${req.releaseKey}`,
      );
    }
    if (unpicked(r) < req.quantity) {
      throw new CommandError(
        'INSUFFICIENT_QUANTITY',
        `release ${r.key} has ${unpicked(r)} released and not in a shipment, fewer than ${req.quantity}`,
      );
    }
    return r;
  }
  const open = Object.values(line.releases).filter((r) => unpicked(r) > 0);
  if (open.length !== 1) {
    throw new CommandError(
      'INVALID_COMMAND',
      `${lineName(line)} has ${open.length} open releases (${open.map((r) => r.key).join(', ')}): say which (releaseKey)`,
      { field: 'releaseKey' },
    );
  }
  const r = open[0]!;
  if (unpicked(r) < req.quantity) {
    throw new CommandError(
      'INSUFFICIENT_QUANTITY',
      `release ${r.key} has ${unpicked(r)} released and not in a shipment, fewer than ${req.quantity}`,
    );
  }
  return r;
}

/** The shipment quantity leaves 3350 from: named, or the only one still being picked. */
function shipmentFor(line: LineState, req: MoveRequest): Shipment {
  let s: Shipment | undefined;
  if (req.shipmentKey !== undefined) {
    s = line.shipments[req.shipmentKey];
    if (!s) {
      throw new CommandError(
        'UNKNOWN_SHIPMENT',
        `${lineName(line)} has no shipment ${req.shipmentKey}`,
      );
    }
  } else {
    const open = Object.values(line.shipments).filter((x) => shipmentOpenQty(x) > 0);
    if (open.length !== 1) {
      throw new CommandError(
        'INVALID_COMMAND',
        `${lineName(line)} has ${open.length} shipments being picked (${open.map((x) => x.key).join(', ')}): say which (shipmentKey)`,
        { field: 'shipmentKey' },
      );
    }
    s = open[0]!;
  }
  if (shipmentOpenQty(s) < req.quantity) {
    throw new CommandError(
      'INSUFFICIENT_QUANTITY',
      `shipment ${s.key} has ${shipmentOpenQty(s)} being picked, fewer than ${req.quantity}`,
    );
  }
  return s;
}

/** Checks a move against the line; throws a CommandError that says what is wrong. */
export function resolveMove(line: LineState, req: MoveRequest): ResolvedMove {
  checkShape(req);
  const { from, to, quantity } = req;
  if (!isAllowedMove(from, to)) {
    const allowed = ALLOWED_MOVES[from];
    throw new CommandError(
      'ILLEGAL_MOVE',
      `move ${from} → ${to} is not allowed; from ${statusName(from)} quantity can move to ${
        allowed.length ? allowed.join(', ') : 'nothing (final status)'
      }`,
    );
  }
  const have = bucketOf(line.buckets, from);
  if (have < quantity) {
    throw new CommandError(
      'INSUFFICIENT_QUANTITY',
      `${lineName(line)} has ${have} in ${statusName(from)}, fewer than ${quantity}`,
    );
  }
  const blocking = blockingHolds(line, from, to);
  if (blocking.length) {
    throw new CommandError(
      'ON_HOLD',
      `${lineName(line)} is on hold: ${blocking.map((h) => `${h.code} (${h.reason})`).join('; ')}`,
      { holds: blocking.map((h) => h.code) },
    );
  }

  const fromReserved = RESERVED_STATUSES.has(from);
  const toReserved = RESERVED_STATUSES.has(to);
  let facilityId: string | undefined;
  if (fromReserved) {
    facilityId = facilityFor(line, from as typeof STATUS.ALLOCATED | typeof STATUS.SCHEDULED, req);
  } else if (toReserved) {
    if (!req.facilityId) {
      throw new CommandError(
        'INVALID_COMMAND',
        `moving to ${statusName(to)} reserves inventory: say at which facility (facilityId)`,
        { field: 'facilityId' },
      );
    }
    facilityId = req.facilityId;
  }

  let releaseKey: string | undefined;
  let shipmentKey: string | undefined;
  if (from === STATUS.RELEASED) {
    const r = releaseFor(line, req);
    releaseKey = r.key;
    facilityId = r.facilityId;
  } else if (from === STATUS.INCLUDED_IN_SHIPMENT) {
    const s = shipmentFor(line, req);
    shipmentKey = s.key;
    releaseKey = s.releaseKey;
    facilityId = s.facilityId;
  }
  return {
    from,
    to,
    quantity,
    facilityId,
    releaseKey,
    shipmentKey,
    reservationDelta: countedDelta(line, from, to, quantity, facilityId),
    ...(req.shipped ? { shipped: req.shipped } : {}),
    ...(req.schedule ? { schedule: req.schedule } : {}),
  };
}

function moveBuckets(b: Buckets, from: StatusCode, to: StatusCode, q: number): Buckets {
  const next: Buckets = { ...b, [from]: bucketOf(b, from) - q, [to]: bucketOf(b, to) + q };
  if (next[from] === 0) delete next[from];
  return next;
}

function moveAlloc(
  alloc: LineState['alloc'],
  facility: string,
  from: StatusCode,
  to: StatusCode,
  q: number,
): LineState['alloc'] {
  const a: FacilityAllocation = { ...alloc[facility] };
  if (from === STATUS.ALLOCATED || from === STATUS.SCHEDULED) a[from] = (a[from] ?? 0) - q;
  if (to === STATUS.ALLOCATED || to === STATUS.SCHEDULED) a[to] = (a[to] ?? 0) + q;
  for (const s of [STATUS.ALLOCATED, STATUS.SCHEDULED] as const) if (a[s] === 0) delete a[s];
  const next = { ...alloc, [facility]: a };
  if (Object.keys(a).length === 0) delete next[facility];
  return next;
}

const shipmentStatus = (s: Omit<Shipment, 'status'>): ShipmentStatus => {
  if (s.planned - s.quantity - s.short > 0) return 'picking';
  if (s.quantity === s.planned) return 'shipped';
  return s.quantity === 0 ? 'not-found' : 'partly-shipped';
};

function closeRelease(
  r: Release,
  statusQuantity: number,
  inShipment: number,
  now: string,
): Release {
  return {
    ...r,
    statusQuantity,
    inShipment,
    ...(statusQuantity === 0 ? { closedAt: now } : {}),
  };
}

export interface ApplyContext {
  readonly now: string;
  readonly actor: string;
  /** Results of the release gates; required for a move to 3200. */
  readonly gates?: readonly GateResult[];
}

/** Re-evaluates gate holds for a release attempt: failing gates held, passing ones lifted. */
function applyGates(
  line: LineState,
  gates: readonly GateResult[],
  ctx: ApplyContext,
): { holds: Record<string, Hold>; failures: GateResult[]; lifted: string[] } {
  const holds: Record<string, Hold> = { ...line.holds };
  const lifted: string[] = [];
  const failures: GateResult[] = [];
  for (const g of gates) {
    const existing = holds[g.code];
    if (g.passed) {
      if (existing?.kind === 'gate') {
        delete holds[g.code];
        lifted.push(g.code);
      }
    } else {
      failures.push(g);
      holds[g.code] = {
        code: g.code,
        kind: 'gate',
        reason: g.reason ?? 'gate failed',
        at: existing?.kind === 'gate' ? existing.at : ctx.now,
        by: ctx.actor,
      };
    }
  }
  return { holds, failures, lifted };
}

/** A shipment's carrier fields after `d` shipped: later tracking numbers are added, not replaced. */
function shippedFields(s: Shipment, d: ShipmentDetails | undefined): Partial<Shipment> {
  if (!d) return {};
  const tracking = [...(s.trackingNumbers ?? [])];
  for (const t of d.trackingNumbers ?? []) if (!tracking.includes(t)) tracking.push(t);
  return {
    ...(tracking.length ? { trackingNumbers: tracking } : {}),
    ...(d.carrier !== undefined ? { carrier: d.carrier } : {}),
    ...(d.shippingMethod !== undefined ? { shippingMethod: d.shippingMethod } : {}),
    ...(d.shippedAt !== undefined ? { shippedAt: d.shippedAt } : {}),
  };
}

/** The line after a checked move (or, for a release whose gates fail, after placing the holds). */
export function applyMove(line: LineState, move: ResolvedMove, ctx: ApplyContext): MoveOutcome {
  const { from, to, quantity: q } = move;
  const base = { version: line.version + 1, updatedAt: ctx.now };
  let holds = line.holds;
  let gateHoldsLifted: string[] = [];
  if (to === STATUS.RELEASED) {
    if (!ctx.gates) throw new Error('applyMove: a release needs the gate results');
    const g = applyGates(line, ctx.gates, ctx);
    holds = g.holds;
    gateHoldsLifted = g.lifted;
    if (g.failures.length) {
      return {
        kind: 'held',
        line: { ...line, ...base, holds },
        move,
        failures: g.failures,
        gateHoldsLifted,
      };
    }
  }

  let next: LineState = {
    ...line,
    ...base,
    holds,
    buckets: moveBuckets(line.buckets, from, to, q),
  };
  if (RESERVED_STATUSES.has(from) || RESERVED_STATUSES.has(to)) {
    next = { ...next, alloc: moveAlloc(line.alloc, move.facilityId!, from, to, q) };
  }

  let release: Release | undefined;
  let shipment: Shipment | undefined;
  if (to === STATUS.RELEASED) {
    const n = line.releaseSeq + 1;
    release = {
      key: releaseKeyFor(line, n),
      facilityId: move.facilityId!,
      releasedQty: q,
      statusQuantity: q,
      inShipment: 0,
      createdAt: ctx.now,
    };
    next = { ...next, releaseSeq: n };
    move = { ...move, releaseKey: release.key };
  } else if (from === STATUS.RELEASED) {
    const r = line.releases[move.releaseKey!]!;
    if (to === STATUS.INCLUDED_IN_SHIPMENT) {
      release = { ...r, inShipment: r.inShipment + q };
      const n = line.shipmentSeq + 1;
      const planned = { planned: q, quantity: 0, short: 0 };
      shipment = {
        key: shipmentKeyFor(line, n),
        releaseKey: r.key,
        facilityId: r.facilityId,
        ...planned,
        status: 'picking',
        createdAt: ctx.now,
      };
      next = { ...next, shipmentSeq: n };
      move = { ...move, shipmentKey: shipment.key };
    } else {
      release = closeRelease(r, r.statusQuantity - q, r.inShipment, ctx.now);
    }
  } else if (from === STATUS.INCLUDED_IN_SHIPMENT) {
    const s = line.shipments[move.shipmentKey!]!;
    const r = line.releases[s.releaseKey]!;
    const changed =
      to === STATUS.SHIPPED
        ? { ...s, quantity: s.quantity + q, ...shippedFields(s, move.shipped) }
        : { ...s, short: s.short + q };
    const status = shipmentStatus(changed);
    shipment = { ...changed, status, ...(status === 'picking' ? {} : { closedAt: ctx.now }) };
    release = closeRelease(r, r.statusQuantity - q, r.inShipment - q, ctx.now);
  }
  if (release) next = { ...next, releases: { ...next.releases, [release.key]: release } };
  if (shipment) next = { ...next, shipments: { ...next.shipments, [shipment.key]: shipment } };
  if (to === STATUS.SCHEDULED && move.schedule) {
    next = {
      ...next,
      schedules: { ...next.schedules, [move.facilityId!]: { ...move.schedule, at: ctx.now } },
    };
  }
  if (
    to === STATUS.BACKORDERED_FROM_NODE &&
    move.facilityId &&
    !next.rejectedBy.includes(move.facilityId)
  ) {
    next = { ...next, rejectedBy: [...next.rejectedBy, move.facilityId] };
  }
  // Units that left the promise statuses took the unreflected ones first (promises.ts).
  next = capReflected(next);
  return { kind: 'moved', line: next, move, release, shipment, gateHoldsLifted };
}

/** Checks and applies in one step (what the property tests and the service use). */
export function planMove(line: LineState, req: MoveRequest, ctx: ApplyContext): MoveOutcome {
  return applyMove(line, resolveMove(line, req), ctx);
}

/**
 * Resolves moves one after another, each on the line as the previous ones left it (what a
 * multi-move command plans before it writes): `add` checks and applies one and returns it.
 */
export function movesInOrder(line: LineState, ctx: ApplyContext) {
  let cur = line;
  const steps: ResolvedMove[] = [];
  return {
    steps,
    get line(): LineState {
      return cur;
    },
    add(req: MoveRequest): ResolvedMove {
      const move = resolveMove(cur, req);
      cur = applyMove(cur, move, ctx).line;
      steps.push(move);
      return move;
    },
  };
}
