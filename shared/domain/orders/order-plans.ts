/**
 * Plans of the order commands that move no quantity: holds placed and lifted, NetSuite ids
 * recorded (order-wide: header and every line read), a shipment packed, promised units reflected
 * in NetSuite's figure (one line). Pure: from the state read to the result, event and writes.
 */
import { CommandError } from '../lifecycle/errors.ts';
import { withHold, withoutHold } from '../lifecycle/holds.ts';
import type { CommandEnvelope } from '../lifecycle/commands.ts';
import type { LifecycleEvent } from '../lifecycle/events.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from './order.ts';
import { applyNetsuiteIds, type NetsuiteIds } from './netsuite-ids.ts';
import type { Reflection } from '../lifecycle/promises.ts';
import type { FacilityFigures } from '../reservations/facility-figures.ts';
import { holdsOf } from './move-plan.ts';
import type { OrderCommandResult, PackResult, ReflectResult } from './command-results.ts';
import { recorded, type CommandPlan } from './order-writes.ts';

/** What an order-wide command decides: the lines it changes (one version on) and its event. */
export interface OrderChange {
  readonly changed: LineState[];
  readonly event: Pick<LifecycleEvent, 'type' | 'lineSeq' | 'holds'>;
  readonly headerSet?: Record<string, unknown>;
  readonly approved?: boolean;
}

/** An order-wide command's decision on the header and lines read. */
export type OrderDecision = (
  header: OrderHeader,
  lines: LineState[],
  env: CommandEnvelope,
  now: string,
) => OrderChange;

/** The write of an order-wide change: changed lines under the versions read, one event. */
export function planOrderChange(i: {
  readonly orderId: string;
  readonly read: readonly LineState[];
  readonly change: OrderChange;
  readonly env: CommandEnvelope;
  readonly now: string;
  readonly request: string;
}): CommandPlan<OrderCommandResult, never> {
  const { orderId, change } = i;
  const before = new Map(i.read.map((l) => [l.lineSeq, l.version]));
  const result: OrderCommandResult = {
    orderId,
    lines: change.changed.map((l) => ({
      lineSeq: l.lineSeq,
      holds: holdsOf(l),
      lineVersion: l.version,
    })),
    approved: change.approved,
    replayed: false,
  };
  return {
    result,
    writes: {
      lines: change.changed.map((line) => ({
        line,
        expectedVersion: before.get(line.lineSeq)!,
      })),
      event: {
        ...change.event,
        orderId,
        ...recorded(i, result),
      },
      headerSet: change.headerSet,
    },
  };
}

function targetLines(lines: LineState[], orderId: string, lineSeq: string | undefined) {
  if (lineSeq === undefined) return lines;
  const line = lines.find((l) => l.lineSeq === lineSeq);
  if (!line) throw new CommandError('UNKNOWN_LINE', `order ${orderId} has no line ${lineSeq}`);
  return [line];
}

export interface HoldRequest {
  readonly orderId: string;
  /** One line; absent = an order-level hold on every line. */
  readonly lineSeq?: string;
  readonly code: string;
  readonly holdReason?: string;
}

/** Places a hold on one line, or (no lineSeq) an order-level hold on every line. */
export const addHold =
  (h: HoldRequest): OrderDecision =>
  (_header, lines, env, now) => {
    const changed = targetLines(lines, h.orderId, h.lineSeq).map((l) => {
      const kind = h.lineSeq === undefined ? 'order' : 'line';
      const held = withHold(l, { code: h.code, kind, reason: h.holdReason! }, now, env.actor);
      return { ...held, version: l.version + 1, updatedAt: now };
    });
    return { changed, event: { type: 'hold-added', lineSeq: h.lineSeq, holds: [h.code] } };
  };

/** Lifts a hold from one line, or (no lineSeq) from every line that has it. */
export const liftHold =
  (h: HoldRequest): OrderDecision =>
  (_header, lines, _env, now) => {
    const targets = targetLines(lines, h.orderId, h.lineSeq);
    const held = h.lineSeq === undefined ? targets.filter((l) => l.holds[h.code]) : targets;
    if (held.length === 0) {
      throw new CommandError('UNKNOWN_HOLD', `order ${h.orderId} has no hold ${h.code}`);
    }
    const changed = held.map((l) => ({
      ...withoutHold(l, h.code),
      version: l.version + 1,
      updatedAt: now,
    }));
    return { changed, event: { type: 'hold-lifted', lineSeq: h.lineSeq, holds: [h.code] } };
  };

