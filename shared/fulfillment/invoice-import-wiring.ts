/** Builds the invoice import and the invoice store from the process-wide clients and configuration. */
import { dynamo, table } from '../store/dynamo-client.ts';
import { InvoiceStore } from '../store/invoice-store.ts';
import { OrderStore } from '../store/order-store.ts';
import type { InvoiceImportDeps } from './invoice-import.ts';

export const invoiceStore = () => new InvoiceStore(dynamo(), table('orders'), table('control'));

export const invoiceImportDeps = (): InvoiceImportDeps => {
  const orders = new OrderStore(dynamo(), table('orders'));
  return { invoices: invoiceStore(), lines: (refs) => orders.linesWithHeaders(refs) };
};
