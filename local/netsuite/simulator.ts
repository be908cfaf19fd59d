/**
 * The NetSuite simulator: plays the SuiteScripts of the HotWax NetSuite integration against the
 * OMS SFTP server. One `cycle()` runs every script once (imports, billing, fulfillment, then id
 * exports); `start()` repeats it on an interval; `stop()` ends it. Tests call `cycle()` directly.
 */
import type {
  FulfillmentOptions,
  Journal,
  PartialFile,
  ReceivedFile,
  RejectionOptions,
  ScriptContext,
  SuiteScript,
  WrittenFile,
} from './context.ts';
import { loadState, saveState } from './persistence.ts';
import { customerImport } from './scripts/customer-import.ts';
import { depositImport } from './scripts/deposit-import.ts';
import { checkFulfillmentOptions, fulfillmentScript } from './scripts/fulfillment.ts';
import { idExports } from './scripts/id-exports.ts';
import { invoicingScript } from './scripts/invoicing.ts';
import { rejectedItemExport } from './scripts/rejected-item-export.ts';
import { checkRejectionOptions, rejectedLocationId } from './scripts/rejections.ts';
import { salesOrderImport } from './scripts/sales-order-import.ts';
import { allocationCounts, salesOrderUpdateImport } from './scripts/sales-order-update-import.ts';
import { NetsuiteSftp, type SftpLogin } from './sftp-connection.ts';
import {
  nextId,
  nextRev,
  openQuantity,
  type SimInvoice,
  type SimItemFulfillment,
  type SimLogEntry,
  type SimState,
} from './state.ts';

/** The scripts of one cycle, in run order. Later flows add theirs here. */
export const DEFAULT_SCRIPTS: readonly SuiteScript[] = [
  customerImport,
  salesOrderImport,
  depositImport,
  salesOrderUpdateImport,
  invoicingScript,
  fulfillmentScript,
  idExports,
  rejectedItemExport,
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
 * `accountUtcOffset`), and `invoicing` (default on). `seed` drives every draw.
 */
export interface NetsuiteSimulatorOptions extends SftpLogin, RejectionOptions, FulfillmentOptions {
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
}

export interface SimulatorSnapshot {
  readonly state: SimState;
  readonly counts: {
    readonly customers: number;
    readonly items: number;
    readonly salesOrders: number;
    readonly salesOrderLines: number;
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
    /** Item fulfillments made from OMS-fulfilled rows. */
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
  readonly sftp: NetsuiteSftp;
  private state: SimState;
  private readonly journal: Journal = { received: [], partialFilesSeen: [], written: [] };
  private readonly now: () => Date;
  private readonly scripts: readonly SuiteScript[];
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NetsuiteSimulatorOptions) {
    this.sftp = new NetsuiteSftp(options);
    this.now = options.now ?? (() => new Date());
    this.scripts = options.scripts ?? DEFAULT_SCRIPTS;
    checkRejectionOptions(options);
    checkFulfillmentOptions(options);
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
    saveState(this.options.dataFile, this.state);
    return ids;
  }

  /** Items NetSuite knows (the sales order import refuses any other item id). */
  seedItems(items: readonly SeedItem[]): void {
    for (const item of items) this.state.items[item.itemId] = { ...item };
    saveState(this.options.dataFile, this.state);
  }

  /** Runs every script once. Cycles never overlap: a call waits for the one under way. */
  cycle(): Promise<void> {
    const run = this.running.then(() => this.runScripts());
    this.running = run.catch(() => undefined);
    return run;
  }

  private async runScripts(): Promise<void> {
    const ctx: ScriptContext = {
      sftp: this.sftp,
      state: this.state,
      journal: this.journal,
      options: {
        reexportUpdated: this.options.reexportUpdated ?? true,
        rejections: {
          rejectShare: this.options.rejectShare,
          seed: this.options.seed,
          rejectWhen: this.options.rejectWhen,
          rejectingLocations: this.options.rejectingLocations,
          rejectedLocationId: this.options.rejectedLocationId,
        },
        fulfillment: {
          fulfilShare: this.options.fulfilShare,
          partialShare: this.options.partialShare,
          fulfilWhen: this.options.fulfilWhen,
          seed: this.options.seed,
          commaShare: this.options.commaShare,
          multiTrackingShare: this.options.multiTrackingShare,
          shipmentFor: this.options.shipmentFor,
          boundaryRepeatShare: this.options.boundaryRepeatShare,
          fulfillmentFileNames: this.options.fulfillmentFileNames,
          fulfillmentFormat: this.options.fulfillmentFormat,
          accountUtcOffset: this.options.accountUtcOffset,
          invoicing: this.options.invoicing,
        },
      },
      now: this.now,
      log: (entry) => this.state.log.push({ at: this.now().toISOString(), ...entry }),
    };
    try {
      for (const script of this.scripts) await script.run(ctx);
    } catch (err) {
      await this.sftp.close(); // reconnect on the next cycle
      throw err;
    } finally {
      saveState(this.options.dataFile, this.state);
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
    const lines = orders.flatMap((o) => o.lines);
    const fulfillments = lines.flatMap((l) => l.itemFulfillments ?? []);
    return {
      state,
      counts: {
        customers: Object.keys(state.customers).length,
        items: Object.keys(state.items).length,
        salesOrders: orders.length,
        salesOrderLines: orders.reduce((n, o) => n + o.lines.length, 0),
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
