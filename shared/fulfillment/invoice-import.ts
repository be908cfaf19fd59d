/**
 * NetSuite's reports in `alc-audit-data`: one folder, two layouts, told apart by their exact
 * header (the catalog's `invoice-import` columns and its `credit-memo` layout).
 *
 * **Invoices** (`Order_Invoice-<date>.csv`): each row is one
 * invoice of one sales order. The order (`HC_ORDER_ID`) is marked invoiced on its header: the
 * invoice is kept under its NetSuite internal id with its number, total, amount due and date
 * (an order may have several). A row whose invoice is already kept with the same figures changes
 * nothing (NetSuite repeats rows across files; S3 events arrive twice); a later row of the same
 * invoice (its amount due once paid) replaces it. The order's awaiting-invoice mark goes.
 *
 * Rows are checked a batch at a time with one bulk read of the headers they name. Refused, to the
 * error file with line and field, while the good rows go through: unknown orders, an order whose
 * NetSuite sales-order id is not the row's (or not known yet), and what the row parser refuses
 * (ids, amounts, dates).
 *
 * **Credit memos** (`Credit_Memo-<date>.csv`): each row is one credit memo of one Shopify order.
 * The order is found by `SHOPIFY_ORDER_ID` — the order's external id, which the sales-order export
 * sends as `HCShopifySalesOrderId` — and, when given, `SHOPIFY_ORDER_NAME` must be the order's name
 * (the export's `orderId`). The memo is kept on the order header under its internal id with the
 * Loop return id and total (in cents, exact), the POS return id and the date, and the running
 * totals move with it in the same transaction. The same memo again changes nothing; a later row
 * of the same memo replaces it. Unknown orders, a name that is not the order's, and what the row
 * parser refuses go to the error file with line and field.
 */
import {
  orderCreditMemo,
  parseCreditMemoRow,
  parseInvoiceRow,
  sameCreditMemo,
  type InvoiceRecord,
  type OrderCreditMemo,
} from '../domain/fulfillment/invoice-rows.ts';
import { orderInvoice, sameInvoice, type OrderInvoice } from '../domain/sync/invoices.ts';
import type { CsvImporter, CsvImportSession, RowRejection } from '../feeds/file-import.ts';
import type { InvoiceStore } from '../store/invoice-store.ts';
import { padLineSeq, type LineState } from '../domain/lifecycle/line.ts';
import { invoiceDifference } from '../domain/order-money/invoice-check.ts';

/** The credit-memo layout's id in the feed catalog. */
export const CREDIT_MEMO_LAYOUT = 'credit-memo';

export interface InvoiceImportDeps {
  readonly invoices: Pick<
    InvoiceStore,
    'headers' | 'record' | 'clearAwaiting' | 'ordersByExternalId' | 'recordCreditMemo'
  > &
    Partial<Pick<InvoiceStore, 'saveDifferences'>>;
  /**
   * The lines of orders (`OrderStore.linesWithHeaders`): with it, each invoiced order's invoices
   * are checked against what the OMS says shipped and differences kept for `oms sync status`.
   */
  readonly lines?: (
    refs: readonly { orderId: string; lineSeq: string }[],
  ) => Promise<{ lines: Map<string, LineState> }>;
  readonly now?: () => Date;
  /** UpdateItem calls in flight at once. */
  readonly concurrency?: number;
}

type Batch = Parameters<NonNullable<CsvImportSession['rows']>>[0];

