/**
 * What the brokering engine decides for one order, and why. Plain JSON (no Maps, no Dates), so
 * it can be stored with the order and printed by `oms broker explain <order>`.
 *
 * Every unit of every line (quantity > 0) ends in exactly one of `allocations`, `queued` or
 * `unplaced`: Σ allocated + Σ queued + Σ unplaced = Σ line quantities.
 */
import type { FilterFailure, SkippedLine } from './order-sort.ts';
import type { FacilitySort } from './routing-config.ts';

/** Quantity of a line placed at a facility by a routing's rule. */
export interface Allocation {
  readonly lineSeq: string;
  readonly facilityId: string;
  readonly quantity: number;
  readonly routing: string;
  readonly rule: string;
}

/** Quantity a rule could not place, moved to a queue and/or given an auto-cancel date. */
export interface QueuedItem {
  readonly lineSeq: string;
  readonly quantity: number;
  /** The queue it goes to (the one it is in when the rule only sets an auto-cancel date). */
  readonly queue: string;
  /** ISO timestamp: decision time + the rule's auto-cancel days. */
  readonly autoCancelAt?: string;
  readonly routing: string;
  readonly rule: string;
}

/**
 * Quantity nothing placed or queued: `not-selected` when no active routing's filters took the
 * line, `not-available` when routings took it but every rule fell through. The caller backorders
 * it or leaves it in its queue.
 */
export interface UnplacedItem {
  readonly lineSeq: string;
  readonly quantity: number;
  readonly reason: 'not-selected' | 'not-available';
}

export type DropCode =
  | 'IS_QUEUE'
  | 'NOT_IN_GROUP'
  | 'GROUP_EXCLUDED'
  | 'NO_COORDINATES'
  | 'TOO_FAR'
  | 'DAILY_LIMIT_REACHED'
  | 'REJECTED_BEFORE'
  | 'NO_STOCK'
  | 'BELOW_SAFETY_STOCK'
  | 'NOT_ALL_ITEMS'
  | 'MIN_SHIPMENT_VALUE'
  /** The facility cannot take any pending line whole (a line is never split across facilities). */
  | 'WHOLE_LINE'
  /** The line already sits at another facility of a kind that holds one location per line. */
  | 'ONE_LOCATION_PER_LINE';

export interface DropReason {
  readonly code: DropCode;
  readonly message: string;
}

/** A line's stock at a facility as a rule saw it. */
export interface LineStock {
  readonly lineSeq: string;
  readonly sku: string;
  /** ATP less what this decision already placed there. */
  readonly atp: number;
  /** ATP − the rule's safety stock, floored at 0 (0 when the facility rejected the line). */
  readonly usable: number;
  /** The facility rejected this line before. */
  readonly rejectedBefore?: true;
}

export interface FacilityExplanation {
  readonly facilityId: string;
  /** `dropped` by a filter, `allocated` items, or kept but `unused`. */
  readonly outcome: 'dropped' | 'allocated' | 'unused';
  readonly distanceKm?: number;
  readonly stock: readonly LineStock[];
  /** Why it was dropped (empty otherwise). */
  readonly reasons: readonly DropReason[];
}

export interface PendingQuantity {
  readonly lineSeq: string;
  readonly quantity: number;
}

export interface RuleExplanation {
  readonly rule: string;
  /** `inactive` rules are listed but not evaluated. */
  readonly status: 'inactive' | 'evaluated';
  readonly partialAllocation: boolean;
  /** What the rule tried to place. */
  readonly pending: readonly PendingQuantity[];
  readonly sortedBy: readonly FacilitySort[];
  /** Facilities kept after the filters, in their final sort order. */
  readonly sortOrder: readonly string[];
  /** Every facility considered: kept ones in sort order, then dropped ones. */
  readonly facilities: readonly FacilityExplanation[];
  readonly placed: readonly Allocation[];
  /** What it could not place. */
  readonly left: readonly PendingQuantity[];
  /** `done`: nothing left; `next-rule`: left to the next rule/routing; `queued`: see `queued`. */
  readonly action: 'done' | 'next-rule' | 'queued' | 'none';
}

export interface RoutingExplanation {
  readonly routing: string;
  /** `nothing-left`: earlier routings placed or queued everything. */
  readonly status: 'inactive' | 'not-matched' | 'matched' | 'nothing-left';
  /** Why the order filters did not match. */
  readonly failed?: FilterFailure;
  /** Lines the routing brokered. */
  readonly lines: readonly string[];
  readonly skippedLines: readonly SkippedLine[];
  readonly rules: readonly RuleExplanation[];
}

export interface BrokeringDecision {
  readonly orderId: string;
  readonly productStoreId: string;
  /** ISO timestamp of `now`. */
  readonly decidedAt: string;
  /** Each routing and rule that placed or queued something, in order. */
  readonly matched: readonly { readonly routing: string; readonly rule: string }[];
  readonly allocations: readonly Allocation[];
  readonly queued: readonly QueuedItem[];
  readonly unplaced: readonly UnplacedItem[];
  /** Facilities that got items: each counts this order once toward its daily order limit. */
  readonly facilitiesUsed: readonly string[];
  readonly explanation: { readonly routings: readonly RoutingExplanation[] };
}
