/**
 * One inventory rule applied to the pending lines: screen the facilities, sort the kept ones,
 * place. Pure; the engine carries stock and facility use from rule to rule.
 *
 * A line is always placed **whole**: all of its pending quantity at one facility, or not at all.
 * NetSuite holds one location per sales-order line and fulfils an OMS-fulfilled line once, so a
 * line split across facilities could never be told to it.
 *
 * - Whole order (`partialAllocation: false`): the first facility in sort order takes every
 *   pending line in full (the filters already kept only facilities that can), or nothing is
 *   placed.
 * - Partial (`partialAllocation: true`): some lines of the order may be placed and others not.
 *   Facilities in sort order each take every pending line they have the usable stock for in
 *   full (lines of one SKU share it, in line order), so the best facilities fill first and few
 *   ship groups result; a facility short of a line's quantity does not take that line
 *   (`WHOLE_LINE` when it takes none). A facility whose share would be worth less than
 *   `minShipmentValue` (Σ price × quantity placed there) takes nothing and is dropped; the next
 *   facilities get the chance instead.
 */
import type { BrokerLine } from './broker-order.ts';
import type { DropReason, FacilityExplanation, PendingQuantity } from './decision.ts';
import {
  round1,
  screenFacilities,
  shipmentValue,
  type Candidate,
  type PendingLine,
  type ScreenInput,
  wholeLine,
} from './facility-filter.ts';
import { sortFacilities } from './facility-sort.ts';

export interface Placement {
  readonly lineSeq: string;
  readonly facilityId: string;
  readonly quantity: number;
}

export interface RuleResult {
  readonly placed: readonly Placement[];
  /** Kept facilities in sort order. */
  readonly sortOrder: readonly string[];
  readonly facilities: readonly FacilityExplanation[];
}

const ONE_LOCATION: DropReason = {
  code: 'ONE_LOCATION_PER_LINE',
  message: 'a line already at another facility of this kind cannot also be here',
};

/**
 * Why a facility that holds one location per line (NetSuite-fulfilled) may not take the line:
 * it is already at another such facility, or a facility of another kind (a store) holds or
 * shipped units of it — NetSuite would commit, and ship, the whole line at this one.
 */
function blocked(
  c: Candidate,
  line: BrokerLine,
  oneLocation: ReadonlyMap<string, string>,
): DropReason | undefined {
  if (!c.facility.oneLocationPerLine) return undefined;
  if ((oneLocation.get(line.lineSeq) ?? c.facility.facilityId) !== c.facility.facilityId) {
    return ONE_LOCATION;
  }
  if (line.otherKindAt) {
    return {
      code: 'ONE_LOCATION_PER_LINE',
      message: `line ${line.lineSeq} has units at ${line.otherKindAt}, not a facility of this kind: one location per line`,
    };
  }
  return undefined;
}

function placeWhole(
  sorted: readonly Candidate[],
  pending: readonly PendingLine[],
  oneLocation: ReadonlyMap<string, string>,
  late: Map<string, DropReason>,
): Placement[] {
  const first = sorted.find((c) => {
    const why = pending.map((p) => blocked(c, p.line, oneLocation)).find((r) => r);
    if (why) late.set(c.facility.facilityId, why);
    return !why;
  });
  if (!first) return [];
  return pending.map((p) => ({
    lineSeq: p.line.lineSeq,
    facilityId: first.facility.facilityId,
    quantity: p.quantity,
  }));
}

function placePartial(
  sorted: readonly Candidate[],
  pending: readonly PendingLine[],
  minValue: number | undefined,
  late: Map<string, DropReason>,
  oneLocation: ReadonlyMap<string, string>,
): Placement[] {
  /** Lines placed by this rule (each goes whole to one facility). */
  const done = new Set<string>();
  const placed: Placement[] = [];
  for (const c of sorted) {
    const takenOfSku = new Map<string, number>();
    const share: { line: PendingLine['line']; quantity: number }[] = [];
    const short: string[] = [];
    let refused: DropReason | undefined;
    for (const p of pending) {
      if (done.has(p.line.lineSeq) || p.quantity <= 0) continue;
      const s = c.stock.find((x) => x.lineSeq === p.line.lineSeq);
      if (!s || s.rejectedBefore) continue;
      const why = blocked(c, p.line, oneLocation);
      if (why) {
        refused ??= why;
        continue;
      }
      const free = s.usable - (takenOfSku.get(s.sku) ?? 0);
      if (free < p.quantity) {
        short.push(`${p.line.lineSeq} ${s.sku} usable ${Math.max(0, free)} < ${p.quantity}`);
        continue;
      }
      takenOfSku.set(s.sku, (takenOfSku.get(s.sku) ?? 0) + p.quantity);
      share.push({ line: p.line, quantity: p.quantity });
    }
    if (share.length === 0) {
      if (refused) late.set(c.facility.facilityId, refused);
      else if (short.length) late.set(c.facility.facilityId, wholeLine(short));
      continue;
    }
    const value = shipmentValue(share);
    if (minValue !== undefined && value < minValue) {
      late.set(c.facility.facilityId, {
        code: 'MIN_SHIPMENT_VALUE',
        message: `shipment value ${value} < minimum ${minValue}`,
      });
      continue;
    }
    for (const { line, quantity } of share) {
      done.add(line.lineSeq);
      placed.push({ lineSeq: line.lineSeq, facilityId: c.facility.facilityId, quantity });
    }
  }
  return placed;
}

function explain(
  c: Candidate,
  outcome: FacilityExplanation['outcome'],
  reasons: readonly DropReason[],
): FacilityExplanation {
  return {
    facilityId: c.facility.facilityId,
    outcome,
    ...(c.distanceKm !== undefined ? { distanceKm: round1(c.distanceKm) } : {}),
    stock: c.stock,
    reasons,
  };
}

/** Screens, sorts and places for one rule. */
export function applyRule(input: ScreenInput): RuleResult {
  const screened = screenFacilities(input);
  const kept = sortFacilities(
    screened.filter((c) => c.reasons.length === 0),
    input.rule.sorts,
  );
  const late = new Map<string, DropReason>();
  const oneLocation = input.oneLocation ?? new Map<string, string>();
  const placed = input.rule.partialAllocation
    ? placePartial(kept, input.pending, input.rule.filters.minShipmentValue, late, oneLocation)
    : placeWhole(kept, input.pending, oneLocation, late);
  const used = new Set(placed.map((p) => p.facilityId));
  const facilities = [
    ...kept.map((c) => {
      const drop = late.get(c.facility.facilityId);
      if (drop) return explain(c, 'dropped', [drop]);
      return explain(c, used.has(c.facility.facilityId) ? 'allocated' : 'unused', []);
    }),
    ...screened.filter((c) => c.reasons.length > 0).map((c) => explain(c, 'dropped', c.reasons)),
  ];
  return { placed, sortOrder: kept.map((c) => c.facility.facilityId), facilities };
}

export const pendingQuantities = (pending: readonly PendingLine[]): PendingQuantity[] =>
  pending.map((p) => ({ lineSeq: p.line.lineSeq, quantity: p.quantity }));
