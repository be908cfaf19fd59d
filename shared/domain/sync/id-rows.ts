/**
 * Rows of the id files NetSuite sends back (customer, order, order line and deposit ids), checked
 * one by one: each bad row names its field, the good ones go through.
 */
import { padLineSeq } from '../lifecycle/line.ts';
import { accept, reject, type RowResult } from '../row-result.ts';

const NS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const OMS_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const CUSTOMER_ID_TYPE = 'NETSUITE_CUSTOMER_ID';
export const ORDER_ID_TYPE = 'NETSUITE_ORDER_ID';
export const LINE_ID_ATTR = 'NetsuiteItemLineId';
export const DISCOUNT_LINE_ID_ATTR = 'NetsuiteDiscountItemLineId';

type Rec = Readonly<Record<string, string>>;

function ids(rec: Rec, omsField: string, nsField: string): RowResult<{ oms: string; ns: string }> {
  const oms = (rec[omsField] ?? '').trim();
  if (!OMS_ID.test(oms)) return reject(omsField, oms ? `"${oms}" is not an OMS id` : 'is empty');
  const ns = (rec[nsField] ?? '').trim();
  if (!NS_ID.test(ns)) return reject(nsField, ns ? `"${ns}" is not a NetSuite id` : 'is empty');
  return accept({ oms, ns });
}

function expect(rec: Rec, field: string, wanted: readonly string[]): RowResult<string> {
  const v = (rec[field] ?? '').trim();
  return wanted.includes(v)
    ? accept(v)
    : reject(field, `"${v}" is not ${wanted.map((w) => `"${w}"`).join(' or ')}`);
}

export interface CustomerIdRow {
  readonly partyId: string;
  readonly netsuiteId: string;
}

export function parseCustomerIdRow(rec: Rec): RowResult<CustomerIdRow> {
  const type = expect(rec, 'partyIdentificationTypeId', [CUSTOMER_ID_TYPE]);
  if (!type.ok) return type;
  const r = ids(rec, 'partyId', 'idValue');
  return r.ok ? accept({ partyId: r.row.oms, netsuiteId: r.row.ns }) : r;
}

export interface OrderIdRow {
  readonly orderId: string;
  readonly netsuiteId: string;
}

export function parseOrderIdRow(rec: Rec): RowResult<OrderIdRow> {
  const type = expect(rec, 'orderIdentificationTypeId', [ORDER_ID_TYPE]);
  if (!type.ok) return type;
  const r = ids(rec, 'orderId', 'idValue');
  return r.ok ? accept({ orderId: r.row.oms, netsuiteId: r.row.ns }) : r;
}

export interface LineIdRow {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly attr: typeof LINE_ID_ATTR | typeof DISCOUNT_LINE_ID_ATTR;
  readonly netsuiteId: string;
}

/** `orderItemSeqId` as NetSuite sends it back (`1`, `00001`) → the OMS line seq (`00001`). */
export function parseLineSeq(rec: Rec): RowResult<string> {
  const seqText = (rec.orderItemSeqId ?? '').trim();
  const seq = /^\d{1,5}$/.test(seqText) ? Number(seqText) : 0;
  if (seq < 1) return reject('orderItemSeqId', `"${seqText}" is not an order line seq id`);
  return accept(padLineSeq(seq));
}

export function parseLineIdRow(rec: Rec): RowResult<LineIdRow> {
  const attr = expect(rec, 'attrName', [LINE_ID_ATTR, DISCOUNT_LINE_ID_ATTR]);
  if (!attr.ok) return attr;
  const seq = parseLineSeq(rec);
  if (!seq.ok) return seq;
  const r = ids(rec, 'orderId', 'attrValue');
  if (!r.ok) return r;
  return accept({
    orderId: r.row.oms,
    lineSeq: seq.row,
    attr: attr.row as LineIdRow['attr'],
    netsuiteId: r.row.ns,
  });
}

export interface DepositIdRow {
  readonly orderId: string;
  readonly netsuiteId: string;
  /** The deposit's external id: the payment reference the OMS sent. */
  readonly reference: string;
}

export function parseDepositIdRow(rec: Rec): RowResult<DepositIdRow> {
  const r = ids(rec, 'orderId', 'internalId');
  if (!r.ok) return r;
  const reference = (rec.manualRefNumber ?? '').trim();
  if (!reference) return reject('manualRefNumber', 'is empty (the payment reference)');
  return accept({ orderId: r.row.oms, netsuiteId: r.row.ns, reference });
}
