/**
 * The allocation update (`salesorder/update`): one row per line allocated to a facility NetSuite
 * fulfils (the `NETSUITE_FULFILLED` group), telling NetSuite which location ships it. Every header
 * is present even when a value is unknown. A re-send after a rejection carries `rejected`=`false`,
 * clearing NetSuite's rejection flag so it does not export the same rejection again.
 *
 * `quantity` **overwrites NetSuite's sales-order line quantity**, so it is what NetSuite must hold
 * for the line — the ordered quantity less the units cancelled or rejected (9000 + 9100) — never
 * the facility's share: a shorter quantity would cut the line in NetSuite. A partial cancellation
 * of a line NetSuite already holds at its location queues the row again (`requote`, its own
 * outbox record: `requoteEntryId`), so NetSuite gets the lowered quantity; such a row goes although
 * the quantity there is released (3200/3350) or partly shipped. A wholly cancelled line has
 * nothing to hold: the line close closes it.
 */
import { hash64 } from '../hash64.ts';
import type { LineState } from '../lifecycle/line.ts';
import type { Facility } from '../facility.ts';
import type { OrderHeader } from '../orders/order.ts';
import type { MappingTable } from './mappings.ts';
import { STATUS } from '../lifecycle/status.ts';

export const NETSUITE_FULFILLED = 'NETSUITE_FULFILLED';

export const isNetsuiteFulfilled = (f: Pick<Facility, 'groups'>): boolean =>
  f.groups.includes(NETSUITE_FULFILLED);

/** An allocation waiting to be sent: the line, the facility, and whether it follows a rejection. */
export interface AllocationPayload {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  readonly afterRejection: boolean;
  /**
   * A re-send of the row with the line's lowered quantity after a partial cancellation (NetSuite
   * already holds the line at this location): sent while the line has units there in any state
   * (allocated, scheduled, released, being picked, or shipped), not only allocated or scheduled.
   */
  readonly requote?: boolean;
}

export const allocationEntryId = (
  p: Pick<AllocationPayload, 'orderId' | 'lineSeq' | 'facilityId'>,
) => `${p.orderId}#${p.lineSeq}#${p.facilityId}`;

/**
 * The outbox id of a re-quote: the allocation's id and the cancellation's idempotency key (hashed),
 * so that each partial cancellation queues its own record — the allocation's own id keeps its send
 * state, which says when NetSuite was sent the location (the rejection import and the release job
 * read it), and a record written earlier never makes a new one wait for a re-send delay.
 */
export function requoteEntryId(
  p: Pick<AllocationPayload, 'orderId' | 'lineSeq' | 'facilityId'>,
  idempotencyKey: string,
): string {
  const h = hash64(`${allocationEntryId(p)}\n${idempotencyKey}`);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${allocationEntryId(p)}#Q${hex(h.hi)}${hex(h.lo)}`;
}

/** Quantity of the line reserved at the facility (allocated or scheduled). */
export const allocatedAt = (line: LineState, facilityId: string): number => {
  const a = line.alloc[facilityId];
  return (a?.[STATUS.ALLOCATED] ?? 0) + (a?.[STATUS.SCHEDULED] ?? 0);
};

/**
 * Units of the line at the facility in any state: allocated or scheduled (1200/1500), released or
 * being picked (3200/3350, open releases there) or shipped from it.
 */
export const unitsAt = (
  line: Pick<LineState, 'alloc' | 'releases' | 'shipments'>,
  facilityId: string,
): number => {
  const a = line.alloc[facilityId];
  let n = (a?.[STATUS.ALLOCATED] ?? 0) + (a?.[STATUS.SCHEDULED] ?? 0);
  for (const r of Object.values(line.releases))
    if (r.facilityId === facilityId) n += r.statusQuantity;
  for (const s of Object.values(line.shipments)) if (s.facilityId === facilityId) n += s.quantity;
  return n;
};

/**
 * What NetSuite must hold for the line (the allocation update's `quantity`, which overwrites the
 * sales-order line quantity): the ordered quantity less what was cancelled or rejected.
 */
export const netsuiteQuantity = (line: Pick<LineState, 'buckets' | 'quantity'>): number =>
  line.quantity - (line.buckets[STATUS.CANCELLED] ?? 0) - (line.buckets[STATUS.REJECTED] ?? 0);

export type AllocationRow =
  | { readonly kind: 'ready'; readonly row: Record<string, string> }
  /**
   * Nothing to send any more: the line left that facility (for a re-quote: has no unit there in
   * any state), every unit of it is cancelled, or NetSuite does not fulfil there.
   */
  | { readonly kind: 'gone' }
  | { readonly kind: 'held'; readonly reasons: string[] };

export function allocationRow(
  p: AllocationPayload,
  ctx: {
    readonly line?: LineState;
    readonly header?: OrderHeader;
    readonly facility?: Facility;
    readonly itemId?: string;
    readonly mappings: MappingTable;
  },
): AllocationRow {
  const { line, header, facility } = ctx;
  if (!line || !header || !facility || !isNetsuiteFulfilled(facility)) return { kind: 'gone' };
  const there = p.requote ? unitsAt(line, p.facilityId) : allocatedAt(line, p.facilityId);
  const quantity = netsuiteQuantity(line);
  if (there <= 0 || quantity <= 0) return { kind: 'gone' };
  const reasons: string[] = [];
  if (!header.netsuiteOrderId) reasons.push('the order has no NetSuite id yet');
  if (!line.netsuiteLineId) reasons.push(`line ${line.lineSeq} has no NetSuite line id yet`);
  if (!ctx.itemId) reasons.push(`no NetSuite item id for SKU "${line.sku}"`);
  const method = ctx.mappings.shippingMethod.get(line.shippingMethod ?? '');
  if (!method) reasons.push(`no NetSuite id for shipping method "${line.shippingMethod ?? ''}"`);
  if (reasons.length) return { kind: 'held', reasons };
  const s = header.customer.shippingAddress;
  return {
    kind: 'ready',
    row: {
      lineId: line.netsuiteLineId!,
      internalId: header.netsuiteOrderId!,
      item: ctx.itemId!,
      closed: '',
      quantity: String(quantity),
      location: facility.externalId,
      addressee: s.name,
      address1: s.address1,
      address2: s.address2 ?? '',
      city: s.city,
      state: s.state ?? '',
      country: s.country ?? '',
      zip: s.zip,
      shippingMethod: method!,
      rejected: p.afterRejection ? 'false' : '',
    },
  };
}