export function invoiceImporter(deps: InvoiceImportDeps): CsvImporter {
  const concurrency = deps.concurrency ?? 16;
  return {
    async open({ fileName, layout }) {
      if (layout === CREDIT_MEMO_LAYOUT) return creditMemoSession(deps, fileName, concurrency);
      const at = (deps.now?.() ?? new Date()).toISOString();
      const counts: Record<string, number> = { recorded: 0, unchanged: 0, orders: 0 };
      const invoicedOrders = new Set<string>();

      const rows = async (batch: Batch): Promise<(RowRejection | undefined)[]> => {
        const parsed = batch.map((b) => parseInvoiceRow(b.record));
        const headers = await deps.invoices.headers(
          parsed.flatMap((p) => (p.ok ? [p.row.orderId] : [])),
        );
        /** Invoices to write, by order and invoice id: the last row of the batch wins. */
        const writes = new Map<string, { orderId: string; invoice: OrderInvoice }>();
        const out = parsed.map((p, i): RowRejection | undefined => {
          if (!p.ok) return { field: p.field, reason: p.reason };
          const r: InvoiceRecord = p.row;
          const header = headers.get(r.orderId);
          if (!header) return { field: 'HC_ORDER_ID', reason: `unknown order "${r.orderId}"` };
          if (!header.netsuiteOrderId) {
            return {
              field: 'SALES_ORDER_INTERNAL_ID',
              reason: `order ${r.orderId} has no NetSuite sales-order id yet (the row says ${r.netsuiteOrderId})`,
            };
          }
          if (header.netsuiteOrderId !== r.netsuiteOrderId) {
            return {
              field: 'SALES_ORDER_INTERNAL_ID',
              reason: `NetSuite sales order ${r.netsuiteOrderId} is not order ${r.orderId}'s (${header.netsuiteOrderId})`,
            };
          }
          const invoice = orderInvoice(r, { file: fileName, line: batch[i]!.line, at });
          const key = `${r.orderId}|${r.invoiceId}`;
          const kept = writes.get(key)?.invoice ?? header.invoices[r.invoiceId];
          invoicedOrders.add(r.orderId);
          if (sameInvoice(kept, invoice)) {
            counts.unchanged!++;
            return undefined;
          }
          writes.set(key, { orderId: r.orderId, invoice });
          return undefined;
        });
        const todo = [...writes.values()];
        for (let i = 0; i < todo.length; i += concurrency) {
          await Promise.all(
            todo.slice(i, i + concurrency).map(async (w) => {
              // The header was read just now; it can only be gone if the order was deleted.
              if (await deps.invoices.record(w.orderId, w.invoice, at)) counts.recorded!++;
            }),
          );
        }
        return out;
      };

      return {
        rows,
        row: async (record, line) => (await rows([{ record, line }]))[0],
        async checkpoint() {
          await deps.invoices.clearAwaiting(invoicedOrders);
        },
        async finish() {
          await deps.invoices.clearAwaiting(invoicedOrders);
          counts.orders = invoicedOrders.size;
          counts.differences = await checkInvoices(deps, invoicedOrders, fileName, at);
          return counts;
        },
      };
    },
  };
}

/**
 * Each invoiced order's invoices (as kept now) against what the OMS says shipped: differences
 * kept, agreeing orders' marks removed (docs/money.md). Returns how many differ.
 */
async function checkInvoices(
  deps: InvoiceImportDeps,
  orders: ReadonlySet<string>,
  file: string,
  at: string,
): Promise<number> {
  if (!deps.lines || !deps.invoices.saveDifferences || orders.size === 0) return 0;
  const headers = await deps.invoices.headers(orders);
  const { lines } = await deps.lines(
    [...headers.values()].flatMap((h) =>
      Array.from({ length: h.lineCount }, (_, i) => ({
        orderId: h.orderId,
        lineSeq: padLineSeq(i + 1),
      })),
    ),
  );
  const found = [];
  const agreeing: string[] = [];
  for (const h of headers.values()) {
    const of = Array.from({ length: h.lineCount }, (_, i) =>
      lines.get(`${h.orderId}|${padLineSeq(i + 1)}`),
    ).filter((l): l is LineState => l !== undefined);
    const d = invoiceDifference(
      { orderId: h.orderId, name: h.name ?? '', money: h.money, payments: h.payments ?? [] },
      Object.values(h.invoices),
      of,
    );
    if (d) found.push({ ...d, file, at });
    else agreeing.push(h.orderId);
  }
  await deps.invoices.saveDifferences(found, agreeing);
  return found.length;
}

