/**
 * Rows of NetSuite's reports in `alc-audit-data`: the invoice report (`Order_Invoice-<date>.csv`,
 * one invoice of one sales order each) and the credit-memo report (`Credit_Memo-<date>.csv`, one
 * credit memo of one Shopify order each). The importer keys an invoice on its NetSuite id
 * (`invoiceId`) and a credit memo on its own (`creditMemoId`): the same row arriving twice is an
 * upsert.
 *
 * Money (`INVOICE_TOTAL`, `AMOUNT_DUE`): digits with an optional `.` decimal part, as NetSuite's CSV
 * exports write them — no currency sign, no sign, **no thousands separators**. A separator could not
 * survive anyway: NetSuite does not escape its exports, so `1,234.50` would arrive as two values and
 * the row fails its column count before it gets here. At most two decimals (`12.5000` is taken,
 * `12.345` is not). Negative amounts (credits) are refused, and so is an amount due above the total.
 */
import { accept, reject, type RowResult } from '../row-result.ts';
import { parseNetsuiteDate, parseNetsuiteDateTime } from './netsuite-date.ts';

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
function cents(text: string, negative = '(credits are not invoices)'): number | string {
  if (!text) return 'is empty';
  if (/^[-(]/.test(text)) return `"${text}" is negative ${negative}`;
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

// ── credit memos ──────────────────────────────────────────────────────────────────────────────

export const CREDIT_MEMO_COLUMNS = [
  'CREDIT_MEMO_INTERNAL_ID',
  'SHOPIFY_ORDER_NAME',
  'SHOPIFY_ORDER_ID',
  'HC_LOOP_RETURN_ID',
  'HC_LOOP_RETURN_TOTAL',
  'HC_RETURN_ID',
  'CREDIT_MEMO_DATE',
] as const;

/**
 * One row of the credit-memo report. NetSuite's script writes the memo's internal id, the Shopify
 * order's name (`otherrefnum`) and id (`custbody_celigo_etail_order_id` — the OMS keeps it as the
 * order's external id and sends it as `HCShopifySalesOrderId`), the Loop return's id and total
 * (online returns), the POS return's id (store returns) and the memo's date. The return fields are
 * empty when the memo has none.
 */
export interface CreditMemoRecord {
  /** NetSuite credit memo internal id (the key). */
  readonly creditMemoId: string;
  /** `SHOPIFY_ORDER_NAME` as written (empty when NetSuite has none). */
  readonly orderName: string;
  /** `SHOPIFY_ORDER_ID`: the order's external id in the OMS. */
  readonly externalOrderId: string;
  readonly loopReturnId?: string;
  /** `HC_LOOP_RETURN_TOTAL` in cents (exact); absent when the cell is empty. */
  readonly loopReturnTotalCents?: number;
  readonly returnId?: string;
  /** `YYYY-MM-DD` (the account's day as written). */
  readonly creditMemoDate: string;
}

/** Free text ids (return ids, order names): printable, at most 64 characters, or empty. */
const FREE_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;

const optional = (rec: Readonly<Record<string, string>>, field: string) => {
  const v = (rec[field] ?? '').trim();
  if (!v) return accept<string | undefined>(undefined);
  return FREE_ID.test(v)
    ? accept<string | undefined>(v)
    : reject<string | undefined>(field, `"${v}" is not an id (printable, at most 64 characters)`);
};

/** One row of the credit-memo report, keyed by the layout's column names. */
export function parseCreditMemoRow(
  rec: Readonly<Record<string, string>>,
): RowResult<CreditMemoRecord> {
  const creditMemoId = id(rec, 'CREDIT_MEMO_INTERNAL_ID', NS_ID, 'a NetSuite id');
  if (!creditMemoId.ok) return creditMemoId;
  const orderName = optional(rec, 'SHOPIFY_ORDER_NAME');
  if (!orderName.ok) return reject(orderName.field, orderName.reason);
  const externalOrderId = (rec.SHOPIFY_ORDER_ID ?? '').trim();
  if (!externalOrderId) return reject('SHOPIFY_ORDER_ID', 'is empty');
  if (externalOrderId.length > 128) return reject('SHOPIFY_ORDER_ID', 'is longer than 128');
  const loopReturnId = optional(rec, 'HC_LOOP_RETURN_ID');
  if (!loopReturnId.ok) return reject(loopReturnId.field, loopReturnId.reason);
  const totalText = (rec.HC_LOOP_RETURN_TOTAL ?? '').trim();
  let loopReturnTotalCents: number | undefined;
  if (totalText) {
    const c = cents(totalText, '(write the return total as a positive amount)');
    if (typeof c === 'string') return reject('HC_LOOP_RETURN_TOTAL', c);
    loopReturnTotalCents = c;
  }
  const returnId = optional(rec, 'HC_RETURN_ID');
  if (!returnId.ok) return reject(returnId.field, returnId.reason);
  // The date is a formula field in NetSuite's search: a date, or a date and time, month first.
  const dateText = (rec.CREDIT_MEMO_DATE ?? '').trim();
  const day = parseNetsuiteDate(dateText, 'CREDIT_MEMO_DATE');
  let creditMemoDate: string;
  if (day.ok) creditMemoDate = day.row;
  else {
    const withTime = parseNetsuiteDateTime(dateText, 'CREDIT_MEMO_DATE');
    if (!withTime.ok) return day;
    creditMemoDate = withTime.row.slice(0, 10);
  }
  return accept({
    creditMemoId: creditMemoId.row,
    orderName: orderName.row ?? '',
    externalOrderId,
    ...(loopReturnId.row !== undefined ? { loopReturnId: loopReturnId.row } : {}),
    ...(loopReturnTotalCents !== undefined ? { loopReturnTotalCents } : {}),
    ...(returnId.row !== undefined ? { returnId: returnId.row } : {}),
    creditMemoDate,
  });
}

/** One credit memo as the order header keeps it (`creditMemos.<creditMemoId>`). */
export interface OrderCreditMemo extends CreditMemoRecord {
  /** The file (and line) it last came from, and when. */
  readonly file: string;
  readonly line: number;
  readonly importedAt: string;
}

export const orderCreditMemo = (
  r: CreditMemoRecord,
  source: { file: string; line: number; at: string },
): OrderCreditMemo => ({ ...r, file: source.file, line: source.line, importedAt: source.at });

/** True when the memo says the same as the one kept (where it came from aside). */
export const sameCreditMemo = (a: OrderCreditMemo | undefined, b: OrderCreditMemo): boolean =>
  !!a &&
  a.creditMemoId === b.creditMemoId &&
  a.orderName === b.orderName &&
  a.externalOrderId === b.externalOrderId &&
  a.loopReturnId === b.loopReturnId &&
  a.loopReturnTotalCents === b.loopReturnTotalCents &&
  a.returnId === b.returnId &&
  a.creditMemoDate === b.creditMemoDate;

/** Cents as `12.34` (exact: integer arithmetic). */
export const formatCents = (c: number): string => {
  const sign = c < 0 ? '-' : '';
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};
