/**
 * An inventory rule's facility filters: for each facility, the stock the pending lines can use
 * there and every reason it cannot take part. Pure.
 *
 * - Queues (`_NAME_`) never take items.
 * - `facilityGroup`: include = in at least one listed group; exclude = in none.
 * - `maxDistanceKm`: haversine from the ship-to address; a facility or address without
 *   coordinates fails.
 * - `respectDailyOrderLimit`: dropped when `ordersToday ≥ dailyOrderLimit`, unless the facility
 *   already got items of this order in this decision (an order counts once per facility).
 * - Usable stock of a line = ATP left in this decision − `safetyStock`, floored at 0; 0 at a
 *   facility that rejected the line. A facility with no usable stock for any line is dropped.
 * - Whole-order rules (`partialAllocation: false`) and `allItemsAvailable` need the facility to
 *   take every pending line in full (quantities of lines of one SKU add up), never having
 *   rejected any of them; whole-order rules also need the order's value ≥ `minShipmentValue`
 *   (partial rules check it per facility while placing).
 * - A line is placed whole (never split across facilities), so under a partial rule a facility
 *   must have the usable stock for at least one pending line in full (`WHOLE_LINE` otherwise).
 */
import type { BrokerLine, FacilityView } from './broker-order.ts';
import type { DropReason, LineStock } from './decision.ts';
import { distanceKm, type Coordinates } from './distance.ts';
import { isQueueId } from './queues.ts';
import type { InventoryRule } from './routing-config.ts';

export interface PendingLine {
  readonly line: BrokerLine;
  /** Quantity still to place. */
  readonly quantity: number;
}

export interface ScreenInput {
  readonly rule: InventoryRule;
  readonly shipTo: Coordinates;
  readonly pending: readonly PendingLine[];
  readonly facilities: readonly FacilityView[];
  /** ATP left in this decision (the lookup less what the decision already placed). */
  readonly atp: (sku: string, facilityId: string) => number;
  /** Facilities that already got items of this order in this decision. */
  readonly usedFacilities: ReadonlySet<string>;
  /** lineSeq → the one-location-per-line facility the line holds or was given in this decision. */
  readonly oneLocation?: ReadonlyMap<string, string>;
}

