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
import { omsFulfilledRow, type OmsFulfilledPayload } from '../domain/sync/oms-fulfilled-rows.ts';
import {
  isWhollyCancelled,
  lineCloseEntryId,
  lineCloseRow,
  openQuantity,
  salesOrderLineState,
  type LineClosePayload,
} from '../domain/sync/line-close-rows.ts';
import { feedById } from '../feeds/catalog.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import type { MappingStore } from '../store/mapping-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { NetsuiteIdStore } from '../store/netsuite-id-store.ts';
import type { InventoryStore } from '../store/inventory-store.ts';
import type { ProductStore } from '../store/product-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import type { ExportFeed, RecordPlan } from './export-run.ts';

export interface ExportSources {
  readonly ids: NetsuiteIdStore;
  readonly products: ProductStore;
  /** Item ids the inventory snapshot named, for SKUs the product registry lacks. */
  readonly inventory?: Pick<InventoryStore, 'itemIdsFromSnapshot'>;
  readonly mappings: MappingStore;
  readonly orders?: OrderStore;
  readonly facilities?: FacilityStore;
  /** The outboxes (the sales order export drops the line closes its rows make needless). */
  readonly sync?: SyncStore;
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
      // Lines as they are now: a cancelled line goes closed, a partly cancelled one with what is
      // left (docs/netsuite-sync.md, "Cancellations").
      const current = src.orders
        ? (
            await src.orders.linesWithHeaders(
              entries.flatMap((e) =>
                e.payload.lines.map((l) => ({ orderId: e.payload.orderId, lineSeq: l.seq })),
              ),
            )
          ).lines
        : undefined;
      /** Line closes made needless: the order never went to NetSuite and goes with them closed. */
      const needless: string[] = [];
      const plans = entries.map((e): RecordPlan => {
        const { orderId } = e.payload;
        const closed = new Set<string>();
        const lines = e.payload.lines.map((l) => {
          const line = current?.get(`${orderId}|${l.seq}`);
          if (!line) return l;
          const state = salesOrderLineState(line);
          if (state.closed) closed.add(l.seq);
          return { ...l, quantity: state.quantity };
        });
        // Never sent: NetSuite gets the lines closed with the order, no line close is needed.
        if (e.state.sends === 0) {
          for (const seq of closed) needless.push(lineCloseEntryId({ orderId, lineSeq: seq }));
          if (closed.size === lines.length) return { kind: 'done' };
        }
        const built = salesOrderRows(
          { ...e.payload, lines },
          { customerNetsuiteId: customers.get(e.payload.partyId), itemIds, mappings: table },
        );
        const mark = <R extends Record<string, string>>(rows: R[]): R[] =>
          rows.map((r) => (closed.has(r.orderLineId ?? '') ? { ...r, closed: 'true' } : r));
        switch (built.kind) {
          case 'ready':
            return { kind: 'ready', rows: mark(built.rows) };
          case 'waiting':
            return { kind: 'waiting', reason: built.reason };
          case 'blocked':
            return { kind: 'held', reasons: built.reasons };
          case 'missing-fields':
            return { kind: 'missing-fields', fields: built.fields, rows: mark(built.rows) };
        }
      });
      // A wholly cancelled line never changes again, so its close can go before the file is
      // written: a failed write leaves the order due, and the next run sends the line closed again.
      if (needless.length && src.sync) await src.sync.complete('lineclose', needless);
      return plans;
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
        // Cancelled (or shipped) meanwhile: there is nothing left to allocate.
        if (line && openQuantity(line) === 0) return { kind: 'done' };
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

/**
 * OMS-fulfilled items (`salesorder/update`, `tags`=`hotwax-fulfilled`): what stores shipped, one
 * row per ship command, each sent once (the entry leaves the outbox when written; its send state
 * stays 30 days). A record waits while NetSuite's order or line id is unknown and is held back
 * (with reasons) while the item id or the store's location is. One NetSuite line appears at most
 * once a run: a second shipment of the same line waits for the next run, so that one import never
 * updates a line twice. Files hold at most `OMS_FULFILLED_MAX_ROWS` (pass it as `maxRowsPerFile`).
 */
export function omsFulfilledExport(src: ExportSources): ExportFeed<OmsFulfilledPayload> {
  if (!src.orders || !src.facilities)
    throw new Error('OMS-fulfilled export needs orders and facilities');
  const { orders, facilities } = src;
  let byId: Promise<Map<string, Facility>> | undefined;
  /** Lines given a row this run (`order|line`). */
  const inRun = new Set<string>();
  return {
    outbox: 'fulfilled',
    feed: feedById('oms-fulfilled-export'),
    fileBase: 'OmsFulfilled',
    sendOnce: true,
    async plan(entries) {
      byId ??= facilities.list().then((all) => new Map(all.map((f) => [f.facilityId, f])));
      const [known, { lines, headers }] = await Promise.all([
        byId,
        orders.linesWithHeaders(entries.map((e) => e.payload)),
      ]);
      const skus = [...new Set([...lines.values()].map((l) => l.sku))];
      const itemIds = await src.products.itemIdsForSkus(skus);
      const unknown = skus.filter((sku) => !itemIds.has(sku));
      if (unknown.length && src.inventory) {
        for (const [sku, id] of await src.inventory.itemIdsFromSnapshot(unknown)) {
          itemIds.set(sku, id);
        }
      }
      return entries.map((e): RecordPlan => {
        const ref = `${e.payload.orderId}|${e.payload.lineSeq}`;
        const line = lines.get(ref);
        const built = omsFulfilledRow(e.payload, {
          line,
          header: headers.get(e.payload.orderId),
          facility: known.get(e.payload.facilityId),
          itemId: line && itemIds.get(line.sku),
        });
        switch (built.kind) {
          case 'ready':
            if (inRun.has(ref)) {
              return { kind: 'waiting', reason: 'another shipment of the line goes this run' };
            }
            inRun.add(ref);
            return { kind: 'ready', rows: [built.row] };
          case 'waiting':
            return { kind: 'waiting', reason: built.reason };
          case 'held':
            return { kind: 'held', reasons: built.reasons };
          case 'gone':
            return { kind: 'done' };
        }
      });
    },
  };
}

/**
 * Line closes (`salesorder/update`, `internalId,lineId,closed` with `closed`=`true`): a cancelled
 * line closed in NetSuite, once (the entry leaves the outbox when written; its send state stays 30
 * days). The cancellation queues it in its own transaction. It waits while NetSuite's ids are not
 * back and while units of the line are still open (closing a NetSuite line closes all of its
 * unfulfilled quantity), and — for a line a store shipped part of — while that shipment's
 * OMS-fulfilled row is not written yet (NetSuite cannot fulfil a closed line). A line gone, or
 * with nothing cancelled, leaves the outbox.
 */
export function lineCloseExport(src: ExportSources): ExportFeed<LineClosePayload> {
  if (!src.orders) throw new Error('line-close export needs orders');
  const { orders } = src;
  return {
    outbox: 'lineclose',
    feed: feedById('line-close-export'),
    fileBase: 'LineClose',
    sendOnce: true,
    async plan(entries) {
      const { lines, headers } = await orders.linesWithHeaders(entries.map((e) => e.payload));
      const lineOf = (p: LineClosePayload) => lines.get(`${p.orderId}|${p.lineSeq}`);
      const built = entries.map((e) =>
        lineCloseRow(e.payload, {
          line: lineOf(e.payload),
          header: headers.get(e.payload.orderId),
        }),
      );
      const shippedPart = (p: LineClosePayload) => {
        const line = lineOf(p);
        return !!line && !isWhollyCancelled(line) && (line.buckets[3700] ?? 0) > 0;
      };
      /** Lines with an OMS-fulfilled row still to write (`order|line`). */
      const unsentShipments = new Set<string>();
      if (
        src.sync &&
        entries.some((e, i) => built[i]!.kind === 'ready' && shippedPart(e.payload))
      ) {
        for await (const page of src.sync.entries<OmsFulfilledPayload>('fulfilled')) {
          for (const f of page) unsentShipments.add(`${f.payload.orderId}|${f.payload.lineSeq}`);
        }
      }
      return entries.map((e, i): RecordPlan => {
        const b = built[i]!;
        if (b.kind === 'gone') return { kind: 'done' };
        if (b.kind === 'waiting') return { kind: 'waiting', reason: b.reason };
        if (unsentShipments.has(`${e.payload.orderId}|${e.payload.lineSeq}`)) {
          return { kind: 'waiting', reason: 'an OMS-fulfilled row of the line is not sent yet' };
        }
        return { kind: 'ready', rows: [b.row] };
      });
    },
  };
}
