/**
 * The brokering engine: decides, for one order, where each item goes under a product store's
 * brokering run. Pure and deterministic: no I/O, the clock and stock come in as arguments, and
 * the decision (with its explanation) is plain JSON. The job reserves what it says through the
 * order core's atomic moves, which may still refuse a reservation if stock moved meanwhile.
 *
 * Semantics:
 * - Active routings are tried in order. A routing's order filters select the lines it brokers
 *   (see `matchOrder`); lines already placed or queued by an earlier routing are not offered
 *   again, lines an earlier routing fell through on are.
 * - Within a routing, active inventory rules are tried in order on what is still unplaced.
 *   What a rule cannot place goes to the next rule (`next-rule`, and after the last rule to the
 *   following routings), or is queued (`moveToQueue` / `autoCancelDays`) and not brokered
 *   again in this run. A move to `_UNFILLABLE_PARKING_` without days auto-cancels after 7 days.
 * - Stock: usable = ATP − the rule's safety stock, > 0. Everything placed in this decision is
 *   subtracted from ATP for the rules and routings after it, so no facility is given more than
 *   its usable stock, also when several lines share a SKU.
 * - A line is placed whole: all of its pending quantity at one facility, or not at all (NetSuite
 *   holds one location per sales-order line); partial allocation places some lines of an order
 *   and not others, never part of a line.
 * - Whole vs partial and the minimum shipment value: see `allocate.ts`; the facility filters:
 *   see `facility-filter.ts`. A facility that rejected a line is never given that line.
 * - Daily order limit: an order counts once per facility it gets items at (`facilitiesUsed`), so
 *   a facility that already got part of this order is not stopped by its limit for the rest.
 * - Anything neither placed nor queued is `unplaced`; Σ allocated + queued + unplaced = Σ line
 *   quantities.
 */
import { applyRule, pendingQuantities } from './allocate.ts';
import type { BrokerLine, BrokerOrder, FacilityView, StockLookup } from './broker-order.ts';
import type {
  Allocation,
  BrokeringDecision,
  QueuedItem,
  RoutingExplanation,
  RuleExplanation,
  UnplacedItem,
} from './decision.ts';
import type { PendingLine } from './facility-filter.ts';
import { DAY_MS, matchOrder } from './order-sort.ts';
import { defaultAutoCancelDays } from './queues.ts';
import type { BrokeringRun, InventoryRule, Routing } from './routing-config.ts';

export interface BrokerInput {
  readonly order: BrokerOrder;
  readonly run: BrokeringRun;
  readonly facilities: readonly FacilityView[];
  /** ATP per SKU × facility before this decision; negative or non-numeric values count as 0. */
  readonly stock: StockLookup;
  readonly now: Date;
}

/** Mutable state of one decision, threaded through routings and rules. */
class Tally {
  readonly remaining = new Map<string, number>();
  /** Lines queued: not brokered again in this run. */
  readonly queuedLines = new Set<string>();
  /** Lines some routing selected. */
  readonly selected = new Set<string>();
  readonly consumed = new Map<string, number>();
  readonly usedFacilities = new Set<string>();
  /** lineSeq → its one-location-per-line facility (held before or placed in this decision). */
  readonly oneLocation = new Map<string, string>();
  readonly allocations: Allocation[] = [];
  readonly queued: QueuedItem[] = [];
  readonly matched: { routing: string; rule: string }[] = [];

  constructor(
    readonly lines: readonly BrokerLine[],
    private readonly stock: StockLookup,
  ) {
    for (const l of lines) {
      this.remaining.set(l.lineSeq, l.quantity);
      if (l.oneLocationAt) this.oneLocation.set(l.lineSeq, l.oneLocationAt);
    }
  }

  open(): BrokerLine[] {
    return this.lines.filter(
      (l) => (this.remaining.get(l.lineSeq) ?? 0) > 0 && !this.queuedLines.has(l.lineSeq),
    );
  }

  pending(lineSeqs: readonly string[]): PendingLine[] {
    return this.open()
      .filter((l) => lineSeqs.includes(l.lineSeq))
      .map((line) => ({ line, quantity: this.remaining.get(line.lineSeq) ?? 0 }));
  }

  atp = (sku: string, facilityId: string): number => {
    const raw = this.stock(sku, facilityId);
    const base = Number.isFinite(raw) ? Math.max(0, Math.floor(raw)) : 0;
    return base - (this.consumed.get(`${sku}\u0000${facilityId}`) ?? 0);
  };

  place(
    line: BrokerLine,
    facilityId: string,
    quantity: number,
    routing: string,
    rule: string,
    oneLocationPerLine: boolean,
  ) {
    if (oneLocationPerLine) this.oneLocation.set(line.lineSeq, facilityId);
    const key = `${line.sku}\u0000${facilityId}`;
    this.consumed.set(key, (this.consumed.get(key) ?? 0) + quantity);
    this.remaining.set(line.lineSeq, (this.remaining.get(line.lineSeq) ?? 0) - quantity);
    this.usedFacilities.add(facilityId);
    this.allocations.push({ lineSeq: line.lineSeq, facilityId, quantity, routing, rule });
  }

  noteMatch(routing: string, rule: string) {
    if (!this.matched.some((m) => m.routing === routing && m.rule === rule)) {
      this.matched.push({ routing, rule });
    }
  }
}

