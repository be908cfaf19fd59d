/** Builds the NetSuite sync services from the process-wide clients and configuration. */
import { config } from '../platform/config.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { orderRuntime } from '../orders/runtime.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { BROKERING_QUEUE, BrokeringStore } from '../store/brokering-store.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { InventoryStore } from '../store/inventory-store.ts';
import { MappingStore } from '../store/mapping-store.ts';
import { NetsuiteIdStore } from '../store/netsuite-id-store.ts';
import { ProductStore } from '../store/product-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import type { ApprovalDeps } from './approval.ts';
import { resendAfterMs, type ExportDeps } from './export-run.ts';
import type { ExportSources } from './exports.ts';
import type { IdImportDeps } from './id-imports.ts';

export const syncStore = () => new SyncStore(dynamo(), table('control'));
export const netsuiteIdStore = () => new NetsuiteIdStore(dynamo(), table('orders'));
export const mappingStore = () => new MappingStore(dynamo(), table('control'));

export const exportSources = (): ExportSources => ({
  ids: netsuiteIdStore(),
  products: new ProductStore(dynamo(), table('control')),
  inventory: new InventoryStore(dynamo(), table('inventory')),
  mappings: mappingStore(),
  orders: orderRuntime().orders,
  facilities: new FacilityStore(dynamo(), table('control')),
  sync: syncStore(),
});

/** Read per run, so that an operator (or a test) can change the interval without a restart. */
export const exportDeps = (): ExportDeps => ({
  sync: syncStore(),
  files: feedFiles(),
  user: config().netsuiteUser,
  resendAfterMs: resendAfterMs(),
});

export function idImportDeps(): IdImportDeps {
  const sync = syncStore();
  return {
    ids: netsuiteIdStore(),
    sync,
    customersWaiting: (partyIds) => sync.waiting('customer', partyIds),
  };
}

const approvedEntry = (header: OrderHeader) => ({
  queue: BROKERING_QUEUE,
  orderId: header.orderId,
  orderDate: header.date,
  enqueuedAt: new Date().toISOString(),
  reason: 'approved',
});

export const approvalDeps = (): ApprovalDeps => {
  const brokering = new BrokeringStore(dynamo(), table('control'));
  return {
    sync: syncStore(),
    ids: netsuiteIdStore(),
    orders: orderRuntime().orders,
    service: orderRuntime().service,
    readAhead: 32,
    // Approved orders wait in the brokering queue for the next brokering run.
    onApproved: (header) => brokering.enqueue(approvedEntry(header)),
    approvedWrite: (header) => ({
      label: 'linked:brokering',
      item: brokering.queuePut(approvedEntry(header)),
    }),
  };
};
