/**
 * The NetSuite simulator: an independent NetSuite account that keeps its own books and plays the
 * SuiteScripts of the HotWax NetSuite integration (`hotwax/netsuite-integration`) against the OMS
 * SFTP server, following the file contract in `docs/netsuite-contract.md` — its own copy of it
 * in contract.ts, never the OMS's feed catalog — and the decisions of issue #14 (plan rules 1–8).
 *
 * What it models:
 * - customers, items, locations (warehouses and stores, with subsidiaries) and the books per
 *   location × item: on hand, committed (open sales-order lines in creation order, "commit
 *   available"), available, backordered (books.ts);
 * - the imports: customers, sales orders, customer deposits, `salesorder/update` (quantity
 *   overwrite, location, close, rejection checkbox, tags), inventory adjustments — with exception
 *   files for failed files and refused rows (folder-watcher.ts);
 * - the item fulfillment of OMS-fulfilled lines (`HC_SC_CreateItemFulfillment`), NetSuite's own
 *   warehouse fulfilment of what its locations committed, rejections, invoicing;
 * - NetSuite's own transactions (item receipts, inventory adjustments, transfers), purchase orders
 *   and credit memos, made through this class's methods;
 * - the exports: ids, rejected items, fulfillments, invoices and credit memos (`alc-audit-data`),
 *   inventory deltas, open purchase orders, and the inventory snapshot on request.
 *
 * One `cycle()` runs every script once (imports, the item fulfillment script, billing, warehouse
 * fulfilment, then the exports); `start()` repeats it on an interval; `stop()` ends it. Tests call
 * `cycle()` directly.
 */
import { accountDate, isAccountDate } from './account-time.ts';
import {
  bookRows,
  bookSettings,
  checkInventoryOptions,
  commitments,
  onHandOf,
  unknownLocation,
  type BookRow,
  type BooksFilter,
} from './books.ts';
import type {
  FulfillmentOptions,
  InventoryOptions,
  Journal,
  PartialFile,
  ReceivedFile,
  RejectionOptions,
  ScriptContext,
  SimulatorOptions,
  SuiteScript,
  WrittenFile,
} from './context.ts';
import { recordTransaction } from './inventory.ts';
import { salesOrderTotals, type SimOrderTotals } from './money.ts';
import { loadState, saveState } from './persistence.ts';
import { creditMemoReport } from './scripts/credit-memo-report.ts';
import { customerImport } from './scripts/customer-import.ts';
import { depositImport } from './scripts/deposit-import.ts';
import { checkFulfillmentOptions, fulfillmentScript } from './scripts/fulfillment.ts';
import { idExports } from './scripts/id-exports.ts';
import { inventoryAdjustmentImport } from './scripts/inventory-adjustment-import.ts';
import { inventoryDeltaExports } from './scripts/inventory-deltas.ts';
import { exportSnapshot, type SnapshotRequest } from './scripts/inventory-snapshot.ts';
import { invoicingScript } from './scripts/invoicing.ts';
import { omsItemFulfillmentScript } from './scripts/oms-item-fulfillment.ts';
import { openPoQuantity, purchaseOrderExport } from './scripts/purchase-order-export.ts';
import { rejectedItemExport } from './scripts/rejected-item-export.ts';
import { checkRejectionOptions, rejectedLocationId } from './scripts/rejections.ts';
import { salesOrderImport } from './scripts/sales-order-import.ts';
import { allocationCounts, salesOrderUpdateImport } from './scripts/sales-order-update-import.ts';
import { NetsuiteSftp, type SftpFolders, type SftpLogin } from './sftp-connection.ts';
import {
  fulfilledQuantity,
  nextId,
  nextRev,
  openQuantity,
  orderedQuantity,
  type SimCreditMemo,
  type SimInventoryTransaction,
  type SimInvoice,
  type SimItemFulfillment,
  type SimLocation,
  type SimLogEntry,
  type SimNotFulfilled,
  type SimPurchaseOrder,
  type SimState,
  type SimTaxCode,
} from './state.ts';

/**
 * The scripts of one cycle, in run order: the imports, the OMS-fulfilled item fulfillment script,
 * billing and its credit memo report, the warehouses' fulfilment and its export, then the other
 * exports.
 */