function checkLines(order: BrokerOrder): void {
  const seen = new Set<string>();
  for (const l of order.lines) {
    if (seen.has(l.lineSeq))
      throw new RangeError(`order ${order.orderId}: line ${l.lineSeq} twice`);
    seen.add(l.lineSeq);
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 0) {
      throw new RangeError(`order ${order.orderId} line ${l.lineSeq}: quantity ${l.quantity}`);
    }
  }
}

const inactiveRule = (rule: InventoryRule): RuleExplanation => ({
  rule: rule.name,
  status: 'inactive',
  partialAllocation: rule.partialAllocation,
  pending: [],
  sortedBy: rule.sorts,
  sortOrder: [],
  facilities: [],
  placed: [],
  left: [],
  action: 'none',
});

function runRule(
  input: BrokerInput,
  tally: Tally,
  routing: Routing,
  rule: InventoryRule,
  lineSeqs: readonly string[],
): RuleExplanation {
  const pending = tally.pending(lineSeqs);
  const result = applyRule({
    rule,
    shipTo: input.order.shipTo,
    pending,
    facilities: input.facilities,
    atp: tally.atp,
    usedFacilities: tally.usedFacilities,
    oneLocation: tally.oneLocation,
  });
  const oneLocationPerLine = new Set(
    input.facilities.filter((f) => f.oneLocationPerLine).map((f) => f.facilityId),
  );
  const placed: Allocation[] = [];
  for (const p of result.placed) {
    const line = pending.find((x) => x.line.lineSeq === p.lineSeq)!.line;
    tally.place(
      line,
      p.facilityId,
      p.quantity,
      routing.name,
      rule.name,
      oneLocationPerLine.has(p.facilityId),
    );
    placed.push({ ...p, routing: routing.name, rule: rule.name });
  }
  if (placed.length > 0) tally.noteMatch(routing.name, rule.name);
  const left = pendingQuantities(tally.pending(lineSeqs));
  let action: RuleExplanation['action'] = left.length === 0 ? 'done' : 'next-rule';
  const when = rule.whenUnavailable;
  if (left.length > 0 && when !== 'next-rule') {
    action = 'queued';
    tally.noteMatch(routing.name, rule.name);
    for (const { lineSeq, quantity } of left) {
      const line = pending.find((x) => x.line.lineSeq === lineSeq)!.line;
      const queue = when.moveToQueue ?? line.queue ?? input.order.queue;
      const days =
        when.autoCancelDays ?? (when.moveToQueue ? defaultAutoCancelDays(queue) : undefined);
      tally.queuedLines.add(lineSeq);
      tally.queued.push({
        lineSeq,
        quantity,
        queue,
        ...(days !== undefined
          ? { autoCancelAt: new Date(input.now.getTime() + days * DAY_MS).toISOString() }
          : {}),
        routing: routing.name,
        rule: rule.name,
      });
    }
  }
  return {
    rule: rule.name,
    status: 'evaluated',
    partialAllocation: rule.partialAllocation,
    pending: pendingQuantities(pending),
    sortedBy: rule.sorts,
    sortOrder: result.sortOrder,
    facilities: result.facilities,
    placed,
    left,
    action,
  };
}

function runRouting(input: BrokerInput, tally: Tally, routing: Routing): RoutingExplanation {
  const base = { routing: routing.name, lines: [], skippedLines: [], rules: [] };
  if (!routing.active) return { ...base, status: 'inactive' };
  const open = tally.open();
  if (open.length === 0) return { ...base, status: 'nothing-left' };
  const view: BrokerOrder = {
    ...input.order,
    lines: open.map((l) => ({ ...l, quantity: tally.remaining.get(l.lineSeq) ?? 0 })),
  };
  const match = matchOrder(view, routing.orderFilters, input.now);
  if (!match.matched) {
    return {
      ...base,
      status: 'not-matched',
      failed: match.failed!,
      skippedLines: match.skippedLines,
    };
  }
  for (const l of match.lines) tally.selected.add(l);
  const rules: RuleExplanation[] = [];
  for (const rule of routing.inventoryRules) {
    if (!rule.active) {
      rules.push(inactiveRule(rule));
      continue;
    }
    if (tally.pending(match.lines).length === 0) break;
    const r = runRule(input, tally, routing, rule, match.lines);
    rules.push(r);
    if (r.action !== 'next-rule') break;
  }
  return {
    ...base,
    status: 'matched',
    lines: match.lines,
    skippedLines: match.skippedLines,
    rules,
  };
}

/** Brokers one order under a run. Throws RangeError on a repeated lineSeq or a bad quantity. */
export function brokerOrder(input: BrokerInput): BrokeringDecision {
  checkLines(input.order);
  const tally = new Tally(input.order.lines, input.stock);
  const routings = input.run.routings.map((r) => runRouting(input, tally, r));
  const unplaced: UnplacedItem[] = tally.open().map((l) => ({
    lineSeq: l.lineSeq,
    quantity: tally.remaining.get(l.lineSeq) ?? 0,
    reason: tally.selected.has(l.lineSeq) ? 'not-available' : 'not-selected',
  }));
  return {
    orderId: input.order.orderId,
    productStoreId: input.run.productStoreId,
    decidedAt: input.now.toISOString(),
    matched: tally.matched,
    allocations: tally.allocations,
    queued: tally.queued,
    unplaced,
    facilitiesUsed: [...tally.usedFacilities],
    explanation: { routings },
  };
}
