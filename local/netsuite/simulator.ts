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
 *   and credit memos, made through this class's methods (own-transactions.ts);
 * - the exports: ids, rejected items, fulfillments, invoices and credit memos (`alc-audit-data`),
 *   inventory deltas, open purchase orders, and the inventory snapshot on request.
 *
 * One `cycle()` runs every script once (imports, the item fulfillment script, billing, warehouse
 * fulfilment, then the exports); `start()` repeats it on an interval; `stop()` ends it. Tests call
 * `cycle()` directly.
 *
 * Over 400 lines: this class is the account's one façade — every test, the demo and the local
 * cloud drive NetSuite through it — and its methods are thin: the scripts (scripts/), the books
 * (books.ts), NetSuite's own transactions (own-transactions.ts) and the state (state.ts) are
 * modules of their own; what stays here is the wiring, the views tests read and the log.
 */
import {
  bookRows,
  bookSettings,
  checkInventoryOptions,
  commitments,
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
import { salesOrderTotals, type SimOrderTotals } from './money.ts';
import {
  allCreditMemos,
  allPurchaseOrders,
  closePurchaseOrderIn,
  flagPurchaseOrderForReexport,
  poLineReceipt,
  recordAdjustment,
  recordCreditMemo,
  recordPurchaseOrder,
  recordReceipt,
  recordTransfer,
  requireItem,
  requireLocation,
  type AdjustmentInput,
  type CreditMemoInput,
  type PurchaseOrderInput,
  type ReceiptInput,
  type TransferInput,
} from './own-transactions.ts';
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
import { purchaseOrderExport } from './scripts/purchase-order-export.ts';
import { rejectedItemExport } from './scripts/rejected-item-export.ts';
import { checkRejectionOptions, rejectedLocationId } from './scripts/rejections.ts';
import { salesOrderImport } from './scripts/sales-order-import.ts';
import { allocationCounts, salesOrderUpdateImport } from './scripts/sales-order-update-import.ts';
import { NetsuiteSftp, type SftpFolders, type SftpLogin } from './sftp-connection.ts';
import {
  byInternalId,
  copiesByInternalId,
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

export type {
  AdjustmentInput,
  CreditMemoInput,
  PurchaseOrderInput,
  ReceiptInput,
  TransferInput,
} from './own-transactions.ts';

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
      requireItem(this.state, row.itemId);
      requireLocation(this.state, row.location);
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
    const receipt = recordReceipt(this.state, this.settings, this.now, input);
    this.note('inventory', receipt.key, receipt.note);
    this.save();
    return receipt.internalId;
  }

  /** An inventory adjustment made in NetSuite, exported once by the adjustment delta. */
  adjust(input: AdjustmentInput): string {
    const adjustment = recordAdjustment(this.state, this.settings, this.now, input);
    this.note('inventory', adjustment.key, adjustment.note);
    this.save();
    return adjustment.internalId;
  }

  /** An inventory transfer (on hand moves), exported once as two delta rows (−from, +to). */
  transfer(input: TransferInput): string {
    const transfer = recordTransfer(this.state, this.settings, this.now, input);
    this.note('inventory', transfer.key, transfer.note);
    this.save();
    return transfer.internalId;
  }

  /** NetSuite's inventory transactions (adjustments, transfers, receipts), oldest first. */
  transactions(): SimInventoryTransaction[] {
    return copiesByInternalId(this.state.transactions);
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
    const po = recordPurchaseOrder(this.state, this.now, input);
    this.note('inventory', po.key, po.note);
    this.save();
    return po.internalId;
  }

  /** An item receipt of `quantity` on the PO line (`<poId>-<n>` or `<n>`). Returns its id. */
  receivePurchaseOrder(poId: string, lineId: string, quantity: number): string {
    return this.receive(poLineReceipt(this.state, poId, lineId, quantity));
  }

  /** Closes the PO: every line's open quantity becomes 0 (not exported again by itself). */
  closePurchaseOrder(poId: string): void {
    const note = closePurchaseOrderIn(this.state, poId);
    this.note('inventory', poId, note);
    this.save();
  }

  /** Flags the PO for the next export, which lists its lines with their open quantity. */
  reexportPurchaseOrder(poId: string): void {
    flagPurchaseOrderForReexport(this.state, poId);
    this.save();
  }

  /** Every purchase order, oldest first. */
  purchaseOrders(): SimPurchaseOrder[] {
    return allPurchaseOrders(this.state);
  }

  /** A credit memo against a sales order, reported once in `Credit_Memo-<date>.csv`. */
  creditMemo(input: CreditMemoInput): string {
    const memo = recordCreditMemo(this.state, this.now, this.options.accountUtcOffset, input);
    this.note('credit-memo', memo.key, memo.note);
    this.save();
    return memo.internalId;
  }

  /** Every credit memo, oldest first. */
  creditMemos(): SimCreditMemo[] {
    return allCreditMemos(this.state);
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
      .sort(byInternalId)
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
    return copiesByInternalId(this.state.invoices);
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