export const DEFAULT_SCRIPTS: readonly SuiteScript[] = [
  customerImport,
  salesOrderImport,
  depositImport,
  salesOrderUpdateImport,
  inventoryAdjustmentImport,
  omsItemFulfillmentScript,
  invoicingScript,
  creditMemoReport,
  fulfillmentScript,
  idExports,
  rejectedItemExport,
  inventoryDeltaExports,
  purchaseOrderExport,
];

/**
 * Rejections (`RejectionOptions`): `rejectShare` (0..1, default 0) of allocations rejected by a
 * seeded draw (`seed`, default 1), plus every line `rejectWhen` returns true for and every line
 * allocated to one of `rejectingLocations`; rejected lines move to `rejectedLocationId`
 * (default `REJECTED`).
 *
 * Fulfillment and invoicing (`FulfillmentOptions`, see scripts/fulfillment.ts and invoicing.ts):
 * `fulfilShare` (default 0: NetSuite ships nothing) of the open allocated lines fulfilled per
 * cycle, `partialShare` of them in two parts, the export's habits (`commaShare`,
 * `multiTrackingShare`, `boundaryRepeatShare`, `fulfillmentFileNames`, `fulfillmentFormat`,
 * `accountUtcOffset`), and `invoicing` (default on). `seed` drives every draw. NetSuite's staff
 * ship only what their warehouse committed, and never at a store.
 *
 * Books and inventory scripts (`InventoryOptions`, see context.ts; at the top level or grouped as
 * `inventory: {…}`): `defaultOnHand` (default 0), `storeLocations`, `adjustmentSearchIncludesOms`
 * (default false), `adjustmentAccounts` (default `['58']`), `oneWorld` (default true),
 * `itemFulfillmentBatch` (default 150).
 */
export interface NetsuiteSimulatorOptions
  extends SftpLogin, RejectionOptions, FulfillmentOptions, InventoryOptions {
  /** The simulator's clock (the demo accelerates time). Default: the real clock. */
  readonly now?: () => Date;
  /** Export ids again for records an upsert modified (default true, as NetSuite does). */
  readonly reexportUpdated?: boolean;
  /** Keep the account in this JSON file across restarts. Default: in memory only. */
  readonly dataFile?: string;
  /** The scripts one cycle runs (default DEFAULT_SCRIPTS). */
  readonly scripts?: readonly SuiteScript[];
  /** Where `start()` reports a failed cycle. */
  readonly onError?: (err: Error) => void;
  /** The connection the scripts use (default: SFTP with the login above; unit tests: MemorySftp). */
  readonly sftp?: SftpFolders;
  /** The inventory options grouped (the same fields given at the top level win). */
  readonly inventory?: InventoryOptions;
  /** Payment method internal ids the account has (default: any); see SimulatorOptions. */
  readonly paymentMethods?: readonly string[];
}

export interface SeedCustomer {
  readonly externalId: string;
  /** Internal id to give it; default the next customer id. */
  readonly internalId?: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly [field: string]: string | undefined;
}

export interface SeedItem {
  readonly itemId: string;
  readonly sku?: string;
  readonly type?: 'discount';
  readonly preTax?: boolean;
}

export type SeedLocation = SimLocation;

export interface SeedInventory {
  readonly location: string;
  readonly itemId: string;
  /** On hand (absolute: the opening balance, no transaction, nothing exported). */
  readonly onHand: number;
}

/** An item receipt (optionally of a purchase order line). */
export interface ReceiptInput {
  readonly location: string;
  readonly itemId: string;
  readonly quantity: number;
  readonly purchaseOrderId?: string;
  /** The PO line: `<poId>-<n>` or `<n>`. */
  readonly lineId?: string;
}

export interface AdjustmentInput {
  readonly location: string;
  readonly itemId: string;
  /** Signed, whole, non-zero. */
  readonly delta: number;
  readonly memo?: string;
}

export interface TransferInput {
  readonly itemId: string;
  readonly from: string;
  readonly to: string;
  readonly quantity: number;
}

export interface PurchaseOrderInput {
  /** The PO's tranid (default `PO<internal id>`). */
  readonly externalId?: string;
  readonly lines: ReadonlyArray<{
    readonly itemId: string;
    readonly quantity: number;
    readonly location: string;
    /** `MM/DD/YYYY` */
    readonly arrivalDate: string;
  }>;
}

