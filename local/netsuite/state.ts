/**
 * The simulator's NetSuite account: customers, items, sales orders with their lines, customer
 * deposits, id counters, the export cursors, and a log of what each SuiteScript did. Plain data,
 * so it can be saved as JSON and restored.
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
  /** The rejection checkbox: set when a location rejects the line, cleared by `rejected=false`. */
  rejected?: boolean;
  /** The last rejection; `rev` stamps it for the rejected-items export. */
  rejection?: SimRejection;
  /** What the OMS reported it shipped itself (`tags`=`hotwax-fulfilled`). */
  fulfilledByOms?: { quantity: string; location: string };
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
  readonly kind: 'allocated' | 'rejected' | 'unflagged' | 'fulfilled-by-oms' | 'closed';
  readonly file?: string;
  readonly location?: string;
  readonly quantity?: string;
  readonly reason?: string;
  readonly comments?: string;
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
  | 'line-rejected';

export interface SimLogEntry {
  readonly at: string;
  /**
   * The SuiteScript (`customer-import`, `sales-order-import`, `deposit-import`,
   * `sales-order-update-import`, `id-export`, `rejected-item-export`).
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
  };
  customers: Record<string, SimCustomer>;
  items: Record<string, SimItem>;
  salesOrders: Record<string, SimSalesOrder>;
  deposits: Record<string, SimDeposit>;
  exports: Record<string, ExportCursor>;
  log: SimLogEntry[];
}

/** First internal ids per record type (realistic NetSuite-looking numbers). */
export const FIRST_IDS = { customer: 1001, salesOrder: 50001, deposit: 90001 } as const;

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
    exports: {},
    log: [],
  };
}

/** Takes the next internal id of a record type. */
export function nextId(state: SimState, type: 'customer' | 'salesOrder' | 'deposit'): string {
  const id = state.counters[type];
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
