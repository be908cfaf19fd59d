/**
 * NetSuite's billing (HotWax `HC_SC_CreateSalesOrderInvoice`, reported by
 * `HC_MR_ExportOpenInvoiceALCReport`): a sales order is invoiced **once**, when every line not closed is fully
 * fulfilled (NetSuite's item fulfillments and those made from OMS-fulfilled rows alike) and the
 * order has a customer deposit. Closed lines count for nothing (a closed line is never fulfilled
 * nor billed); an order whose lines are all closed is never invoiced.
 *
 * Amounts: `INVOICE_TOTAL` is the order's total as NetSuite computes it from its rows (`money.ts`:
 * the open lines' price × quantity, their discount lines, shipping and tax; a price that is not a
 * number counts 0); the deposits are applied up to the total, and
 * `AMOUNT_DUE` = total − deposits, never below 0. Money is computed in cents and written with two
 * decimals, no separators.
 *
 * The run writes the invoices it made to `alc-audit-data/Order_Invoice-<yyyy-MM-dd-HH-mm-ss>.csv`
 * (account time), header `INVOICE_INTERNAL_ID,SHOPIFY_ORDER_NAME,SHOPIFY_ORDER_ID,
 * SALES_ORDER_INTERNAL_ID,HC_ORDER_ID,INVOICE_NUMBER,INVOICE_TOTAL,AMOUNT_DUE,INVOICE_DATE`,
 * unescaped, `INVOICE_DATE` `MM/dd/yyyy`; invoice numbers `INV000100`, `INV000101`, …; nothing to
 * invoice, no file. The invoices enter the account only once the file is in place. `SHOPIFY_ORDER_
 * NAME` and `SHOPIFY_ORDER_ID` are the sales order's `orderId` and `HCShopifySalesOrderId` (else
 * the deposit's `shopifyOrderName` and `shopifyOrderId`).
 *
 * It runs before the fulfillment script in a cycle: what NetSuite ships is billed on the next
 * cycle at the earliest, what the OMS reports shipped in the same cycle.
 */
import { accountDate, accountStamp } from '../account-time.ts';
import { CONTRACT } from '../contract.ts';
import type { ScriptContext, SuiteScript } from '../context.ts';
import { claimFileTime } from '../file-names.ts';
import {
  FIRST_IDS,
  fulfilledQuantity,
  orderedQuantity,
  type SimDeposit,
  type SimInvoice,
  type SimInvoiceLine,
  type SimSalesOrder,
  type SimState,
} from '../state.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';
import { salesOrderTotals } from '../money.ts';

const SCRIPT = 'invoicing';
/** The report's folder, header and cursor (state key kept from version 1). */
export const INVOICE_FEED = {
  id: CONTRACT.invoiceReport.omsFeed,
  folder: CONTRACT.invoiceReport.folder,
  columns: CONTRACT.invoiceReport.required,
};

export type InvoiceDecision =
  | { readonly invoice: false; readonly reason: string }
  | {
      readonly invoice: true;
      readonly lines: readonly SimInvoiceLine[];
      readonly total: number;
      readonly depositApplied: number;
      readonly amountDue: number;
    };

const cents = (amount: number) => Math.round(amount * 100);