export interface CreditMemoInput {
  /** NetSuite sales-order internal id. */
  readonly salesOrderId: string;
  readonly amount: number;
  /** `HC_RETURN_ID` */
  readonly returnId?: string;
  /** `HC_LOOP_RETURN_ID` */
  readonly loopReturnId?: string;
}

/** One sales-order line as NetSuite holds it (tests). */
export interface LineView {
  /** NetSuite sales-order internal id. */
  readonly internalId: string;
  readonly hcOrderId: string;
  readonly lineId: string;
  readonly orderLineId: string;
  readonly itemId: string;
  /** The line quantity (the update import overwrites it). */
  readonly quantity: number;
  readonly location?: string;
  readonly tags?: string;
  /** Σ item fulfillments. */
  readonly fulfilled: number;
  readonly fulfilledAt: ReadonlyArray<{
    readonly location: string;
    readonly quantity: number;
    readonly source: 'netsuite' | 'oms';
  }>;
  readonly closed: boolean;
  readonly rejected: boolean;
  /** What the line commits at its location now (books.ts). */
  readonly committed: number;
  /** Open quantity not committed. */
  readonly backordered: number;
  /** Quantity invoiced. */
  readonly invoiced: number;
}

export interface SimulatorSnapshot {
  readonly state: SimState;
  readonly counts: {
    readonly customers: number;
    readonly items: number;
    readonly salesOrders: number;
    readonly salesOrderLines: number;
    /** Discount item lines (line and order-level discounts). */
    readonly discountLines: number;
    readonly deposits: number;
    readonly filesReceived: number;
    readonly partialFilesSeen: number;
    readonly rejected: number;
    /** Open lines per NetSuite location they are allocated to (Rejected Orders apart). */
    readonly allocatedLines: Record<string, number>;
    /** Lines now in the Rejected Orders location. */
    readonly rejectedLines: number;
    /** Rejections so far (a line rejected twice counts twice). */
    readonly lineRejections: number;
    /** Item fulfillments NetSuite made (and exported). */
    readonly itemFulfillments: number;
    /** Item fulfillments the item fulfillment script made for OMS-fulfilled lines. */
    readonly omsItemFulfillments: number;
    /** Lines not closed with nothing left to fulfil. */
    readonly fulfilledLines: number;
    readonly closedLines: number;
    readonly invoices: number;
  };
}

/** An item fulfillment with the order and line it belongs to. */
export interface FulfillmentView extends SimItemFulfillment {
  /** NetSuite sales-order internal id. */
  readonly salesOrderId: string;
  readonly hcOrderId: string;
  readonly lineId: string;
  /** The OMS line seq id. */
  readonly orderLineId: string;
}

