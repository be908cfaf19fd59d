/** What every SuiteScript of the simulator gets to work with, and the shape of one script. */
import type { SftpFolders } from './sftp-connection.ts';
import type { SimLogEntry, SimState } from './state.ts';

/** A file the simulator read, as it read it (for test assertions). */
export interface ReceivedFile {
  readonly folder: string;
  readonly name: string;
  /** CSV: the header; JSON: the keys of the objects, in order of first appearance. */
  readonly header: string[];
  /** CSV: the data rows; JSON: the array's elements. */
  readonly rows: string[][] | unknown[];
  /** ISO time (simulator clock) it was read. */
  readonly at: string;
}

/** A file seen incomplete in a folder NetSuite reads: the OMS did not write it atomically. */
export interface PartialFile {
  readonly folder: string;
  readonly name: string;
  readonly reason: string;
  readonly at: string;
}

/** A file the simulator wrote for the OMS (id exports, error files, fulfillments, invoices). */
export interface WrittenFile {
  readonly folder: string;
  readonly name: string;
  readonly text: string;
  /** ISO time (simulator clock) it was written. */
  readonly at: string;
}

export interface Journal {
  readonly received: ReceivedFile[];
  readonly partialFilesSeen: PartialFile[];
  readonly written: WrittenFile[];
}

export interface SimulatorOptions {
  /** Export ids again for records an upsert modified (NetSuite's last-modified saved searches). */
  readonly reexportUpdated: boolean;
  /** Which allocated lines NetSuite's locations reject (default: none). */
  readonly rejections?: RejectionOptions;
  /** Which allocated lines NetSuite fulfils, how it writes them, and invoicing (default: none). */
  readonly fulfillment?: FulfillmentOptions;
  /** The books, the stores, the adjustment import and the item fulfillment script. */
  readonly inventory?: InventoryOptions;
  /**
   * Payment method internal ids the account has: a customer deposit naming another is refused
   * (`Invalid paymentmethod reference key`). Default: any.
   */
  readonly paymentMethods?: readonly string[];
}

/**
 * How the account keeps its books and what its inventory scripts accept (see books.ts,
 * scripts/inventory-adjustment-import.ts, scripts/oms-item-fulfillment.ts).
 */
export interface InventoryOptions {
  /**
   * On hand of a location × item the books have no figure for (never seeded, received, adjusted
   * or shipped from). Default 0: nothing commits, nothing ships. A test or demo that does not care
   * about stock may set it high so that NetSuite can ship whatever it is allocated.
   */
  readonly defaultOnHand?: number;
  /** Locations that are stores (NetSuite's warehouse staff never ship there), besides those seeded so. */
  readonly storeLocations?: readonly string[];
  /**
   * Whether the inventory adjustment delta search also returns the adjustments the OMS pushed
   * (imported from `inventoryadjustment/csv`). Default false.
   */
  readonly adjustmentSearchIncludesOms?: boolean;
  /** Account internal ids the adjustment import takes in `Adjustment Account` (default `['58']`). */
  readonly adjustmentAccounts?: readonly string[];
  /** A OneWorld account: the adjustment import requires `Subsidiary` (default true). */
  readonly oneWorld?: boolean;
  /** Lines the OMS-fulfilled item fulfillment script fulfils a run at most (default 150). */
  readonly itemFulfillmentBatch?: number;
}

/** A line the allocation update just moved to a location, as the rejection rules see it. */
export interface AllocatedLine {
  /** NetSuite sales-order internal id. */
  readonly internalId: string;
  /** The OMS order id (`HCOrderId`). */
  readonly hcOrderId: string;
  /** NetSuite line id. */
  readonly lineId: string;
  /** The OMS line seq id. */
  readonly orderLineId: string;
  readonly itemId: string;
  /** The NetSuite location id it was allocated to. */
  readonly location: string;
  readonly quantity: string;
  /** 1 for the line's first allocation, 2 after its first re-allocation, … */
  readonly attempt: number;
}

