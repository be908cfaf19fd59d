/**
 * One inventory rule applied to the pending lines: screen the facilities, sort the kept ones,
 * place. Pure; the engine carries stock and facility use from rule to rule.
 *
 * - Whole order (`partialAllocation: false`): the first facility in sort order takes every
 *   pending line in full (the filters already kept only facilities that can), or nothing is
 *   placed. Lines are never split.
 * - Partial (`partialAllocation: true`): facilities in sort order each take as much of every
 *   pending line as their usable stock allows (a line may split across facilities, one ship
 *   group per facility), so the best facilities fill first and few ship groups result. A
 *   facility whose share would be worth less than `minShipmentValue` (Σ price × quantity placed
 *   there) takes nothing and is dropped; the next facilities get the chance instead.
 */
import type { DropReason, FacilityExplanation, PendingQuantity } from './decision.ts';
import {
  round1,
  screenFacilities,
  shipmentValue,
  type Candidate,
  type PendingLine,
  type ScreenInput,
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

/** False when the facility holds one location per line and the line is already at another. */
const fits = (c: Candidate, lineSeq: string, oneLocation: ReadonlyMap<string, string>) =>
  !c.facility.oneLocationPerLine ||
  (oneLocation.get(lineSeq) ?? c.facility.facilityId) === c.facility.facilityId;

const ONE_LOCATION: DropReason = {
  code: 'ONE_LOCATION_PER_LINE',
  message: 'a line already at another facility of this kind cannot also be here',
};

function placeWhole(
  sorted: readonly Candidate[],
  pending: readonly PendingLine[],
  oneLocation: ReadonlyMap<string, string>,
  late: Map<string, DropReason>,
): Placement[] {
  const first = sorted.find((c) => {
    const ok = pending.every((p) => fits(c, p.line.lineSeq, oneLocation));
    if (!ok) late.set(c.facility.facilityId, ONE_LOCATION);
    return ok;
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
  oneLocationIn: ReadonlyMap<string, string>,
): Placement[] {
  const oneLocation = new Map(oneLocationIn);
  const remaining = new Map(pending.map((p) => [p.line.lineSeq, p.quantity]));
  const placed: Placement[] = [];
  for (const c of sorted) {
    const takenOfSku = new Map<string, number>();
    const share: { line: PendingLine['line']; quantity: number }[] = [];
    let blocked = false;
    for (const p of pending) {
      const s = c.stock.find((x) => x.lineSeq === p.line.lineSeq);
      if (!s || s.rejectedBefore) continue;
      if ((remaining.get(p.line.lineSeq) ?? 0) > 0 && !fits(c, p.line.lineSeq, oneLocation)) {
        blocked = true;
        continue;
      }
      const free = s.usable - (takenOfSku.get(s.sku) ?? 0);
      const q = Math.min(remaining.get(p.line.lineSeq) ?? 0, free);
      if (q <= 0) continue;
      takenOfSku.set(s.sku, (takenOfSku.get(s.sku) ?? 0) + q);
      share.push({ line: p.line, quantity: q });
    }
    if (share.length === 0) {
      if (blocked) late.set(c.facility.facilityId, ONE_LOCATION);
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
      remaining.set(line.lineSeq, (remaining.get(line.lineSeq) ?? 0) - quantity);
      placed.push({ lineSeq: line.lineSeq, facilityId: c.facility.facilityId, quantity });
      if (c.facility.oneLocationPerLine) oneLocation.set(line.lineSeq, c.facility.facilityId);
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