/** Records NetSuite's ids; all known → AWAITING_NETSUITE_IDS lifted (the order is approved). */
export const recordNetsuiteIds =
  (ids: NetsuiteIds): OrderDecision =>
  (header, lines, _env, now) => {
    const applied = applyNetsuiteIds(header, lines, ids, now);
    return {
      changed: applied.lines,
      headerSet:
        applied.header.netsuiteOrderId !== header.netsuiteOrderId
          ? { netsuiteOrderId: applied.header.netsuiteOrderId }
          : undefined,
      approved: applied.approved,
      event: {
        type: 'netsuite-ids',
        holds: applied.approved ? ['AWAITING_NETSUITE_IDS'] : undefined,
      },
    };
  };

/** Marks a shipment being picked as packed: the shipment row and the line get `packedAt`. */
export function planPack(i: {
  readonly line: LineState;
  readonly shipmentKey: string;
  readonly packages?: number;
  readonly env: CommandEnvelope;
  readonly now: string;
  readonly request: string;
}): CommandPlan<PackResult, never> & { readonly line: LineState } {
  const { line, packages, now } = i;
  const { orderId, lineSeq } = line;
  const s = line.shipments[i.shipmentKey];
  if (!s) {
    throw new CommandError(
      'UNKNOWN_SHIPMENT',
      `line ${orderId}/${lineSeq} has no shipment ${i.shipmentKey}`,
    );
  }
  if (s.status !== 'picking') {
    throw new CommandError(
      'INVALID_COMMAND',
      `shipment ${s.key} is ${s.status}: only a shipment being picked can be packed`,
      { field: 'shipmentKey' },
    );
  }
  const shipment = { ...s, packedAt: now, ...(packages !== undefined ? { packages } : {}) };
  const after: LineState = {
    ...line,
    shipments: { ...line.shipments, [s.key]: shipment },
    version: line.version + 1,
    updatedAt: now,
  };
  const result: PackResult = {
    orderId,
    lineSeq,
    shipmentKey: s.key,
    packedAt: now,
    ...(packages !== undefined ? { packages } : {}),
    lineVersion: after.version,
    replayed: false,
  };
  return {
    result,
    line: after,
    writes: {
      lines: [{ line: after, expectedVersion: line.version }],
      event: {
        type: 'packed',
        orderId,
        lineSeq,
        facilityId: s.facilityId,
        releaseKey: s.releaseKey,
        shipmentKey: s.key,
        lineVersion: after.version,
        ...recorded(i, result),
      },
      shipments: [{ ...shipment, lineSeq }],
    },
  };
}

/**
 * Units of the line reflected in NetSuite's figure at a facility (`reflection.drop` > 0): the
 * line's `reflected` grows, its reservation row and the position's reserved units drop by as much.
 */
export function planReflect(i: {
  readonly read: LineState;
  readonly reflection: Reflection<LineState>;
  readonly facility: FacilityFigures;
  readonly env: CommandEnvelope;
  readonly now: string;
  readonly request: string;
}): CommandPlan<ReflectResult, never> {
  const { read, reflection: r, facility, now } = i;
  const { orderId, lineSeq, sku } = read;
  const facilityId = facility.facilityId;
  const after: LineState = { ...r.line, version: read.version + 1, updatedAt: now };
  const result: ReflectResult = {
    orderId,
    lineSeq,
    facilityId,
    replayed: false,
    drop: r.drop,
    counted: r.countedAfter,
  };
  return {
    result,
    writes: {
      lines: [{ line: after, expectedVersion: read.version }],
      event: {
        type: 'reflected',
        orderId,
        lineSeq,
        facilityId,
        quantity: r.drop,
        lineVersion: after.version,
        ...recorded(i, result),
      },
      inventory: [
        { kind: 'reserve', facility, delta: -r.drop },
        { kind: 'reservation', sku, facilityId, orderId, lineSeq, qty: r.countedAfter },
      ],
    },
  };
}
