/**
 * The three NetSuite sync exports, as feed specs for `runExport`: customers without a NetSuite id,
 * sales orders (once their customer has one), and customer deposits (once the order has one).
 */
import { allocationRow, type AllocationPayload } from '../domain/sync/allocation-rows.ts';
import { customerRow, type CustomerRecord } from '../domain/sync/customer-row.ts';
import { depositPayments, depositRecords, type DepositPayload } from '../domain/sync/deposits.ts';
import type { Facility } from '../domain/facility.ts';
import type { MappingTable } from '../domain/sync/mappings.ts';
import { salesOrderRows, type SalesOrderPayload } from '../domain/sync/sales-order-rows.ts';
import { feedById } from '../feeds/catalog.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import type { MappingStore } from '../store/mapping-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { NetsuiteIdStore } from '../store/netsuite-id-store.ts';
import type { InventoryStore } from '../store/inventory-store.ts';
import type { ProductStore } from '../store/product-store.ts';
import type { ExportFeed, RecordPlan } from './export-run.ts';

export interface ExportSources {
  readonly ids: NetsuiteIdStore;
  readonly products: ProductStore;
  /** Item ids the inventory snapshot named, for SKUs the product registry lacks. */
  readonly inventory?: Pick<InventoryStore, 'itemIdsFromSnapshot'>;
  readonly mappings: MappingStore;
  readonly orders?: OrderStore;
  readonly facilities?: FacilityStore;
}

/** Customers: done when NetSuite's id is known (e.g. the customer came with an earlier order). */
export function customerExport(src: ExportSources): ExportFeed<CustomerRecord> {
  return {
    outbox: 'customer',
    feed: feedById('customer-export'),
    fileBase: 'CustomerExport',
    async plan(entries) {
      const known = await src.ids.customerIds(entries.map((e) => e.id));
      return entries.map((e): RecordPlan =>
        known.has(e.id) ? { kind: 'done' } : { kind: 'ready', rows: [customerRow(e.payload)] },
      );
    },
  };
}

/** Sales orders, one row per line; mappings are read once per run. */
export function salesOrderExport(src: ExportSources): ExportFeed<SalesOrderPayload> {
  let mappings: Promise<MappingTable> | undefined;
  /** SKU → NetSuite item id, read once per run (null: known to be unknown). */
  const itemCache = new Map<string, string | null>();
  return {
    outbox: 'salesorder',
    feed: feedById('sales-order-export'),
    fileBase: 'SalesOrderExport',
    async plan(entries) {
      mappings ??= src.mappings.lookup();
      const skus = [...new Set(entries.flatMap((e) => e.payload.lines.map((l) => l.sku)))];
      const toRead = skus.filter((sku) => !itemCache.has(sku));
      const [table, customers, read] = await Promise.all([
        mappings,
        src.ids.customerIds(entries.map((e) => e.payload.partyId)),
        src.products.itemIdsForSkus(toRead),
      ]);
      const unknown = toRead.filter((sku) => !read.has(sku));
      if (unknown.length && src.inventory) {
        for (const [sku, id] of await src.inventory.itemIdsFromSnapshot(unknown)) read.set(sku, id);
      }
      for (const sku of toRead) itemCache.set(sku, read.get(sku) ?? null);
      const itemIds = new Map<string, string>();
      for (const sku of skus) {
        const id = itemCache.get(sku);
        if (id) itemIds.set(sku, id);
      }
      return entries.map((e): RecordPlan => {
        const built = salesOrderRows(e.payload, {
          customerNetsuiteId: customers.get(e.payload.partyId),
          itemIds,
          mappings: table,
        });
        switch (built.kind) {
          case 'ready':
            return { kind: 'ready', rows: built.rows };
          case 'waiting':
            return { kind: 'waiting', reason: built.reason };
          case 'blocked':
            return { kind: 'held', reasons: built.reasons };
          case 'missing-fields':
            return { kind: 'missing-fields', fields: built.fields, rows: built.rows };
        }
      });
    },
  };
}

/** Customer deposits: a JSON array, one file per run (NetSuite reads one file per run there). */
export function depositExport(src: ExportSources): ExportFeed<DepositPayload> {
  let mappings: Promise<MappingTable> | undefined;
  return {
    outbox: 'deposit',
    feed: feedById('customer-deposit-export'),
    fileBase: 'CustomerDeposit',
    oneFilePerRun: true,
    async plan(entries) {
      mappings ??= src.mappings.lookup();
      const table = await mappings;
      return entries.map((e): RecordPlan => {
        if (!depositPayments(e.payload.payments).length) return { kind: 'done' };
        const built = depositRecords(e.payload, table);
        return built.kind === 'ready'
          ? { kind: 'ready', rows: built.deposits as unknown as Record<string, unknown>[] }
          : { kind: 'held', reasons: built.reasons };
      });
    },
  };
}

/**
 * Allocation updates (`salesorder/update`): items allocated to NetSuite-fulfilled facilities, each
 * sent once (an entry leaves the outbox when written; a rejection queues the next one).
 */
export function allocationExport(src: ExportSources): ExportFeed<AllocationPayload> {
  if (!src.orders || !src.facilities)
    throw new Error('allocation export needs orders and facilities');
  const { orders, facilities } = src;
  let context: Promise<[MappingTable, Map<string, Facility>]> | undefined;
  return {
    outbox: 'allocation',
    feed: feedById('allocation-update-export'),
    fileBase: 'AllocationUpdate',
    sendOnce: true,
    async plan(entries) {
      context ??= Promise.all([
        src.mappings.lookup(),
        facilities.list().then((all) => new Map(all.map((f) => [f.facilityId, f]))),
      ]);
      const [table, byId] = await context;
      const { lines, headers } = await orders.linesWithHeaders(entries.map((e) => e.payload));
      const itemIds = await src.products.itemIdsForSkus([
        ...new Set([...lines.values()].map((l) => l.sku)),
      ]);
      return entries.map((e): RecordPlan => {
        const line = lines.get(`${e.payload.orderId}|${e.payload.lineSeq}`);
        const built = allocationRow(e.payload, {
          line,
          header: headers.get(e.payload.orderId),
          facility: byId.get(e.payload.facilityId),
          itemId: line && itemIds.get(line.sku),
          mappings: table,
        });
        if (built.kind === 'ready') return { kind: 'ready', rows: [built.row] };
        if (built.kind === 'gone') return { kind: 'done' };
        return { kind: 'held', reasons: built.reasons };
      });
    },
  };
}
