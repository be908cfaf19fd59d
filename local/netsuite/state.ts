/**
 * The simulator's NetSuite account: customers, items, locations, the books (on hand per location ×
 * item), sales orders with their lines (and the item fulfillments of each line), customer
 * deposits, invoices, credit memos, inventory transactions (adjustments, transfers, item
 * receipts), purchase orders, id counters, the export cursors, and a log of what each SuiteScript
 * did. Plain data, so it can be saved as JSON and restored (`version` 2; a version-1 file loads
 * and is migrated, see persistence.ts).
 *
 * What NetSuite commits is not stored: it follows from on hand and the open lines (books.ts).
 *
 * Every change a saved search would see bumps the record's `rev` (a counter standing in for
 * NetSuite's last-modified date); an id export selects the records whose `rev` is past its cursor.
 */

import { HOTWAX_FULFILLED } from './contract.ts';

export interface SimCustomer {
  readonly internalId: string;
  externalId: string;
  /** The OMS customer id (`HCCustomerId`), once the OMS sent the customer. */
  hcCustomerId?: string;
  fields: Record<string, string>;
  rev: number;
  readonly createdAt: string;
  updatedAt: string;
}

export interface SimItem {
  readonly itemId: string;
  readonly sku?: string;
  /** A discount item: its lines carry a (negative) amount, no quantity (local/netsuite/money.ts). */
  readonly type?: 'discount';
  /** A discount item applied before tax: it lowers the taxable amount of the line above it. */
  readonly preTax?: boolean;
}

/** A tax code (or tax group): its rate as NetSuite shows it, e.g. `8.25%`. */
export interface SimTaxCode {
  readonly id: string;
  readonly rate: string;
}

/** A NetSuite location: a warehouse NetSuite's staff ship from, or a store (the OMS ships). */
export interface SimLocation {
  readonly id: string;
  readonly kind: 'warehouse' | 'store';
  /** The location's subsidiary (OneWorld accounts). */
  readonly subsidiary?: string;
}

/**
 * A transaction that changes on hand, in NetSuite's own records: an inventory adjustment (made in
 * NetSuite, or imported from the OMS's `inventoryadjustment/csv`), an inventory transfer, or an item
 * receipt. Each is exported once by its delta search (`exportedIn`, NetSuite's exported flag).
 */
export interface SimInventoryTransaction {
  readonly internalId: string;
  readonly type: 'adjustment' | 'transfer' | 'receipt';
  /** `oms`: imported from the OMS's adjustment file. */
  readonly source: 'netsuite' | 'oms';
  /** Signed on-hand changes (a transfer has two: −from, +to). */
  readonly lines: ReadonlyArray<{
    readonly location: string;
    readonly itemId: string;
    readonly delta: number;
  }>;
  readonly memo?: string;
  /** ISO time (simulator clock). */
  readonly at: string;
  /** Item receipts of a purchase order line. */
  readonly purchaseOrderId?: string;
  readonly purchaseOrderLineId?: string;
  /** Imported adjustments: `Reference No` (the external id), `HC Inventory Adj Id`, the file. */
  readonly referenceNo?: string;
  readonly hcAdjustmentId?: string;
  readonly file?: string;
  /** The delta file it was exported in (NetSuite's exported checkbox). */
  exportedIn?: string;
}

export interface SimPurchaseOrderLine {
  /** `<poId>-<n>`: the PO line as the export's `item-external-id` names it. */
  readonly lineId: string;
  readonly itemId: string;
  readonly quantity: number;
  received: number;
  readonly location: string;
  /** `MM/DD/YYYY` */
  readonly arrivalDate: string;
  closed?: boolean;
}

export interface SimPurchaseOrder {
  readonly internalId: string;
  /** The PO's tranid / external id (`external-id` in the export). */
  readonly externalId: string;
  lines: SimPurchaseOrderLine[];
  closed?: boolean;
  readonly createdAt: string;
  /** The export file that listed it first (NetSuite's exported flag). */
  exportedIn?: string;
  /** Set by `reexportPurchaseOrder`: the next export lists it again. */
  reexport?: boolean;
}

export interface SimCreditMemo {
  readonly internalId: string;
  readonly salesOrderId: string;
  readonly shopifyOrderName: string;
  readonly shopifyOrderId: string;
  readonly amount: number;
  readonly returnId?: string;
  readonly loopReturnId?: string;
  /** `MM/dd/yyyy`, account time. */
  readonly date: string;
  readonly at: string;
  /** The `Credit_Memo-*.csv` report it was written in. */
  reportedIn?: string;
}

