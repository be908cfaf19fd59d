/**
 * The three NetSuite sync exports, as feed specs for `runExport`: customers without a NetSuite id,
 * sales orders (once their customer has one), and customer deposits (once the order has one).
 */
import {
  allocationEntryId,
  allocationRow,
  type AllocationPayload,
} from '../domain/sync/allocation-rows.ts';
import { customerRow, type CustomerRecord } from '../domain/sync/customer-row.ts';
import { depositPayments, depositRecords, type DepositPayload } from '../domain/sync/deposits.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import type { Facility } from '../domain/facility.ts';
import type { MappingTable } from '../domain/sync/mappings.ts';
import { salesOrderRows, type SalesOrderPayload } from '../domain/sync/sales-order-rows.ts';
import {
  omsFulfilledEntryId,
  omsFulfilledRow,
  type OmsFulfilledPayload,
} from '../domain/sync/oms-fulfilled-rows.ts';
import {
  lineCloseEntryId,
  lineCloseRow,
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

/** NetSuite item ids of SKUs: the product registry, else the inventory snapshot's `idValue`. */
async function itemIdsOf(
  src: ExportSources,
  skus: readonly string[],
): Promise<Map<string, string>> {
  const itemIds = await src.products.itemIdsForSkus(skus);
  const unknown = skus.filter((sku) => !itemIds.has(sku));
  if (unknown.length && src.inventory) {
    for (const [sku, id] of await src.inventory.itemIdsFromSnapshot(unknown)) itemIds.set(sku, id);
  }
  return itemIds;
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
  /** Customer → NetSuite id, read once per run (a customer's orders span pages). */
  const customerCache = new Map<string, string>();
  /** Line closes waiting (`<order>#<line>`), read once per run: the lines cancellations touched. */
  let closing: Promise<Set<string>> | undefined;
  /** Per record planned, the line closes its rows make needless (completed once it is sent). */
  const needlessOf = new Map<string, string[]>();
  return {
    outbox: 'salesorder',
    feed: feedById('sales-order-export'),
    fileBase: 'SalesOrderExport',
    async plan(entries) {
      mappings ??= src.mappings.lookup();
      closing ??= src.sync?.waitingIds('lineclose');
      const skus = [...new Set(entries.flatMap((e) => e.payload.lines.map((l) => l.sku)))];
      const toRead = skus.filter((sku) => !itemCache.has(sku));
      const partyIds = [...new Set(entries.map((e) => e.payload.partyId))];
      // Lines as they are now: a cancelled line goes closed, a partly cancelled one with what is
      // left (docs/netsuite-sync.md, "Cancellations"). Every cancellation queues a line close in
      // its transaction, and a first send's closes stay queued until it is written (`finished`),
      // so a never-sent record's other lines are as its payload has them: only lines with a close
      // waiting are read, and every line of a record sent before.
      const waitingCloses = await closing;
      const refs = entries.flatMap((e) =>
        e.payload.lines
          .filter(
            (l) =>
              !waitingCloses ||
              e.state.sends > 0 ||
              waitingCloses.has(lineCloseEntryId({ orderId: e.payload.orderId, lineSeq: l.seq })),
          )
          .map((l) => ({ orderId: e.payload.orderId, lineSeq: l.seq })),
      );
      const [table, customersRead, read, current] = await Promise.all([
        mappings,
        src.ids.customerIds(partyIds.filter((p) => !customerCache.has(p))),
        src.products.itemIdsForSkus(toRead),
        src.orders && refs.length ? src.orders.lines(refs) : undefined,
      ]);
      // Only known ids are kept: a customer without one is read again on the next page.
      for (const [p, id] of customersRead) customerCache.set(p, id);
      const customers = customerCache;
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
      const plans = entries.map((e): RecordPlan => {
        const { orderId } = e.payload;
        const closed = new Set<string>();
        const lines = e.payload.lines.map((l) => {
          const line = current?.get(`${orderId}|${l.seq}`);
          if (!line) return l;
          const state = salesOrderLineState(line);
          if (state.closed) closed.add(l.seq);
          return { ...l, quantity: state.quantity, ...(state.closed ? { closed: true } : {}) };
        });
        // Never sent: NetSuite gets the lines closed with the order, no line close is needed.
        if (e.state.sends === 0) {
          const needless = [...closed].map((seq) => lineCloseEntryId({ orderId, lineSeq: seq }));
          if (needless.length) needlessOf.set(e.id, needless);
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
      return plans;
    },
    // Line closes made needless (the order never went to NetSuite and went with its lines
    // closed) leave once the order is written or done: until then they mark the lines to read.
    async finished(ids) {
      const needless = ids.flatMap((id) => needlessOf.get(id) ?? []);
      if (needless.length && src.sync) await src.sync.complete('lineclose', needless);
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
 * sent once (an entry leaves the outbox when written; a rejection queues the next one, a partial
 * cancellation a re-quote). `quantity` is what NetSuite must hold for the line (see
 * `allocationRow`). The item id comes from the product registry, else from the inventory
 * snapshot's `idValue` (as for the sales order export).
 */
export function allocationExport(src: ExportSources): ExportFeed<AllocationPayload> {
  if (!src.orders || !src.facilities)
    throw new Error('allocation export needs orders and facilities');
  const { orders, facilities } = src;
  let context: Promise<[MappingTable, Map<string, Facility>]> | undefined;
  /** Lines × locations given a row this run. */
  const inRun = new Set<string>();
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
      const itemIds = await itemIdsOf(src, [...new Set([...lines.values()].map((l) => l.sku))]);
      return entries.map((e): RecordPlan => {
        const line = lines.get(`${e.payload.orderId}|${e.payload.lineSeq}`);
        // Cancelled, shipped or moved meanwhile: allocationRow says 'gone'.
        const built = allocationRow(e.payload, {
          line,
          header: headers.get(e.payload.orderId),
          facility: byId.get(e.payload.facilityId),
          itemId: line && itemIds.get(line.sku),
          mappings: table,
        });
        if (built.kind === 'ready') {
          // Rows are built from the line as it is now: a second record of the same line and
          // location (re-quotes of two cancellations) would repeat the same row.
          const ref = allocationEntryId(e.payload);
          if (inRun.has(ref)) return { kind: 'done' };
          inRun.add(ref);
          return { kind: 'ready', rows: [built.row] };
        }
        if (built.kind === 'gone') return { kind: 'done' };
        return { kind: 'held', reasons: built.reasons };
      });
    },
  };
}

/**
 * OMS-fulfilled items (`salesorder/update`, `tags`=`hotwax-fulfilled`): what stores shipped, ONE
 * row per line, sent once (the entry leaves the outbox when written; its send state stays 30
 * days), when nothing of the line is open any more — NetSuite fulfils a line once and the row's
 * quantity overwrites the line's (see `omsFulfilledRow`). A record waits while units are open or
 * NetSuite's order or line id is unknown, and is held back (with reasons) when the line shipped
 * from several facilities or partly through NetSuite, or the item id or the store's location is
 * unknown. A line has one entry (`<order>#<line>`); older entries, one per ship command (`SF-…`),
 * stand for their line: one entry per line is planned, the others leave the outbox. Files hold at
 * most `OMS_FULFILLED_MAX_ROWS` (pass it as `maxRowsPerFile`).
 */
export function omsFulfilledExport(src: ExportSources): ExportFeed<OmsFulfilledPayload> {
  if (!src.orders || !src.facilities)
    throw new Error('OMS-fulfilled export needs orders and facilities');
  const { orders, facilities } = src;
  let byId: Promise<Map<string, Facility>> | undefined;
  /** Lines planned this run (`order|line`): a line's other entries are not needed. */
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
      const itemIds = await itemIdsOf(src, [...new Set([...lines.values()].map((l) => l.sku))]);
      // The line's own entry stands for it before older per-shipment ones.
      const order = entries
        .map((e, i) => ({ e, i }))
        .sort(
          (a, b) =>
            Number(b.e.id === omsFulfilledEntryId(b.e.payload)) -
              Number(a.e.id === omsFulfilledEntryId(a.e.payload)) || a.i - b.i,
        );
      const plans: RecordPlan[] = new Array<RecordPlan>(entries.length);
      for (const { e, i } of order) {
        const ref = `${e.payload.orderId}|${e.payload.lineSeq}`;
        if (inRun.has(ref)) {
          plans[i] = { kind: 'done' };
          continue;
        }
        inRun.add(ref);
        const line = lines.get(ref);
        const built = omsFulfilledRow(e.payload, {
          line,
          header: headers.get(e.payload.orderId),
          facilities: known,
          itemId: line && itemIds.get(line.sku),
        });
        plans[i] =
          built.kind === 'ready'
            ? { kind: 'ready', rows: [built.row] }
            : built.kind === 'gone'
              ? { kind: 'done' }
              : built.kind === 'waiting'
                ? { kind: 'waiting', reason: built.reason }
                : { kind: 'held', reasons: built.reasons };
      }
      return plans;
    },
  };
}

/**
 * Line closes (`salesorder/update`, `internalId,lineId,closed` with `closed`=`true`): a cancelled
 * line closed in NetSuite, once (the entry leaves the outbox when written; its send state stays 30
 * days). The cancellation queues it in its own transaction. A close goes only for a line with
 * nothing shipped (every unit cancelled or rejected); it waits while NetSuite's ids are not back
 * and while units of the line are still open. A line with a shipped part is never closed (its
 * NetSuite quantity is lowered instead: the allocation re-quote, or the OMS-fulfilled row's
 * quantity), so its entry leaves the outbox, as does one for a line gone or with nothing cancelled.
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
      // A closed line's discount line closes with it (docs/money.md); only lines with a discount
      // are looked up.
      const discounted = entries
        .map((e) => e.payload)
        .filter((p) => hasLineDiscount(headers.get(p.orderId), p.lineSeq));
      const discountIds = await src.ids.discountLineIds(discounted);
      return entries.map((e): RecordPlan => {
        const b = lineCloseRow(e.payload, {
          line: lines.get(`${e.payload.orderId}|${e.payload.lineSeq}`),
          header: headers.get(e.payload.orderId),
        });
        if (b.kind === 'gone') return { kind: 'done' };
        if (b.kind === 'waiting') return { kind: 'waiting', reason: b.reason };
        const discountId = discountIds.get(`${e.payload.orderId}|${e.payload.lineSeq}`);
        return {
          kind: 'ready',
          rows: discountId ? [b.row, { ...b.row, lineId: discountId }] : [b.row],
        };
      });
    },
  };
}

/** The line (`00001`) of the order carries a discount of its own (money orders only). */
function hasLineDiscount(header: OrderHeader | undefined, lineSeq: string): boolean {
  const line = header?.money?.lines[Number(lineSeq) - 1];
  return !!line && line.discounts.some((d) => d.amount > 0);
}