export class NetsuiteSimulator {
  readonly sftp: SftpFolders;
  private state: SimState;
  private readonly journal: Journal = { received: [], partialFilesSeen: [], written: [] };
  private readonly now: () => Date;
  private readonly scripts: readonly SuiteScript[];
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NetsuiteSimulatorOptions) {
    this.sftp = options.sftp ?? new NetsuiteSftp(options);
    this.now = options.now ?? (() => new Date());
    this.scripts = options.scripts ?? DEFAULT_SCRIPTS;
    checkRejectionOptions(options);
    checkFulfillmentOptions(options);
    checkInventoryOptions(this.inventoryOptions());
    this.state = loadState(options.dataFile);
  }

  /** Every file the simulator read, in reading order. */
  get received(): readonly ReceivedFile[] {
    return this.journal.received;
  }

  /** Every file the simulator wrote for the OMS, in writing order. */
  get written(): readonly WrittenFile[] {
    return this.journal.written;
  }

  /** Incomplete files seen in a folder NetSuite reads (must stay empty). */
  get partialFilesSeen(): readonly PartialFile[] {
    return this.journal.partialFilesSeen;
  }

  /** What the scripts did, row-level rejections included. */
  get log(): readonly SimLogEntry[] {
    return this.state.log;
  }

  /** Rejections so far (`snapshot().counts.lineRejections`), without copying the account. */
  get lineRejections(): number {
    return this.state.counters.rejection ?? 0;
  }

  /**
   * The lines a location rejected at least once (their OMS order id and line id), read in place:
   * `snapshot()` copies the whole account, which grows with the day.
   */
  rejectedLines(): Array<{ hcOrderId: string; orderLineId: string }> {
    const out: Array<{ hcOrderId: string; orderLineId: string }> = [];
    for (const order of Object.values(this.state.salesOrders)) {
      for (const line of order.lines) {
        if (line.history?.some((e) => e.kind === 'rejected')) {
          out.push({ hcOrderId: order.hcOrderId, orderLineId: line.orderLineId });
        }
      }
    }
    return out;
  }

  /** The inventory options, grouped or at the top level (top level wins). */
  private inventoryOptions(): InventoryOptions {
    const o = this.options;
    const top: InventoryOptions = {
      defaultOnHand: o.defaultOnHand,
      storeLocations: o.storeLocations,
      adjustmentSearchIncludesOms: o.adjustmentSearchIncludesOms,
      adjustmentAccounts: o.adjustmentAccounts,
      oneWorld: o.oneWorld,
      itemFulfillmentBatch: o.itemFulfillmentBatch,
    };
    const given = Object.entries(top).filter(([, v]) => v !== undefined);
    return { ...o.inventory, ...Object.fromEntries(given) };
  }

  /** The options every script sees. */
  private scriptOptions(): SimulatorOptions {
    const o = this.options;
    return {
      reexportUpdated: o.reexportUpdated ?? true,
      rejections: {
        rejectShare: o.rejectShare,
        seed: o.seed,
        rejectWhen: o.rejectWhen,
        rejectingLocations: o.rejectingLocations,
        rejectedLocationId: o.rejectedLocationId,
      },
      fulfillment: {
        fulfilShare: o.fulfilShare,
        partialShare: o.partialShare,
        fulfilWhen: o.fulfilWhen,
        seed: o.seed,
        commaShare: o.commaShare,
        multiTrackingShare: o.multiTrackingShare,
        shipmentFor: o.shipmentFor,
        boundaryRepeatShare: o.boundaryRepeatShare,
        fulfillmentFileNames: o.fulfillmentFileNames,
        fulfillmentFormat: o.fulfillmentFormat,
        accountUtcOffset: o.accountUtcOffset,
        invoicing: o.invoicing,
      },
      inventory: this.inventoryOptions(),
      paymentMethods: o.paymentMethods,
    };
  }

  private context(): ScriptContext {
    return {
      sftp: this.sftp,
      state: this.state,
      journal: this.journal,
      options: this.scriptOptions(),
      now: this.now,
      log: (entry) => this.state.log.push({ at: this.now().toISOString(), ...entry }),
    };
  }

  private get settings() {
    return bookSettings(this.scriptOptions());
  }

  private save(): void {
    saveState(this.options.dataFile, this.state);
  }

  private note(kind: SimLogEntry['kind'], key: string, message: string): void {
    this.state.log.push({ at: this.now().toISOString(), script: 'account', kind, key, message });
  }

  /** Customers that already exist in NetSuite (matched by `externalId` when the OMS sends them). */
  seedCustomers(customers: readonly SeedCustomer[]): string[] {
    const at = this.now().toISOString();
    const ids = customers.map(({ externalId, internalId, ...rest }) => {
      const id = internalId ?? nextId(this.state, 'customer');
      if (internalId && Number(internalId) >= this.state.counters.customer)
        this.state.counters.customer = Number(internalId) + 1;
      const fields = Object.fromEntries(
        Object.entries(rest).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      this.state.customers[id] = {
        internalId: id,
        externalId,
        fields,
        rev: nextRev(this.state),
        createdAt: at,
        updatedAt: at,
      };
      return id;
    });
    this.save();
    return ids;
  }

  /** Items NetSuite knows (the sales order import refuses any other item id). */
  seedItems(items: readonly SeedItem[]): void {
    for (const item of items) this.state.items[item.itemId] = { ...item };
    this.save();
  }

  /** Tax codes NetSuite knows, with their rates (`8.25%`): it computes the tax itself. */
  seedTaxCodes(codes: readonly SimTaxCode[]): void {
    this.state.taxCodes ??= {};
    for (const code of codes) this.state.taxCodes[code.id] = { ...code };
    this.save();
  }

  /** NetSuite's totals of a sales order (by the OMS order id it came with), from its rows. */
  salesOrderTotals(hcOrderId: string): SimOrderTotals | undefined {
    const order = Object.values(this.state.salesOrders).find((o) => o.hcOrderId === hcOrderId);
    return order ? salesOrderTotals(this.state, order) : undefined;
  }

  /**
   * `salesOrderTotals` of every sales order in one pass, by the OMS order id (the first order
   * with it, as there): for a summary of the whole day, which asking order by order made
   * quadratic in orders.
   */
  salesOrderTotalsByOmsId(): Map<string, SimOrderTotals> {
    const out = new Map<string, SimOrderTotals>();
    for (const order of Object.values(this.state.salesOrders)) {
      if (!out.has(order.hcOrderId)) out.set(order.hcOrderId, salesOrderTotals(this.state, order));
    }
    return out;
  }

  /**
   * A NetSuite user closes a sales-order line by hand (its open quantity is no longer committed;
   * later updates of the line are refused: `line … is closed`).
   */
  closeLine(salesOrderId: string, lineId: string): void {
    const order = this.state.salesOrders[salesOrderId];
    const line = order?.lines.find((l) => l.lineId === lineId);
    if (!order || !line) throw new Error(`no line ${lineId} on sales order ${salesOrderId}`);
    line.closed = true;
    (line.history ??= []).push({ at: this.now().toISOString(), kind: 'closed', reason: 'user' });
    line.rev = nextRev(this.state);
    this.note('user', `${salesOrderId}/${lineId}`, `a user closed line ${lineId}`);
    this.save();
  }

  /** A NetSuite user deletes a sales order (later rows naming it are refused: it does not exist). */
  deleteSalesOrder(salesOrderId: string): void {
    if (!this.state.salesOrders[salesOrderId]) throw new Error(`no sales order ${salesOrderId}`);
    delete this.state.salesOrders[salesOrderId];
    this.note('user', salesOrderId, `a user deleted sales order ${salesOrderId}`);
    this.save();
  }

  /**
   * Locations NetSuite has: warehouses (its staff ship there) and stores (the OMS ships), each
   * with its subsidiary. Once one is seeded, every other location id is refused.
   */
  seedLocations(locations: readonly SeedLocation[]): void {
    for (const location of locations) {
      if (location.kind !== 'warehouse' && location.kind !== 'store')
        throw new Error(`location ${location.id}: kind ${String(location.kind)}`);
      this.state.locations[location.id] = { ...location };
    }
    this.save();
  }

  /** Opening on hand per location × item (absolute; no transaction, nothing exported). */
  seedInventory(rows: readonly SeedInventory[]): void {
    for (const row of rows) {
      this.requireItem(row.itemId);
      this.requireLocation(row.location);
      if (!Number.isInteger(row.onHand)) throw new Error(`onHand ${row.onHand} is not whole`);
      (this.state.onHand[row.location] ??= {})[row.itemId] = row.onHand;
    }
    this.save();
  }

  /** The books: on hand, committed, available and backordered per location × item. */
  books(filter?: BooksFilter): BookRow[] {
    return bookRows(this.state, this.settings, filter);
  }

  /** An item receipt (on hand up), exported once by the item receipt delta. Returns its id. */
  receive(input: ReceiptInput): string {
    this.requireItem(input.itemId);
    this.requireLocation(input.location);
    const quantity = wholePositive('quantity', input.quantity);
    let lineId: string | undefined;
    if (input.purchaseOrderId !== undefined || input.lineId !== undefined) {
      const { po, line } = this.poLine(input.purchaseOrderId ?? '', input.lineId ?? '');
      if (line.itemId !== input.itemId || line.location !== input.location)
        throw new Error(
          `PO line ${line.lineId} is item ${line.itemId} at ${line.location}, not ${input.itemId} at ${input.location}`,
        );
      const open = openPoQuantity(po, line);
      if (quantity > open)
        throw new Error(`PO line ${line.lineId} has ${open} left to receive, not ${quantity}`);
      line.received += quantity;
      lineId = line.lineId;
    }
    const receipt = recordTransaction(this.state, this.settings, {
      type: 'receipt',
      source: 'netsuite',
      lines: [{ location: input.location, itemId: input.itemId, delta: quantity }],
      at: this.now().toISOString(),
      ...(lineId ? { purchaseOrderId: input.purchaseOrderId, purchaseOrderLineId: lineId } : {}),
    });
    this.note(
      'inventory',
      receipt.internalId,
      `item receipt ${receipt.internalId}: +${quantity} of ${input.itemId} at ${input.location}${lineId ? ` (PO line ${lineId})` : ''}`,
    );
    this.save();
    return receipt.internalId;
  }

  /** An inventory adjustment made in NetSuite, exported once by the adjustment delta. */
  adjust(input: AdjustmentInput): string {
    this.requireItem(input.itemId);
    this.requireLocation(input.location);
    if (!Number.isInteger(input.delta) || input.delta === 0)
      throw new Error(`delta ${input.delta} is not a whole non-zero number`);
    const adjustment = recordTransaction(this.state, this.settings, {
      type: 'adjustment',
      source: 'netsuite',
      lines: [{ location: input.location, itemId: input.itemId, delta: input.delta }],
      memo: input.memo,
      at: this.now().toISOString(),
    });
    this.note(
      'inventory',
      adjustment.internalId,
      `inventory adjustment ${adjustment.internalId}: ${input.delta} of ${input.itemId} at ${input.location}`,
    );
    this.save();
    return adjustment.internalId;
  }

  /** An inventory transfer (on hand moves), exported once as two delta rows (−from, +to). */
  transfer(input: TransferInput): string {
    this.requireItem(input.itemId);
    this.requireLocation(input.from);
    this.requireLocation(input.to);
    if (input.from === input.to) throw new Error(`transfer from ${input.from} to itself`);
    const quantity = wholePositive('quantity', input.quantity);
    const onHand = onHandOf(this.state, this.settings, input.from, input.itemId);
    if (quantity > onHand)
      throw new Error(`location ${input.from} has ${onHand} of ${input.itemId}, not ${quantity}`);
    const transfer = recordTransaction(this.state, this.settings, {
      type: 'transfer',
      source: 'netsuite',
      lines: [
        { location: input.from, itemId: input.itemId, delta: -quantity },
        { location: input.to, itemId: input.itemId, delta: quantity },
      ],
      at: this.now().toISOString(),
    });
    this.note(
      'inventory',
      transfer.internalId,
      `inventory transfer ${transfer.internalId}: ${quantity} of ${input.itemId} from ${input.from} to ${input.to}`,
    );
    this.save();
    return transfer.internalId;
  }

  /** NetSuite's inventory transactions (adjustments, transfers, receipts), oldest first. */
  transactions(): SimInventoryTransaction[] {
    return Object.values(structuredClone(this.state.transactions)).sort(
      (a, b) => Number(a.internalId) - Number(b.internalId),
    );
  }

  /**
   * Runs the inventory snapshot search now (between cycles, never during one): writes
   * `inventoryitem/csv` from the books, in `files` parts; returns the file names.
   */
  exportInventorySnapshot(request: SnapshotRequest = {}): Promise<string[]> {
    const run = this.running.then(async () => {
      try {
        return await exportSnapshot(this.context(), request);
      } catch (err) {
        await this.sftp.close();
        throw err;
      } finally {
        this.save();
      }
    });
    this.running = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A purchase order, exported once by the open purchase order export. Returns its internal id. */
  createPurchaseOrder(input: PurchaseOrderInput): string {
    if (input.lines.length === 0) throw new Error('a purchase order needs a line');
    for (const line of input.lines) {
      this.requireItem(line.itemId);
      this.requireLocation(line.location);
      wholePositive('quantity', line.quantity);
      if (!isAccountDate(line.arrivalDate))
        throw new Error(`arrivalDate ${line.arrivalDate} is not MM/DD/YYYY`);
    }
    const internalId = nextId(this.state, 'purchaseOrder');
    const po: SimPurchaseOrder = {
      internalId,
      externalId: input.externalId ?? `PO${internalId}`,
      lines: input.lines.map((line, i) => ({
        lineId: `${internalId}-${i + 1}`,
        itemId: line.itemId,
        quantity: line.quantity,
        received: 0,
        location: line.location,
        arrivalDate: line.arrivalDate,
      })),
      createdAt: this.now().toISOString(),
    };
    this.state.purchaseOrders[internalId] = po;
    this.note('inventory', internalId, `purchase order ${po.externalId} (${internalId}) created`);
    this.save();
    return internalId;
  }

  /** An item receipt of `quantity` on the PO line (`<poId>-<n>` or `<n>`). Returns its id. */
  receivePurchaseOrder(poId: string, lineId: string, quantity: number): string {
    const { line } = this.poLine(poId, lineId);
    return this.receive({
      location: line.location,
      itemId: line.itemId,
      quantity,
      purchaseOrderId: poId,
      lineId: line.lineId,
    });
  }

  /** Closes the PO: every line's open quantity becomes 0 (not exported again by itself). */
  closePurchaseOrder(poId: string): void {
    const po = this.purchaseOrder(poId);
    po.closed = true;
    for (const line of po.lines) line.closed = true;
    this.note('inventory', poId, `purchase order ${po.externalId} (${poId}) closed`);
    this.save();
  }

  /** Flags the PO for the next export, which lists its lines with their open quantity. */
  reexportPurchaseOrder(poId: string): void {
    this.purchaseOrder(poId).reexport = true;
    this.save();
  }

  /** Every purchase order, oldest first. */
  purchaseOrders(): SimPurchaseOrder[] {
    return Object.values(structuredClone(this.state.purchaseOrders)).sort(
      (a, b) => Number(a.internalId) - Number(b.internalId),
    );
  }

  /** A credit memo against a sales order, reported once in `Credit_Memo-<date>.csv`. */
  creditMemo(input: CreditMemoInput): string {
    const order = this.state.salesOrders[input.salesOrderId];
    if (!order) throw new Error(`sales order ${input.salesOrderId} does not exist`);
    if (!(Number.isFinite(input.amount) && input.amount > 0))
      throw new Error(`amount ${input.amount} is not > 0`);
    const deposit = Object.values(this.state.deposits).find(
      (d) => d.salesOrderId === order.internalId,
    );
    const internalId = nextId(this.state, 'creditMemo');
    const now = this.now();
    const memo: SimCreditMemo = {
      internalId,
      salesOrderId: order.internalId,
      shopifyOrderName: order.fields.orderId ?? deposit?.fields.shopifyOrderName ?? '',
      shopifyOrderId: order.fields.HCShopifySalesOrderId ?? deposit?.fields.shopifyOrderId ?? '',
      amount: Math.round(input.amount * 100) / 100,
      ...(input.returnId !== undefined ? { returnId: input.returnId } : {}),
      ...(input.loopReturnId !== undefined ? { loopReturnId: input.loopReturnId } : {}),
      date: accountDate(now, this.options.accountUtcOffset ?? 'Z'),
      at: now.toISOString(),
    };
    this.state.creditMemos[internalId] = memo;
    this.note(
      'credit-memo',
      order.hcOrderId,
      `credit memo ${internalId} for sales order ${order.internalId}: ${memo.amount.toFixed(2)}`,
    );
    this.save();
    return internalId;
  }

  /** Every credit memo, oldest first. */
  creditMemos(): SimCreditMemo[] {
    return Object.values(structuredClone(this.state.creditMemos)).sort(
      (a, b) => Number(a.internalId) - Number(b.internalId),
    );
  }

  /** Tagged lines the item fulfillment script did not fulfil, with the latest reason. */
  notFulfilled(): SimNotFulfilled[] {
    return Object.values(structuredClone(this.state.notFulfilled)).sort((a, b) =>
      a.at < b.at ? -1 : a.at > b.at ? 1 : 0,
    );
  }

  /** Every sales-order line as NetSuite holds it now, by order then line. */
  lines(): LineView[] {
    const { byLine } = commitments(this.state, this.settings);
    const invoiced = new Map<string, number>();
    for (const invoice of Object.values(this.state.invoices))
      for (const l of invoice.lines) {
        const k = `${invoice.salesOrderId}/${l.lineId}`;
        invoiced.set(k, (invoiced.get(k) ?? 0) + l.quantity);
      }
    return Object.values(this.state.salesOrders)
      .sort((a, b) => Number(a.internalId) - Number(b.internalId))
      .flatMap((order) =>
        order.lines.map((line) => {
          const committed = byLine.get(line) ?? 0;
          return {
            internalId: order.internalId,
            hcOrderId: order.hcOrderId,
            lineId: line.lineId,
            orderLineId: line.orderLineId,
            itemId: line.itemId,
            quantity: orderedQuantity(line),
            ...(line.location !== undefined ? { location: line.location } : {}),
            ...(line.tags !== undefined ? { tags: line.tags } : {}),
            fulfilled: fulfilledQuantity(line),
            fulfilledAt: (line.itemFulfillments ?? []).map((f) => ({
              location: f.location,
              quantity: f.quantity,
              source: f.source,
            })),
            closed: line.closed === true,
            rejected: line.rejected === true,
            committed,
            backordered:
              line.location && line.location !== this.settings.rejectedLocation
                ? openQuantity(line) - committed
                : 0,
            invoiced: invoiced.get(`${order.internalId}/${line.lineId}`) ?? 0,
          };
        }),
      );
  }

  private requireItem(itemId: string): void {
    if (!this.state.items[itemId]) throw new Error(`item ${itemId} does not exist (seedItems)`);
  }

  private requireLocation(location: string): void {
    const problem = unknownLocation(this.state, location);
    if (problem) throw new Error(problem);
  }

  private purchaseOrder(poId: string): SimPurchaseOrder {
    const po = this.state.purchaseOrders[poId];
    if (!po) throw new Error(`purchase order ${poId} does not exist`);
    return po;
  }

  private poLine(poId: string, lineId: string) {
    const po = this.purchaseOrder(poId);
    const line = po.lines.find((l) => l.lineId === lineId || l.lineId === `${poId}-${lineId}`);
    if (!line) throw new Error(`purchase order ${poId} has no line ${lineId}`);
    return { po, line };
  }

  /** Runs every script once. Cycles never overlap: a call waits for the one under way. */
  cycle(): Promise<void> {
    const run = this.running.then(() => this.runScripts());
    this.running = run.catch(() => undefined);
    return run;
  }

  private async runScripts(): Promise<void> {
    const ctx = this.context();
    try {
      for (const script of this.scripts) await script.run(ctx);
    } catch (err) {
      await this.sftp.close(); // reconnect on the next cycle
      throw err;
    } finally {
      this.save();
    }
  }

  /** Runs a cycle now and then every `intervalMs` until `stop()`. */
  start(opts: { intervalMs: number }): void {
    if (this.timer) return;
    const tick = () => {
      this.cycle()
        .catch((err: Error) => this.options.onError?.(err))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, opts.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops the interval, waits for the cycle under way, closes the connection. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.sftp.close();
  }

  /** Every item fulfillment (NetSuite's and the OMS's), by order and line, oldest first per line. */
  fulfillments(): FulfillmentView[] {
    return Object.values(this.state.salesOrders).flatMap((order) =>
      order.lines.flatMap((line) =>
        (line.itemFulfillments ?? []).map((f) => ({
          ...structuredClone(f),
          salesOrderId: order.internalId,
          hcOrderId: order.hcOrderId,
          lineId: line.lineId,
          orderLineId: line.orderLineId,
        })),
      ),
    );
  }

  /** Every invoice, in the order they were made. */
  invoices(): SimInvoice[] {
    return Object.values(structuredClone(this.state.invoices)).sort(
      (a, b) => Number(a.internalId) - Number(b.internalId),
    );
  }

  /** A deep copy of the account and a few counts (tests, the demo summary). */
  snapshot(): SimulatorSnapshot {
    const state = structuredClone(this.state);
    const orders = Object.values(state.salesOrders);
    // Item lines: a discount item's line is counted apart.
    const lines = orders.flatMap((o) => o.lines).filter((l) => !l.discount);
    const fulfillments = lines.flatMap((l) => l.itemFulfillments ?? []);
    return {
      state,
      counts: {
        customers: Object.keys(state.customers).length,
        items: Object.keys(state.items).length,
        salesOrders: orders.length,
        salesOrderLines: lines.length,
        discountLines: orders.reduce((n, o) => n + o.lines.filter((l) => l.discount).length, 0),
        deposits: Object.keys(state.deposits).length,
        filesReceived: this.journal.received.length,
        partialFilesSeen: this.journal.partialFilesSeen.length,
        rejected: state.log.filter((e) => e.kind === 'rejected').length,
        ...allocationCounts(state, rejectedLocationId(this.options)),
        itemFulfillments: fulfillments.filter((f) => f.source === 'netsuite').length,
        omsItemFulfillments: fulfillments.filter((f) => f.source === 'oms').length,
        fulfilledLines: lines.filter(
          (l) => !l.closed && (l.itemFulfillments?.length ?? 0) > 0 && openQuantity(l) === 0,
        ).length,
        closedLines: lines.filter((l) => l.closed).length,
        invoices: Object.keys(state.invoices).length,
      },
    };
  }
}

/** A whole positive number, or throws naming the field. */
function wholePositive(field: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new Error(`${field} ${value} is not a whole number > 0`);
  return value;
}
