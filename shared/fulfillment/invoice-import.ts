/**
 * NetSuite's invoice report (`alc-audit-data`, `Order_Invoice-<date>.csv`): each row is one
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
 */
import { parseInvoiceRow, type InvoiceRecord } from '../domain/fulfillment/invoice-rows.ts';
import { orderInvoice, sameInvoice, type OrderInvoice } from '../domain/sync/invoices.ts';
import type { CsvImporter, CsvImportSession, RowRejection } from '../feeds/file-import.ts';
import type { InvoiceStore } from '../store/invoice-store.ts';

export interface InvoiceImportDeps {
  readonly invoices: Pick<InvoiceStore, 'headers' | 'record' | 'clearAwaiting'>;
  readonly now?: () => Date;
  /** UpdateItem calls in flight at once. */
  readonly concurrency?: number;
}

type Batch = Parameters<NonNullable<CsvImportSession['rows']>>[0];

export function invoiceImporter(deps: InvoiceImportDeps): CsvImporter {
  const concurrency = deps.concurrency ?? 16;
  return {
    async open({ fileName }) {
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
          return counts;
        },
      };
    },
  };
}