/** Why the OMS-fulfilled item fulfillment script did not fulfil a tagged line (latest reason). */
export interface SimNotFulfilled {
  readonly salesOrderId: string;
  readonly hcOrderId: string;
  readonly orderLineId: string;
  readonly lineId: string;
  readonly code: 'no-location' | 'closed' | 'already-fulfilled' | 'not-committed';
  readonly reason: string;
  /** ISO time the script first found this reason. */
  readonly at: string;
}

export interface SimOrderLine {
  /** NetSuite line id: `1`, `2`, … per order, in the order lines first arrived. */
  readonly lineId: string;
  /** The OMS line (`orderLineId`, its order item seq id). */
  readonly orderLineId: string;
  itemId: string;
  /** A discount item's line (it shares `orderLineId` with the line it applies to). */
  readonly discount?: boolean;
  /** The line's cells; `quantity` is the line quantity (the update import overwrites it). */
  fields: Record<string, string>;
  rev: number;
  /** Creation order in the account (commitment order at a location); migrated files get one. */
  seq?: number;
  /** NetSuite location id the line is at (the Rejected Orders location once rejected). */
  location?: string;
  /** The line's tag (`custcol_hc_item_tag`): `hotwax-fulfilled` once the OMS shipped it. */
  tags?: string;
  /** Version-1 files only (the allocation's quantity was kept beside the line): ignored. */
  allocation?: { quantity: number; since: number };
  /** The rejection checkbox: set when a location rejects the line, cleared by `rejected=false`. */
  rejected?: boolean;
  /** The last rejection; `rev` stamps it for the rejected-items export. */
  rejection?: SimRejection;
  /** What the OMS last reported it shipped itself (`tags`=`hotwax-fulfilled`). */
  fulfilledByOms?: { quantity: string; location: string };
  /** The last OMS-fulfilled row applied to the line: the item fulfillment script's queue order. */
  omsRow?: { readonly at: string; readonly file: string; readonly seq: number };
  /** Item fulfillments of the line, NetSuite's own and those the OMS reported, oldest first. */
  itemFulfillments?: SimItemFulfillment[];
  /** Closed by the OMS (`closed`=`true`). */
  closed?: boolean;
  /** Every allocation, rejection, OMS fulfillment and close, oldest first. */
  history?: SimLineEvent[];
}

export interface SimRejection {
  /** The location that rejected the line. */
  readonly fromLocation: string;
  readonly reason: string;
  readonly comments: string;
  readonly at: string;
  rev: number;
}

export interface SimLineEvent {
  readonly at: string;
  readonly kind:
    | 'allocated'
    | 'rejected'
    | 'unflagged'
    /** An OMS-fulfilled row set the line's quantity, location and tag. */
    | 'fulfilled-by-oms'
    /** NetSuite fulfilled (part of) the line at its location (warehouse staff or the script). */
    | 'fulfilled'
    /** The update import changed the line's quantity. */
    | 'quantity'
    | 'closed';
  readonly file?: string;
  readonly location?: string;
  readonly quantity?: string;
  readonly reason?: string;
  readonly comments?: string;
}

/** What NetSuite's fulfillment export says about a shipment. */
export interface SimShipment {
  /** ISO instant, whole minutes (the export shows no seconds). */
  readonly shippedAt: string;
  readonly trackingNumbers: readonly string[];
  readonly carrier: string;
  readonly shippingMethod: string;
  /** The ship item id (the line's `shippingMethod`, when it is one), or empty. */
  readonly shippingMethodId: string;
}

/**
 * An Item Fulfillment record for one line: made by NetSuite's warehouse staff at the line's
 * location (`netsuite`, exported to the OMS) or by the item fulfillment script for a line the OMS
 * tagged `hotwax-fulfilled` (`oms`, the OMS shipped it itself). Either lowers on hand.
 */
export interface SimItemFulfillment {
  /** NetSuite internal id of the Item Fulfillment. */
  readonly internalId: string;
  readonly source: 'netsuite' | 'oms';
  readonly quantity: number;
  /** NetSuite location id it shipped from. */
  readonly location: string;
  /** ISO time (simulator clock) it was recorded. */
  readonly at: string;
  /** `netsuite` only: the shipment details the export writes. */
  readonly shipment?: SimShipment;
  /** `oms` only: the `salesorder/update` file whose row tagged the line. */
  readonly receivedIn?: string;
  /** `netsuite` only: the fulfillment file it was first written to, once written. */
  exportedIn?: string;
  /** Modification stamp: the fulfillment export selects records past its cursor. */
  readonly rev: number;
}

export interface SimInvoiceLine {
  readonly lineId: string;
  readonly orderLineId: string;
  readonly quantity: number;
  readonly price: number;
  readonly amount: number;
}