/** Which allocations a NetSuite location rejects; a line is rejected when any rule says so. */
export interface RejectionOptions {
  /** Share (0..1) of allocations rejected at random (default 0). */
  readonly rejectShare?: number;
  /** Seed of the draw behind `rejectShare` (default 1): the same seed rejects the same lines. */
  readonly seed?: number | string;
  /** Rejects the lines it returns true for (tests). */
  readonly rejectWhen?: (line: AllocatedLine) => boolean;
  /** Locations that reject every line allocated to them. */
  readonly rejectingLocations?: readonly string[];
  /** The "Rejected Orders" location rejected lines move to (default `REJECTED`). */
  readonly rejectedLocationId?: string;
}

export interface ScriptContext {
  readonly sftp: SftpFolders;
  readonly state: SimState;
  readonly journal: Journal;
  readonly options: SimulatorOptions;
  now(): Date;
  log(entry: Omit<SimLogEntry, 'at'>): void;
}

/** One scheduled SuiteScript: a run reads its folder or writes its files. */
export interface SuiteScript {
  readonly name: string;
  run(ctx: ScriptContext): Promise<void>;
}

/** The part of the context a record import needs (no SFTP): what unit tests build. */
export type RecordContext = Pick<ScriptContext, 'state' | 'options' | 'now' | 'log'>;

/** A line at one of NetSuite's warehouses with committed quantity (what its staff can ship). */
export interface FulfillableLine {
  /** NetSuite sales-order internal id. */
  readonly internalId: string;
  /** The OMS order id (`HCOrderId`). */
  readonly hcOrderId: string;
  /** NetSuite line id. */
  readonly lineId: string;
  /** The OMS line seq id. */
  readonly orderLineId: string;
  readonly itemId: string;
  /** The NetSuite location id it is allocated to. */
  readonly location: string;
  /** The line's quantity. */
  readonly quantity: number;
  /** What the location can ship now: the line's committed quantity there. */
  readonly open: number;
  /** The fulfillment run (1, 2, … per account). */
  readonly run: number;
}

/** The free text of a shipment (what `shipmentFor` may set; the rest is drawn). */
export interface ShipmentText {
  readonly trackingNumbers: readonly string[];
  readonly carrier: string;
  readonly shippingMethod: string;
}

/** How the fulfillment export names its files (the account's script version). */
export type FulfillmentFileNames = 'dated' | 'date-string' | 'mixed';

/**
 * What NetSuite fulfils and invoices, and the habits of its fulfillment export. Every draw is a
 * seeded PRNG keyed by what it decides (`seed`, shared with the rejections): the same seed and the
 * same files give the same fulfillments.
 */
export interface FulfillmentOptions {
  /** Share (0..1) of the open allocated lines fulfilled per run (default 0: none). */
  readonly fulfilShare?: number;
  /** Share (0..1) of fulfilled lines of 2+ units shipped in two parts over two runs (default 0). */
  readonly partialShare?: number;
  /** Fulfils the lines it returns true for, whatever `fulfilShare` draws (tests). */
  readonly fulfilWhen?: (line: FulfillableLine) => boolean;
  /** Seed of the draws (default 1). */
  readonly seed?: number | string;
  /** Share (0..1) of shipments whose carrier or shipping method has a comma (default 0). */
  readonly commaShare?: number;
  /** Share (0..1) of shipments with two tracking numbers (default 0). */
  readonly multiTrackingShare?: number;
  /** Replaces the drawn carrier, shipping method or tracking numbers of a shipment (tests). */
  readonly shipmentFor?: (line: FulfillableLine) => Partial<ShipmentText> | undefined;
  /** Share (0..1) of fulfillment files that repeat the previous file's last row (default 0.5). */
  readonly boundaryRepeatShare?: number;
  /** `dated` (default: `2025-07-02-10-15-00-SalesOrderFulfillment.csv`), `date-string`, `mixed`. */
  readonly fulfillmentFileNames?: FulfillmentFileNames;
  /** `csv` (default: `salesorder/import/fulfillment-nifi`) or `json` (`…/fulfillment`). */
  readonly fulfillmentFormat?: 'csv' | 'json';
  /** The account's time zone as a UTC offset (`Z`, default, or `±HH:MM`): dates in files. */
  readonly accountUtcOffset?: string;
  /** Invoice fulfilled orders that have a customer deposit (default true). */
  readonly invoicing?: boolean;
}
