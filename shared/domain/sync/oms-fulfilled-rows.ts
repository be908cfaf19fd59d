/**
 * OMS-fulfilled items (`salesorder/update`, `lineId,internalId,item,quantity,location,tags`): what
 * a store (a facility the OMS fulfils, not NetSuite) shipped, so that NetSuite creates the Item
 * Fulfillment and the order moves on to billing. `tags` is always `hotwax-fulfilled` (the tag
 * NetSuite's script recognises).
 *
 * NetSuite's `HC_SC_CreateItemFulfillment` fulfils a line **once** (only lines with nothing shipped
 * yet), for the line's committed quantity at the line's location, and the row's `quantity`
 * overwrites the line quantity. So: **one row per line**, written once, when nothing of the line
 * is open any more (every unit shipped, cancelled or rejected) and at least one unit shipped from a
 * store. `quantity` = the units shipped (= the ordered quantity less what was cancelled or
 * rejected: no close is needed for the cancelled rest); `location` = that store's NetSuite
 * location.
 *
 * - **waiting**: units of the line are still open (the reason says how many); NetSuite's order or
 *   line id has not come back yet.
 * - **held back** (with reasons, listed by `oms sync status`): the units shipped from more than
 *   one facility, or part of the line was shipped by a NetSuite-fulfilled facility (NetSuite's
 *   script would skip the line forever: someone must settle it in NetSuite); no NetSuite item id
 *   for the SKU; the store unknown or without a NetSuite location.
 *
 * The ship command puts the line's outbox entry (`<orderId>#<lineSeq>`) again on every ship, so a
 * line has one entry however many parts it ships in. Entries of the older format, one per ship
 * command (`SF-…`), stand for their line the same way (the export keeps one entry per line).
 */
import type { Facility } from '../facility.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from '../orders/order.ts';
import { isNetsuiteFulfilled } from './allocation-rows.ts';
import { openQuantity } from './line-close-rows.ts';

export const OMS_FULFILLED_TAG = 'hotwax-fulfilled';

/**
 * At most 2,500 rows a file (well under the 25,000 of a scripted CSV import: every row makes
 * NetSuite create an Item Fulfillment, a heavy record, so files stay small).
 */
export const OMS_FULFILLED_MAX_ROWS = 2_500;

/**
 * What the `fulfilled` outbox keeps from the ship command on: the line, and the last ship (for
 * people reading the outbox; the row itself is built from the line as it is when sent).
 */
export interface OmsFulfilledPayload {
  readonly orderId: string;
  readonly lineSeq: string;
  /** The OMS facility (store) that shipped last. */
  readonly facilityId: string;
  readonly shipmentKey: string;
  /** Units shipped by the last ship command (> 0). */
  readonly quantity: number;
  /** ISO instant it shipped. */
  readonly shippedAt: string;
}

/** The outbox id of a line's OMS-fulfilled record: one per line, put again by every ship. */
export const omsFulfilledEntryId = (p: Pick<OmsFulfilledPayload, 'orderId' | 'lineSeq'>): string =>
  `${p.orderId}#${p.lineSeq}`;

export type OmsFulfilledRow =
  | { readonly kind: 'ready'; readonly row: Record<string, string> }
  /** Units of the line are still open, or NetSuite's ids for the order or line are not back. */
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'held'; readonly reasons: string[] }
  /** Nothing to send: the order or line is gone, or nothing of it shipped. */
  | { readonly kind: 'gone' };

/** Units of the line shipped, per facility that shipped them (shipment records). */
export function shippedBy(line: Pick<LineState, 'shipments'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of Object.values(line.shipments)) {
    if (s.quantity > 0) out.set(s.facilityId, (out.get(s.facilityId) ?? 0) + s.quantity);
  }
  return out;
}

export function omsFulfilledRow(
  p: Pick<OmsFulfilledPayload, 'orderId' | 'lineSeq'>,
  ctx: {
    readonly line?: LineState;
    readonly header?: OrderHeader;
    /** Facilities by id (those the line shipped from are looked up). */
    readonly facilities: ReadonlyMap<string, Facility>;
    readonly itemId?: string;
  },
): OmsFulfilledRow {
  const { line, header } = ctx;
  if (!line || !header) return { kind: 'gone' };
  const by = shippedBy(line);
  if (by.size === 0) return { kind: 'gone' };
  const where = `line ${p.orderId}/${p.lineSeq}`;
  const reasons: string[] = [];
  if (!ctx.itemId) reasons.push(`no NetSuite item id for SKU "${line.sku}"`);
  const shipped = [...by].sort(([a], [b]) => a.localeCompare(b));
  if (shipped.length > 1) {
    reasons.push(
      `${where} shipped from ${shipped.length} facilities (${shipped.map(([f, q]) => `${f}: ${q}`).join(', ')}): NetSuite fulfils a line once, at one location`,
    );
  }
  const byNetsuite = shipped.filter(([f]) => {
    const facility = ctx.facilities.get(f);
    return facility && isNetsuiteFulfilled(facility);
  });
  if (byNetsuite.length) {
    reasons.push(
      `${where}: ${byNetsuite.map(([f, q]) => `${q} shipped by ${f}`).join(', ')}, which NetSuite fulfils: NetSuite fulfils a line once, so its script would never take this one`,
    );
  }
  const [storeId] = shipped.find(([f]) => !byNetsuite.some(([n]) => n === f)) ?? shipped[0]!;
  const store = ctx.facilities.get(storeId);
  if (!store) reasons.push(`facility ${storeId} is unknown`);
  else if (!store.externalId) reasons.push(`facility ${storeId} has no NetSuite location`);
  if (reasons.length) return { kind: 'held', reasons };
  const open = openQuantity(line);
  if (open > 0) {
    return {
      kind: 'waiting',
      reason: `${where} has ${open} unit(s) still open; its row goes once every unit is shipped, cancelled or rejected`,
    };
  }
  if (!header.netsuiteOrderId) {
    return { kind: 'waiting', reason: `order ${p.orderId} has no NetSuite id yet` };
  }
  if (!line.netsuiteLineId) {
    return { kind: 'waiting', reason: `${where} has no NetSuite line id yet` };
  }
  return {
    kind: 'ready',
    row: {
      lineId: line.netsuiteLineId,
      internalId: header.netsuiteOrderId,
      item: ctx.itemId!,
      quantity: String(by.get(storeId)!),
      location: store!.externalId,
      tags: OMS_FULFILLED_TAG,
    },
  };
}
