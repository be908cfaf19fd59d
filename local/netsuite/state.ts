/**
 * The simulator's NetSuite account: customers, items, sales orders with their lines (and the item
 * fulfillments of each line), customer deposits, invoices, id counters, the export cursors, and a
 * log of what each SuiteScript did. Plain data, so it can be saved as JSON and restored.
 *
 * Every change a saved search would see bumps the record's `rev` (a counter standing in for
 * NetSuite's last-modified date); an id export selects the records whose `rev` is past its cursor.
 */

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
}

export interface SimOrderLine {
  /** NetSuite line id: `1`, `2`, … per order, in the order lines first arrived. */
  readonly lineId: string;
  /** The OMS line (`orderLineId`, its order item seq id). */
  readonly orderLineId: string;
  itemId: string;
  fields: Record<string, string>;
  rev: number;
  /** NetSuite location id the line is allocated to (the Rejected Orders location once rejected). */
  location?: string;
  /**
   * The last allocation update's quantity (what the location ships; the line keeps its sales-order
   * `quantity`), and how many item fulfillments the line had then (later ones count against it).
   */
  allocation?: { quantity: number; since: number };
  /** The rejection checkbox: set when a location rejects the line, cleared by `rejected=false`. */
  rejected?: boolean;
  /** The last rejection; `rev` stamps it for the rejected-items export. */
  rejection?: SimRejection;
  /** What the OMS last reported it shipped itself (`tags`=`hotwax-fulfilled`). */
  fulfilledByOms?: { quantity: string; location: string };
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
    | 'fulfilled-by-oms'
    /** NetSuite fulfilled (part of) the line at its location. */
    | 'fulfilled'
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
 * An Item Fulfillment record for one line: made by NetSuite at the line's location (`netsuite`,
 * exported to the OMS) or from an OMS-fulfilled row (`oms`, the OMS shipped it itself).
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
  /** `oms` only: the `salesorder/update` file it came from. */
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
  | 'invoiced';

export interface SimLogEntry {
  readonly at: string;
  /**
   * The SuiteScript (`customer-import`, `sales-order-import`, `deposit-import`,
   * `sales-order-update-import`, `invoicing`, `fulfillment`, `id-export`, `rejected-item-export`).
   */
  readonly script: string;
  readonly kind: LogKind;
  readonly file?: string;
  /** The record concerned: an externalId, an HCOrderId, an internal id. */
  readonly key?: string;
  readonly message: string;
}

export interface SimState {
  readonly version: 1;
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
  };
  customers: Record<string, SimCustomer>;
  items: Record<string, SimItem>;
  salesOrders: Record<string, SimSalesOrder>;
  deposits: Record<string, SimDeposit>;
  /** By invoice internal id. */
  invoices: Record<string, SimInvoice>;
  exports: Record<string, ExportCursor>;
  log: SimLogEntry[];
}

/** First internal ids per record type (realistic NetSuite-looking numbers). */
export const FIRST_IDS = {
  customer: 1001,
  salesOrder: 50001,
  itemFulfillment: 70001,
  invoice: 80001,
  deposit: 90001,
  /** `INV000100` */
  invoiceNumber: 100,
} as const;

export type IdType = keyof typeof FIRST_IDS;

export function emptyState(): SimState {
  return {
    version: 1,
    counters: {
      customer: FIRST_IDS.customer,
      salesOrder: FIRST_IDS.salesOrder,
      deposit: FIRST_IDS.deposit,
      rev: 0,
    },
    customers: {},
    items: {},
    salesOrders: {},
    deposits: {},
    invoices: {},
    exports: {},
    log: [],
  };
}

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

export const findCustomerByExternalId = (state: SimState, externalId: string) =>
  Object.values(state.customers).find((c) => c.externalId === externalId);

export const findOrderByExternalId = (state: SimState, externalId: string) =>
  Object.values(state.salesOrders).find((o) => o.externalId === externalId);

export const findDepositByExternalId = (state: SimState, externalId: string) =>
  Object.values(state.deposits).find((d) => d.externalId === externalId);

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

/** NetSuite's item fulfillments made since the line's last allocation. */
export const shippedSinceAllocation = (line: SimOrderLine): SimItemFulfillment[] =>
  (line.itemFulfillments ?? [])
    .slice(line.allocation?.since ?? 0)
    .filter((f) => f.source === 'netsuite');

/** What the location the line is allocated to still has to ship (never past the open quantity). */
export function allocatedLeft(line: SimOrderLine): number {
  const open = openQuantity(line);
  if (!line.allocation) return open;
  const shipped = shippedSinceAllocation(line).reduce((n, f) => n + f.quantity, 0);
  return Math.max(0, Math.min(line.allocation.quantity - shipped, open));
}