/** Attempts at one memo when other writers change it meanwhile. */
const MEMO_ATTEMPTS = 5;

function creditMemoSession(
  deps: InvoiceImportDeps,
  fileName: string,
  concurrency: number,
): CsvImportSession {
  const at = (deps.now?.() ?? new Date()).toISOString();
  const counts: Record<string, number> = {
    creditMemos: 0,
    recorded: 0,
    unchanged: 0,
    orders: 0,
    amountCents: 0,
  };
  const orders = new Set<string>();

  /** Writes one memo over what the header holds now, re-reading after a lost race. */
  const write = async (
    orderId: string,
    memo: OrderCreditMemo,
    kept: OrderCreditMemo | undefined,
    hasMap: boolean,
  ) => {
    for (let attempt = 0; attempt < MEMO_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        const header = (await deps.invoices.headers([orderId])).get(orderId);
        if (!header) return;
        kept = header.creditMemos?.[memo.creditMemoId];
        hasMap = header.creditMemos !== undefined;
        if (sameCreditMemo(kept, memo)) return;
      }
      const outcome = await deps.invoices.recordCreditMemo(orderId, memo, kept, hasMap);
      if (outcome === 'recorded') {
        counts.recorded!++;
        counts.amountCents! += (memo.loopReturnTotalCents ?? 0) - (kept?.loopReturnTotalCents ?? 0);
        return;
      }
      if (outcome === 'unknown-order') return;
    }
    throw new Error(`order ${orderId}: credit memo ${memo.creditMemoId} kept changing meanwhile`);
  };

  const rows = async (batch: Batch): Promise<(RowRejection | undefined)[]> => {
    const parsed = batch.map((b) => parseCreditMemoRow(b.record));
    const orderOf = await deps.invoices.ordersByExternalId(
      parsed.flatMap((p) => (p.ok ? [p.row.externalOrderId] : [])),
    );
    const headers = await deps.invoices.headers(orderOf.values());
    /** Memos to write, by order and memo id: the last row of the batch wins over what was read. */
    const writes = new Map<string, { orderId: string; memo: OrderCreditMemo }>();
    const out = parsed.map((p, i): RowRejection | undefined => {
      if (!p.ok) return { field: p.field, reason: p.reason };
      const r = p.row;
      const orderId = orderOf.get(r.externalOrderId);
      const header = orderId === undefined ? undefined : headers.get(orderId);
      if (!orderId || !header) {
        return {
          field: 'SHOPIFY_ORDER_ID',
          reason: `unknown order: no order has Shopify order id "${r.externalOrderId}"`,
        };
      }
      if (r.orderName && header.name !== undefined && r.orderName !== header.name) {
        return {
          field: 'SHOPIFY_ORDER_NAME',
          reason: `"${r.orderName}" is not the name of order ${orderId} (Shopify order id ${r.externalOrderId}): it is "${header.name}"`,
        };
      }
      counts.creditMemos!++;
      orders.add(orderId);
      const memo = orderCreditMemo(r, { file: fileName, line: batch[i]!.line, at });
      const key = `${orderId}|${r.creditMemoId}`;
      const pending = writes.get(key)?.memo ?? header.creditMemos?.[r.creditMemoId];
      if (sameCreditMemo(pending, memo)) {
        counts.unchanged!++;
        return undefined;
      }
      writes.set(key, { orderId, memo });
      return undefined;
    });
    const todo = [...writes.values()];
    for (let i = 0; i < todo.length; i += concurrency) {
      await Promise.all(
        todo.slice(i, i + concurrency).map((w) => {
          const header = headers.get(w.orderId)!;
          return write(
            w.orderId,
            w.memo,
            header.creditMemos?.[w.memo.creditMemoId],
            header.creditMemos !== undefined,
          );
        }),
      );
    }
    return out;
  };

  return {
    rows,
    row: async (record, line) => (await rows([{ record, line }]))[0],
    async checkpoint() {},
    async finish() {
      counts.orders = orders.size;
      return counts;
    },
  };
}
