/**
 * OMS-fulfilled items (`salesorder/update`, `lineId,internalId,item,quantity,location,tags`): what
 * a store (a facility the OMS fulfils, not NetSuite) shipped, so that NetSuite creates the Item
 * Fulfillment and the order moves on to billing. `tags` is always `hotwax-fulfilled` (the tag
 * NetSuite's script recognises).
 *
 * One row per store shipment (a ship command: `quantity` units of one shipment), written once. A
 * line shipped in two parts gives two rows, each with its own quantity. The row needs NetSuite's
 * sales-order id and line id (they come back after the order export: until then the record
 * waits), the SKU's NetSuite item id and the store's NetSuite location id (missing mappings hold
 * it back, with reasons).
 */
import { hash64 } from '../hash64.ts';
import type { Facility } from '../facility.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { OrderHeader } from '../orders/order.ts';
import { isNetsuiteFulfilled } from './allocation-rows.ts';

export const OMS_FULFILLED_TAG = 'hotwax-fulfilled';

/**
 * At most 2,500 rows a file (well under the 25,000 of a scripted CSV import: every row makes
 * NetSuite create an Item Fulfillment, a heavy record, so files stay small).
 */
export const OMS_FULFILLED_MAX_ROWS = 2_500;

/** What the export needs, kept in the `fulfilled` outbox from the ship command on. */
export interface OmsFulfilledPayload {
  readonly orderId: string;
  readonly lineSeq: string;
  /** The OMS facility (store) that shipped. */
  readonly facilityId: string;
  readonly shipmentKey: string;
  /** Units shipped by this command (> 0). */
  readonly quantity: number;
  /** ISO instant it shipped. */
  readonly shippedAt: string;
}

/**
 * The outbox id of a ship command, from its idempotency key: the same key always names the same
 * record (a replay writes nothing twice); keys are unique per order, hence order and line in it.
 */
export function omsFulfilledIdFor(
  orderId: string,
  lineSeq: string,
  idempotencyKey: string,
): string {
  const h = hash64(`${orderId}\n${lineSeq}\n${idempotencyKey}`);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `SF-${orderId}-${lineSeq}-${hex(h.hi)}${hex(h.lo)}`;
}

export type OmsFulfilledRow =
  | { readonly kind: 'ready'; readonly row: Record<string, string> }
  /** NetSuite's ids for the order or line have not come back yet. */
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'held'; readonly reasons: string[] }
  /** Nothing to send: the order or line is gone. */
  | { readonly kind: 'gone' };

export function omsFulfilledRow(
  p: OmsFulfilledPayload,
  ctx: {
    readonly line?: LineState;
    readonly header?: OrderHeader;
    readonly facility?: Facility;
    readonly itemId?: string;
  },
): OmsFulfilledRow {
  const { line, header, facility } = ctx;
  if (!line || !header) return { kind: 'gone' };
  const reasons: string[] = [];
  if (!ctx.itemId) reasons.push(`no NetSuite item id for SKU "${line.sku}"`);
  if (!facility) reasons.push(`facility ${p.facilityId} is unknown`);
  else if (!facility.externalId) reasons.push(`facility ${p.facilityId} has no NetSuite location`);
  else if (isNetsuiteFulfilled(facility)) {
    reasons.push(`facility ${p.facilityId} is NetSuite-fulfilled: NetSuite records its shipments`);
  }
  if (!Number.isSafeInteger(p.quantity) || p.quantity < 1) {
    reasons.push(`quantity ${p.quantity} is not a whole number above 0`);
  }
  if (reasons.length) return { kind: 'held', reasons };
  if (!header.netsuiteOrderId) {
    return { kind: 'waiting', reason: `order ${p.orderId} has no NetSuite id yet` };
  }
  if (!line.netsuiteLineId) {
    return {
      kind: 'waiting',
      reason: `line ${p.orderId}/${p.lineSeq} has no NetSuite line id yet`,
    };
  }
  return {
    kind: 'ready',
    row: {
      lineId: line.netsuiteLineId,
      internalId: header.netsuiteOrderId,
      item: ctx.itemId!,
      quantity: String(p.quantity),
      location: facility!.externalId,
      tags: OMS_FULFILLED_TAG,
    },
  };
}
