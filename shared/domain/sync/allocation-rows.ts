/**
 * The allocation update (`salesorder/update`): one row per line allocated to a facility NetSuite
 * fulfils (the `NETSUITE_FULFILLED` group), telling NetSuite which location ships it. Every header
 * is present even when a value is unknown. A re-send after a rejection carries `rejected`=`false`,
 * clearing NetSuite's rejection flag so it does not export the same rejection again.
 */
import type { LineState } from '../lifecycle/line.ts';
import type { Facility } from '../facility.ts';
import type { OrderHeader } from '../orders/order.ts';
import type { MappingTable } from './mappings.ts';

export const NETSUITE_FULFILLED = 'NETSUITE_FULFILLED';

export const isNetsuiteFulfilled = (f: Pick<Facility, 'groups'>): boolean =>
  f.groups.includes(NETSUITE_FULFILLED);

/** An allocation waiting to be sent: the line, the facility, and whether it follows a rejection. */
export interface AllocationPayload {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  readonly afterRejection: boolean;
}

export const allocationEntryId = (
  p: Pick<AllocationPayload, 'orderId' | 'lineSeq' | 'facilityId'>,
) => `${p.orderId}#${p.lineSeq}#${p.facilityId}`;

/** Quantity of the line reserved at the facility (allocated or scheduled). */
export const allocatedAt = (line: LineState, facilityId: string): number => {
  const a = line.alloc[facilityId];
  return (a?.[1200] ?? 0) + (a?.[1500] ?? 0);
};

export type AllocationRow =
  | { readonly kind: 'ready'; readonly row: Record<string, string> }
  /** Nothing to send any more: the line left that facility, or NetSuite does not fulfil there. */
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
  const quantity = allocatedAt(line, p.facilityId);
  if (quantity <= 0) return { kind: 'gone' };
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