export interface Candidate {
  readonly facility: FacilityView;
  /** Unrounded. */
  readonly distanceKm?: number;
  readonly stock: readonly LineStock[];
  readonly reasons: readonly DropReason[];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** A facility short of every line it could have taken: a line is never split. */
export const wholeLine = (short: readonly string[]): DropReason => ({
  code: 'WHOLE_LINE',
  message: `not enough for a whole line (${short.join(', ')}); a line is never split`,
});

export const shipmentValue = (items: readonly { line: BrokerLine; quantity: number }[]): number =>
  items.reduce((sum, i) => sum + i.line.price * i.quantity, 0);

function lineStock(input: ScreenInput, f: FacilityView): LineStock[] {
  const safety = input.rule.filters.safetyStock;
  return input.pending.map(({ line }) => {
    const atp = input.atp(line.sku, f.facilityId);
    if (line.excludedFacilities.includes(f.facilityId)) {
      return { lineSeq: line.lineSeq, sku: line.sku, atp, usable: 0, rejectedBefore: true };
    }
    return { lineSeq: line.lineSeq, sku: line.sku, atp, usable: Math.max(0, atp - safety) };
  });
}

function placeReasons(input: ScreenInput, f: FacilityView, km: number | undefined): DropReason[] {
  const { filters } = input.rule;
  const out: DropReason[] = [];
  if (isQueueId(f.facilityId)) {
    out.push({ code: 'IS_QUEUE', message: 'is a queue (reserves nothing)' });
  }
  const group = filters.facilityGroup;
  if (group?.include && !f.groups.some((g) => group.include!.includes(g))) {
    out.push({
      code: 'NOT_IN_GROUP',
      message: `not in group [${group.include.join(', ')}] (in [${f.groups.join(', ')}])`,
    });
  }
  const excludedBy = group?.exclude ? f.groups.filter((g) => group.exclude!.includes(g)) : [];
  if (excludedBy.length > 0) {
    out.push({ code: 'GROUP_EXCLUDED', message: `group excluded (${excludedBy.join(', ')})` });
  }
  if (filters.maxDistanceKm !== undefined) {
    if (km === undefined) {
      const which = f.lat === undefined || f.lon === undefined ? 'facility' : 'ship-to address';
      out.push({
        code: 'NO_COORDINATES',
        message: `distance unknown: the ${which} has no coordinates`,
      });
    } else if (km > filters.maxDistanceKm) {
      out.push({
        code: 'TOO_FAR',
        message: `too far (${round1(km)} km > ${filters.maxDistanceKm} km)`,
      });
    }
  }
  const limit = f.dailyOrderLimit;
  if (
    filters.respectDailyOrderLimit &&
    limit !== undefined &&
    !input.usedFacilities.has(f.facilityId) &&
    f.ordersToday >= limit
  ) {
    out.push({
      code: 'DAILY_LIMIT_REACHED',
      message: `daily limit reached (${f.ordersToday}/${limit})`,
    });
  }
  return out;
}

function stockReasons(input: ScreenInput, stock: readonly LineStock[]): DropReason[] {
  const { rule, pending } = input;
  const needsAll = !rule.partialAllocation || rule.filters.allItemsAvailable;
  const out: DropReason[] = [];
  const rejected = stock.filter((s) => s.rejectedBefore);
  if (rejected.length === stock.length || (needsAll && rejected.length > 0)) {
    out.push({
      code: 'REJECTED_BEFORE',
      message: `rejected ${rejected.map((s) => s.lineSeq).join(', ')} before`,
    });
  }
  const open = stock.filter((s) => !s.rejectedBefore);
  if (open.length > 0 && open.every((s) => s.usable <= 0)) {
    const safety = rule.filters.safetyStock;
    if (safety > 0 && open.some((s) => s.atp > 0)) {
      out.push({
        code: 'BELOW_SAFETY_STOCK',
        message: `below safety stock (${open.map((s) => `${s.sku} ATP ${s.atp} ≤ ${safety}`).join(', ')})`,
      });
    } else {
      out.push({ code: 'NO_STOCK', message: 'no stock of any item' });
    }
    return out;
  }
  if (!needsAll) {
    // `stock` lists the pending lines in order.
    const short: string[] = [];
    let fitsWhole = false;
    pending.forEach((p, i) => {
      const s = stock[i]!;
      if (s.rejectedBefore) return;
      if (s.usable >= p.quantity) fitsWhole = true;
      else short.push(`${p.line.lineSeq} ${s.sku} usable ${s.usable} < ${p.quantity}`);
    });
    if (!fitsWhole && short.length > 0) out.push(wholeLine(short));
  }
  if (needsAll) {
    const demand = new Map<string, number>();
    for (const p of pending) demand.set(p.line.sku, (demand.get(p.line.sku) ?? 0) + p.quantity);
    const short: string[] = [];
    for (const [sku, need] of demand) {
      const s = open.find((x) => x.sku === sku);
      if (s && s.usable < need) short.push(`${sku} usable ${s.usable} < ${need}`);
    }
    if (short.length > 0) {
      out.push({ code: 'NOT_ALL_ITEMS', message: `not all items (${short.join(', ')})` });
    }
  }
  const min = rule.filters.minShipmentValue;
  if (!rule.partialAllocation && min !== undefined) {
    const value = shipmentValue(pending);
    if (value < min) {
      out.push({
        code: 'MIN_SHIPMENT_VALUE',
        message: `shipment value ${value} < minimum ${min}`,
      });
    }
  }
  return out;
}

/** Every facility with its stock and the reasons it is dropped (none: kept). */
export function screenFacilities(input: ScreenInput): Candidate[] {
  return input.facilities.map((f) => {
    const km = distanceKm(input.shipTo, f);
    const stock = lineStock(input, f);
    const reasons = [...placeReasons(input, f, km), ...stockReasons(input, stock)];
    return { facility: f, ...(km !== undefined ? { distanceKm: km } : {}), stock, reasons };
  });
}
