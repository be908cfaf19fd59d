/** The composition root's accessors for netSuite sync (gathered by `root.ts`). */
import type { OrderHeader } from '../domain/orders/order.ts';
import { BROKERING_QUEUE } from '../store/brokering-store.ts';
import type { ApprovalDeps } from '../sync/approval.ts';
import type { ExportWiring } from '../sync/export-handler.ts';
import { resendAfterMs, type ExportDeps } from '../sync/export-run.ts';
import type { ExportSources } from '../sync/exports.ts';
import type { IdImportDeps } from '../sync/id-imports.ts';
import type { ExceptionsDeps } from '../sync/netsuite-exceptions.ts';
import {
  type Root,
  brokeringStore,
  facilityStore,
  feedFileStore,
  inventoryStore,
  mappingStore,
  netsuiteIdStore,
  orderRuntime,
  orderStore,
  productStore,
  reflectStore,
  syncStore,
} from './core.ts';

// ---------------------------------------------------------------------------------------------
// NetSuite sync

export const exportSources = (r: Root): ExportSources => ({
  ids: netsuiteIdStore(r),
  products: productStore(r),
  inventory: inventoryStore(r),
  mappings: mappingStore(r),
  orders: orderStore(r),
  facilities: facilityStore(r),
  sync: syncStore(r),
});

/** Read per run, so that an operator (or a test) can change the interval without a restart. */
export const exportDeps = (r: Root): ExportDeps => ({
  sync: syncStore(r),
  files: feedFileStore(r),
  user: r.netsuiteUser,
  resendAfterMs: resendAfterMs(),
});

/** An export handler's sources and settings, built per run from the process's root. */
export const exportWiring = (r: () => Root): ExportWiring => ({
  sources: () => exportSources(r()),
  deps: () => exportDeps(r()),
});

export function idImportDeps(r: Root): IdImportDeps {
  const sync = syncStore(r);
  return {
    ids: netsuiteIdStore(r),
    sync,
    customersWaiting: (partyIds) => sync.waiting('customer', partyIds),
  };
}

/** The brokering queue entry of an order just approved. */
const approvedEntry = (header: OrderHeader) => ({
  queue: BROKERING_QUEUE,
  orderId: header.orderId,
  orderDate: header.date,
  enqueuedAt: new Date().toISOString(),
  reason: 'approved',
});

export const approvalDeps = (r: Root): ApprovalDeps => {
  const brokering = brokeringStore(r);
  return {
    sync: syncStore(r),
    ids: netsuiteIdStore(r),
    orders: orderRuntime(r).orders,
    service: orderRuntime(r).service,
    readAhead: 32,
    // Approved orders wait in the brokering queue for the next brokering run.
    onApproved: (header) => brokering.enqueue(approvedEntry(header)),
    approvedWrite: (header) => ({
      label: 'linked:brokering',
      item: brokering.queuePut(approvedEntry(header)),
    }),
  };
};

export const exceptionsDeps = (r: Root): ExceptionsDeps => {
  const sync = syncStore(r);
  return {
    files: feedFileStore(r),
    store: sync.netsuiteFiles(),
    sync,
    user: r.netsuiteUser,
    // Taken allocation, OMS-fulfilled and adjustment files are evidence for inventory holds.
    reflect: { entries: reflectStore(r), lines: orderStore(r) },
  };
};