export interface SimInvoice {
  readonly internalId: string;
  /** `INV000100`, … */
  readonly invoiceNumber: string;
  readonly salesOrderId: string;
  readonly hcOrderId: string;
  readonly shopifyOrderName: string;
  readonly shopifyOrderId: string;
  /** Σ price × fulfilled quantity of the lines not closed. */
  readonly total: number;
  /** The customer deposits applied (at most the total). */
  readonly depositApplied: number;
  /** total − deposits, never below 0. */
  readonly amountDue: number;
  /** `MM/dd/yyyy`, account time. */
  readonly invoiceDate: string;
  readonly lines: readonly SimInvoiceLine[];
  /** ISO time (simulator clock) it was created. */
  readonly at: string;
  /** The `alc-audit-data` file it was reported in. */
  readonly file: string;
}

export interface SimSalesOrder {
  readonly internalId: string;
  readonly externalId: string;
  /** The OMS order id (`HCOrderId`). */
  hcOrderId: string;
  customerId: string;
  fields: Record<string, string>;
  lines: SimOrderLine[];
  rev: number;
  readonly createdAt: string;
  updatedAt: string;
}

export interface SimDeposit {
  readonly internalId: string;
  readonly externalId: string;
  salesOrderId: string;
  totalAmount: number;
  fields: Record<string, string>;
  rev: number;
  readonly createdAt: string;
  updatedAt: string;
}

/** What a saved search remembers between runs. */
export interface ExportCursor {
  /** Records with a `rev` above this are new to the next run. */
  rev: number;
  /** The last row of the previous file: NetSuite's inclusive minute cursor repeats it. */
  lastRow?: string[];
  /** Time (ms) used in the previous file's name, so names never collide. */
  lastFileMs?: number;
}

export type LogKind =
  | 'created'
  | 'updated'
  | 'rejected'
  | 'skipped'
  | 'archived'
  | 'failed-file'
  | 'exported'
  /** A NetSuite location rejected an allocated line (not a refused row: that is `rejected`). */
  | 'line-rejected'
  /** NetSuite made an item fulfillment for (part of) a line. */
  | 'fulfilled'
  /** NetSuite invoiced a sales order. */
  | 'invoiced'
  /** The item fulfillment script left a tagged line unfulfilled (the reason in the message). */
  | 'not-fulfilled'
  /** An inventory transaction (adjustment, transfer, receipt) or a purchase order changed. */
  | 'inventory'
  /** A credit memo was made. */
  | 'credit-memo'
  /** A NetSuite user changed a record by hand (closed a line, deleted an order). */
  | 'user';

export interface SimLogEntry {
  readonly at: string;
  /**
   * The SuiteScript (`customer-import`, `sales-order-import`, `deposit-import`,
   * `sales-order-update-import`, `inventory-adjustment-import`, `oms-item-fulfillment`,
   * `invoicing`, `credit-memo-report`, `fulfillment`, `id-export`, `rejected-item-export`,
   * `inventory-delta-export`, `purchase-order-export`, `inventory-snapshot`), or `account` for what
   * a test or the demo did through the simulator's methods.
   */
  readonly script: string;
  readonly kind: LogKind;
  readonly file?: string;
  /** The record concerned: an externalId, an HCOrderId, an internal id. */
  readonly key?: string;
  readonly message: string;
}

export const STATE_VERSION = 2;

export interface SimState {
  readonly version: 2;
  counters: {
    customer: number;
    salesOrder: number;
    deposit: number;
    rev: number;
    /** Line rejections so far (picks the reason and comments of the next one). */
    rejection?: number;
    /** Next ids of the records states saved before they existed may lack (see FIRST_IDS). */
    itemFulfillment?: number;
    invoice?: number;
    invoiceNumber?: number;
    /** Runs of the fulfillment script so far (keys its seeded draws). */
    fulfillmentRun?: number;
    /** Next line creation number (`SimOrderLine.seq`). */
    lineSeq?: number;
    transaction?: number;
    purchaseOrder?: number;
    creditMemo?: number;
  };
  customers: Record<string, SimCustomer>;
  items: Record<string, SimItem>;
  /** Tax codes by internal id (absent in files written before taxes). */
  taxCodes?: Record<string, SimTaxCode>;
  /** Seeded locations. Until one is seeded, every location id is taken (a warehouse). */
  locations: Record<string, SimLocation>;
  /** On hand by location, then item id (what seeding, transactions and fulfillments left). */
  onHand: Record<string, Record<string, number>>;
  salesOrders: Record<string, SimSalesOrder>;
  deposits: Record<string, SimDeposit>;
  /** By invoice internal id. */
  invoices: Record<string, SimInvoice>;
  creditMemos: Record<string, SimCreditMemo>;
  /** Inventory adjustments, transfers and item receipts, by internal id. */
  transactions: Record<string, SimInventoryTransaction>;
  purchaseOrders: Record<string, SimPurchaseOrder>;
  /** Tagged lines the item fulfillment script did not fulfil, by `<salesOrderId>/<lineId>`. */
  notFulfilled: Record<string, SimNotFulfilled>;
  exports: Record<string, ExportCursor>;
  log: SimLogEntry[];
}