/** A line price: the sales order's `price`, 0 when it is not a number ≥ 0. */
function price(text: string | undefined): number {
  const value = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Whether NetSuite invoices the order now, and for what (module comment). `deposits`: the total
 * of the order's customer deposits; `invoiced`: whether it has an invoice already.
 */
export function invoiceDecision(
  order: SimSalesOrder,
  deposits: number,
  invoiced: boolean,
  state?: SimState,
): InvoiceDecision {
  if (invoiced) return { invoice: false, reason: 'already invoiced' };
  const open = order.lines.filter((l) => !l.closed && !l.discount);
  if (open.length === 0) return { invoice: false, reason: 'every line is closed' };
  for (const l of open) {
    const ordered = orderedQuantity(l);
    const fulfilled = fulfilledQuantity(l);
    if (fulfilled < ordered)
      return {
        invoice: false,
        reason: `line ${l.lineId} has ${fulfilled} of ${ordered} fulfilled`,
      };
  }
  if (!(deposits > 0)) return { invoice: false, reason: 'no customer deposit' };
  const lines = open.map((l) => {
    const quantity = orderedQuantity(l);
    const unit = price(l.fields.price);
    return {
      lineId: l.lineId,
      orderLineId: l.orderLineId,
      quantity,
      price: unit,
      amount: Math.round(cents(unit) * quantity) / 100,
    };
  });
  // With the account's records at hand, the whole order: discounts, shipping and tax (money.ts).
  const total = state
    ? salesOrderTotals(state, order).total
    : lines.reduce((n, l) => n + cents(l.amount), 0);
  const applied = Math.min(total, cents(deposits));
  return {
    invoice: true,
    lines,
    total: total / 100,
    depositApplied: applied / 100,
    amountDue: (total - applied) / 100,
  };
}

/** `INV000100` */
export const invoiceNumber = (n: number) => `INV${String(n).padStart(6, '0')}`;

/** The invoices a run makes, with the ids they would take (nothing in `state` changes). */
export function draftInvoices(
  state: SimState,
  at: Date,
  file: string,
  utcOffset = 'Z',
): SimInvoice[] {
  const deposits = new Map<string, SimDeposit[]>();
  for (const d of Object.values(state.deposits))
    deposits.set(d.salesOrderId, [...(deposits.get(d.salesOrderId) ?? []), d]);
  const invoiced = new Set(Object.values(state.invoices).map((i) => i.salesOrderId));
  let id = state.counters.invoice ?? FIRST_IDS.invoice;
  let number = state.counters.invoiceNumber ?? FIRST_IDS.invoiceNumber;
  const drafts: SimInvoice[] = [];
  for (const order of Object.values(state.salesOrders)) {
    const own = deposits.get(order.internalId) ?? [];
    const paid = own.reduce((n, d) => n + cents(d.totalAmount), 0) / 100;
    const decision = invoiceDecision(order, paid, invoiced.has(order.internalId), state);
    if (!decision.invoice) continue;
    drafts.push({
      internalId: String(id++),
      invoiceNumber: invoiceNumber(number++),
      salesOrderId: order.internalId,
      hcOrderId: order.hcOrderId,
      shopifyOrderName: order.fields.orderId ?? own[0]?.fields.shopifyOrderName ?? '',
      shopifyOrderId: order.fields.HCShopifySalesOrderId ?? own[0]?.fields.shopifyOrderId ?? '',
      total: decision.total,
      depositApplied: decision.depositApplied,
      amountDue: decision.amountDue,
      invoiceDate: accountDate(at, utcOffset),
      lines: decision.lines,
      at: at.toISOString(),
      file,
    });
  }
  return drafts;
}

/** Enters drafted invoices into the account and moves the id counters past them. */
export function commitInvoices(state: SimState, invoices: readonly SimInvoice[]): void {
  for (const invoice of invoices) {
    state.invoices[invoice.internalId] = invoice;
    state.counters.invoice = Number(invoice.internalId) + 1;
    state.counters.invoiceNumber = Number(invoice.invoiceNumber.slice(3)) + 1;
  }
}

/** One row of the invoice report, in the catalog's column order. */
export function invoiceRow(invoice: SimInvoice): string[] {
  const values: Record<string, string> = {
    INVOICE_INTERNAL_ID: invoice.internalId,
    SHOPIFY_ORDER_NAME: invoice.shopifyOrderName,
    SHOPIFY_ORDER_ID: invoice.shopifyOrderId,
    SALES_ORDER_INTERNAL_ID: invoice.salesOrderId,
    HC_ORDER_ID: invoice.hcOrderId,
    INVOICE_NUMBER: invoice.invoiceNumber,
    INVOICE_TOTAL: invoice.total.toFixed(2),
    AMOUNT_DUE: invoice.amountDue.toFixed(2),
    INVOICE_DATE: invoice.invoiceDate,
  };
  return INVOICE_FEED.columns.map((c) => values[c] ?? '');
}

/** A run: drafts, writes the report atomically, then commits the invoices. */
export async function invoiceOrders(ctx: ScriptContext): Promise<void> {
  const options = ctx.options.fulfillment ?? {};
  if (options.invoicing === false) return;
  const utcOffset = options.accountUtcOffset ?? 'Z';
  const cursor = (ctx.state.exports[INVOICE_FEED.id] ??= { rev: 0 });
  const timing = { lastFileMs: cursor.lastFileMs };
  const time = claimFileTime(timing, ctx.now());
  const name = `Order_Invoice-${accountStamp(time, utcOffset)}.csv`;
  const invoices = draftInvoices(ctx.state, ctx.now(), name, utcOffset);
  if (invoices.length === 0) return;
  await writeFileForOms(
    ctx,
    INVOICE_FEED.folder,
    name,
    unescapedCsv(INVOICE_FEED.columns, invoices.map(invoiceRow)),
  );
  commitInvoices(ctx.state, invoices);
  cursor.lastFileMs = timing.lastFileMs;
  for (const invoice of invoices) {
    ctx.log({
      script: SCRIPT,
      kind: 'invoiced',
      file: name,
      key: invoice.hcOrderId,
      message: `sales order ${invoice.salesOrderId} invoiced: ${invoice.invoiceNumber} (${invoice.internalId}), total ${invoice.total.toFixed(2)}, due ${invoice.amountDue.toFixed(2)}`,
    });
  }
  ctx.log({
    script: SCRIPT,
    kind: 'exported',
    file: name,
    message: `${INVOICE_FEED.folder}: ${invoices.length} invoice(s)`,
  });
}

export const invoicingScript: SuiteScript = { name: SCRIPT, run: invoiceOrders };
