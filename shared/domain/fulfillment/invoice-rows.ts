/**
 * Rows of NetSuite's invoice report (`alc-audit-data`, `Order_Invoice-<date>.csv`): one invoice of
 * one sales order each. The importer keys an invoice on its NetSuite id (`invoiceId`): the same
 * row arriving twice is an upsert.
 *
 * Money (`INVOICE_TOTAL`, `AMOUNT_DUE`): digits with an optional `.` decimal part, as NetSuite's CSV
 * exports write them — no currency sign, no sign, **no thousands separators**. A separator could not
 * survive anyway: NetSuite does not escape its exports, so `1,234.50` would arrive as two values and
 * the row fails its column count before it gets here. At most two decimals (`12.5000` is taken,
 * `12.345` is not). Negative amounts (credits) are refused, and so is an amount due above the total.
 */
import { accept, reject, type RowResult } from '../row-result.ts';
import { parseNetsuiteDate } from './netsuite-date.ts';

export const INVOICE_COLUMNS = [
  'INVOICE_INTERNAL_ID',
  'SHOPIFY_ORDER_NAME',
  'SHOPIFY_ORDER_ID',
  'SALES_ORDER_INTERNAL_ID',
  'HC_ORDER_ID',
  'INVOICE_NUMBER',
  'INVOICE_TOTAL',
  'AMOUNT_DUE',
  'INVOICE_DATE',
] as const;

export interface InvoiceRecord {
  /** NetSuite invoice internal id (the key). */
  readonly invoiceId: string;
  /** OMS order id (`HC_ORDER_ID`). */
  readonly orderId: string;
  /** NetSuite sales-order internal id. */
  readonly netsuiteOrderId: string;
  /** The invoice's document number, e.g. `INV10452`. */
  readonly invoiceNumber: string;
  /** In the order's currency, rounded to cents. */
  readonly total: number;
  readonly amountDue: number;
  /** `YYYY-MM-DD`. */
  readonly invoiceDate: string;
}

const OMS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const NS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DOC_NUMBER = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;
const MONEY = /^(\d+)(?:\.(\d+))?$/;

/** A NetSuite amount (see the module comment) in cents, or why not. */
function cents(text: string): number | string {
  if (!text) return 'is empty';
  if (/^[-(]/.test(text)) return `"${text}" is negative (credits are not invoices)`;
  const m = MONEY.exec(text);
  if (!m) return `"${text}" is not an amount like 1234.50 (digits, "." decimal, no separators)`;
  const decimals = (m[2] ?? '').replace(/0+$/, '');
  if (decimals.length > 2) return `"${text}" has more than 2 decimals`;
  const value = Number(m[1]) * 100 + Number(decimals.padEnd(2, '0'));
  return Number.isSafeInteger(value) ? value : `"${text}" is too large`;
}

function id(rec: Readonly<Record<string, string>>, field: string, re: RegExp, what: string) {
  const v = (rec[field] ?? '').trim();
  return re.test(v) ? accept(v) : reject<string>(field, v ? `"${v}" is not ${what}` : 'is empty');
}

/** One row of the invoice report, keyed by the catalog's column names. */
export function parseInvoiceRow(rec: Readonly<Record<string, string>>): RowResult<InvoiceRecord> {
  const invoiceId = id(rec, 'INVOICE_INTERNAL_ID', NS_ID, 'a NetSuite id');
  if (!invoiceId.ok) return invoiceId;
  const orderId = id(rec, 'HC_ORDER_ID', OMS_ID, 'an OMS order id');
  if (!orderId.ok) return orderId;
  const netsuiteOrderId = id(rec, 'SALES_ORDER_INTERNAL_ID', NS_ID, 'a NetSuite id');
  if (!netsuiteOrderId.ok) return netsuiteOrderId;
  const invoiceNumber = id(rec, 'INVOICE_NUMBER', DOC_NUMBER, 'an invoice number');
  if (!invoiceNumber.ok) return invoiceNumber;
  const total = cents((rec.INVOICE_TOTAL ?? '').trim());
  if (typeof total === 'string') return reject('INVOICE_TOTAL', total);
  const due = cents((rec.AMOUNT_DUE ?? '').trim());
  if (typeof due === 'string') return reject('AMOUNT_DUE', due);
  if (due > total) {
    return reject(
      'AMOUNT_DUE',
      `${(due / 100).toFixed(2)} is more than the invoice total ${(total / 100).toFixed(2)}`,
    );
  }
  const invoiceDate = parseNetsuiteDate(rec.INVOICE_DATE ?? '', 'INVOICE_DATE');
  if (!invoiceDate.ok) return invoiceDate;
  return accept({
    invoiceId: invoiceId.row,
    orderId: orderId.row,
    netsuiteOrderId: netsuiteOrderId.row,
    invoiceNumber: invoiceNumber.row,
    total: total / 100,
    amountDue: due / 100,
    invoiceDate: invoiceDate.row,
  });
}
