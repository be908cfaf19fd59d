/**
 * What was truly available at each SKU × facility, counted the way an auditor on the shop floor
 * would, from NetSuite's own books (the simulator's on hand) and the day's physical events — never
 * from the OMS's inventory figures:
 *
 *   truly available = NetSuite's on hand
 *                     − units the stores shipped that NetSuite has not recorded yet
 *                     − units the stores reported lost (stolen, damaged) that NetSuite has not
 *                       recorded yet
 *                     − units promised to customers there and not shipped yet
 *
 * (units promised = the OMS order lines placed there: allocated, scheduled, released or being
 * picked). A pair whose truly available is below 0 was **oversold**: customers were promised
 * units that are not there. The OMS's own figures are compared against it: its availability
 * (NetSuite's figure in force − counted − safety) must never be above truly available − safety.
 */
import type { LineState } from '../../../shared/domain/lifecycle/line.ts';
import type { NetsuiteSimulator } from '../../netsuite/index.ts';
import type { DemoContext } from '../types.ts';
import { STATUS } from '../../../shared/domain/lifecycle/status.ts';

export interface PairTruth {
  readonly sku: string;
  readonly facilityId: string;
  /** NetSuite's on hand (the simulator's books). */
  readonly onHand: number;
  /** Units the stores shipped that NetSuite has not fulfilled yet. */
  readonly shippedNotRecorded: number;
  /** Units the stores reported lost that NetSuite has not adjusted yet. */
  readonly lostNotRecorded: number;
  /** Units promised there, not shipped yet. */
  readonly promisedOpen: number;
  readonly trulyAvailable: number;
}

export interface Oversold {
  readonly pairs: number;
  readonly units: number;
}

/** Units of the line at the facility promised and not shipped (1200, 1500, 3200, 3350). */
function openAt(line: LineState, facilityId: string): number {
  const a = line.alloc[facilityId];
  let n = (a?.[STATUS.ALLOCATED] ?? 0) + (a?.[STATUS.SCHEDULED] ?? 0);
  for (const r of Object.values(line.releases))
    if (r.facilityId === facilityId) n += r.statusQuantity;
  return n;
}

/** Every SKU × facility of NetSuite's books, with what was truly available there. */
export function trulyAvailable(
  ctx: {
    readonly sample: Pick<DemoContext['sample'], 'facilities' | 'products'>;
    readonly sim: NetsuiteSimulator;
  },
  lines: readonly LineState[],
  /** Units the stores reported lost (`sku|facilityId` → units), when they report any. */
  lost: ReadonlyMap<string, number> = new Map(),
): PairTruth[] {
  const facilityOf = new Map(ctx.sample.facilities.map((f) => [f.externalId, f.facilityId]));
  const locationOf = new Map(ctx.sample.facilities.map((f) => [f.facilityId, f.externalId]));
  const key = (sku: string, facilityId: string) => `${sku}|${facilityId}`;
  const shipped = new Map<string, number>();
  const open = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const storeIds = new Set(
    ctx.sample.facilities.filter((f) => f.kind === 'store').map((f) => f.facilityId),
  );
  for (const l of lines) {
    for (const s of Object.values(l.shipments)) {
      if (s.quantity > 0 && storeIds.has(s.facilityId))
        add(shipped, key(l.sku, s.facilityId), s.quantity);
    }
    const facilities = new Set([
      ...Object.keys(l.alloc),
      ...Object.values(l.releases).map((r) => r.facilityId),
    ]);
    for (const f of facilities) add(open, key(l.sku, f), openAt(l, f));
  }
  // What NetSuite recorded of the stores' shipments (item fulfillments made from OMS rows).
  const skuOfItem = new Map(ctx.sample.products.map((p) => [p.itemId, p.sku]));
  const skuOfLine = new Map(lines.map((l) => [`${l.orderId}|${l.lineSeq}`, l.sku]));
  for (const f of ctx.sim.fulfillments()) {
    if (f.source !== 'oms') continue;
    const facilityId = facilityOf.get(f.location);
    const sku = skuOfLine.get(`${f.hcOrderId}|${f.orderLineId}`);
    if (facilityId && sku) add(shipped, key(sku, facilityId), -f.quantity);
  }
  // What NetSuite recorded of the stores' losses (adjustments imported from the OMS's files).
  const lostLeft = new Map(lost);
  for (const t of ctx.sim.transactions()) {
    if (t.type !== 'adjustment' || t.source !== 'oms') continue;
    for (const l of t.lines) {
      const facilityId = facilityOf.get(l.location);
      const sku = skuOfItem.get(l.itemId);
      if (facilityId && sku && l.delta < 0) add(lostLeft, key(sku, facilityId), l.delta);
    }
  }
  return ctx.sim.books().flatMap((b) => {
    const facilityId = facilityOf.get(b.location);
    const sku = skuOfItem.get(b.itemId) ?? b.sku;
    if (!facilityId || !locationOf.has(facilityId)) return [];
    const shippedNotRecorded = Math.max(0, shipped.get(key(sku, facilityId)) ?? 0);
    const lostNotRecorded = Math.max(0, lostLeft.get(key(sku, facilityId)) ?? 0);
    const promisedOpen = open.get(key(sku, facilityId)) ?? 0;
    return [
      {
        sku,
        facilityId,
        onHand: b.onHand,
        shippedNotRecorded,
        lostNotRecorded,
        promisedOpen,
        trulyAvailable: b.onHand - shippedNotRecorded - lostNotRecorded - promisedOpen,
      },
    ];
  });
}

/** Pairs (and units) promised beyond what was truly there. */
export const oversoldOf = (truth: readonly PairTruth[]): Oversold => {
  const over = truth.filter((t) => t.trulyAvailable < 0);
  return { pairs: over.length, units: over.reduce((n, t) => n - t.trulyAvailable, 0) };
};