/** First internal ids per record type (realistic NetSuite-looking numbers). */
export const FIRST_IDS = {
  customer: 1001,
  purchaseOrder: 40001,
  salesOrder: 50001,
  transaction: 60001,
  itemFulfillment: 70001,
  invoice: 80001,
  creditMemo: 85001,
  deposit: 90001,
  /** `INV000100` */
  invoiceNumber: 100,
} as const;

export type IdType = keyof typeof FIRST_IDS;

export function emptyState(): SimState {
  return {
    version: 2,
    counters: {
      customer: FIRST_IDS.customer,
      salesOrder: FIRST_IDS.salesOrder,
      deposit: FIRST_IDS.deposit,
      rev: 0,
    },
    customers: {},
    items: {},
    locations: {},
    onHand: {},
    salesOrders: {},
    deposits: {},
    invoices: {},
    creditMemos: {},
    transactions: {},
    purchaseOrders: {},
    notFulfilled: {},
    exports: {},
    log: [],
  };
}

/** Oldest first: internal ids are numbers handed out in order (`nextId`). */
export const byInternalId = (a: { internalId: string }, b: { internalId: string }): number =>
  Number(a.internalId) - Number(b.internalId);

/** A copy of every record of a kind, oldest first (what the simulator's views hand out). */
export const copiesByInternalId = <T extends { internalId: string }>(
  records: Record<string, T>,
): T[] => Object.values(structuredClone(records)).sort(byInternalId);

/** Takes the next internal id of a record type. */
export function nextId(state: SimState, type: IdType): string {
  const id = state.counters[type] ?? FIRST_IDS[type];
  state.counters[type] = id + 1;
  return String(id);
}

/** The next modification stamp. */
export function nextRev(state: SimState): number {
  state.counters.rev += 1;
  return state.counters.rev;
}

/** Records by `externalId` within one import file (`externalIdIndex`). */
export interface ExternalIdIndex<T> {
  find(externalId: string): T | undefined;
  /** A record the file created: later rows of the same file find it. */
  add(record: T): void;
}

/**
 * Records of one kind by `externalId` (NetSuite's deduplication key on import), the first made for
 * each, for one import: built once per file and kept current as the file creates records
 * (`add`). A search of every record per row made a day of imports quadratic in records (issue
 * #21: the simulator's part of a 50,000-order day).
 */
export function externalIdIndex<T extends { readonly externalId: string }>(
  records: Readonly<Record<string, T>>,
): ExternalIdIndex<T> {
  const index = new Map<string, T>();
  const add = (record: T) => {
    if (record.externalId && !index.has(record.externalId)) index.set(record.externalId, record);
  };
  for (const record of Object.values(records)) add(record);
  return { find: (externalId) => index.get(externalId), add };
}

/** Cells that are not empty: NetSuite's CSV import leaves a field untouched for an empty cell. */
export function nonEmpty(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
}

/** The line's quantity (the sales order's, or the allocation update's); 0 when not a number. */
export function orderedQuantity(line: SimOrderLine): number {
  const quantity = Number(line.fields.quantity);
  return Number.isFinite(quantity) && quantity > 0 ? quantity : 0;
}

/** Σ the quantities of the line's item fulfillments, NetSuite's and the OMS's. */
export const fulfilledQuantity = (line: SimOrderLine): number =>
  (line.itemFulfillments ?? []).reduce((n, f) => n + f.quantity, 0);

/** What is left to fulfil on the line (0 once closed). */
export const openQuantity = (line: SimOrderLine): number =>
  line.closed ? 0 : Math.max(0, orderedQuantity(line) - fulfilledQuantity(line));

/** The next line creation number (commitment order). */
export function nextLineSeq(state: SimState): number {
  const seq = state.counters.lineSeq ?? 1;
  state.counters.lineSeq = seq + 1;
  return seq;
}

/** Whether the line carries the OMS's `hotwax-fulfilled` tag. */
export const isTaggedFulfilled = (line: SimOrderLine): boolean => line.tags === HOTWAX_FULFILLED;
