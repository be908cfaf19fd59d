/**
 * The NetSuite simulator's entry point (tests and `npm run demo`): an independent NetSuite account
 * with its own books and its own copy of the file contract (contract.ts), see simulator.ts.
 */
import type { FulfillmentOptions, InventoryOptions, RejectionOptions } from './context.ts';
import { NetsuiteSimulator } from './simulator.ts';

export interface StartNetsuiteSimulatorOptions
  extends RejectionOptions, FulfillmentOptions, InventoryOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly privateKey?: string | Buffer;
  readonly now?: () => Date;
  /** Run a cycle every `intervalMs`; without it, cycles run only when `cycle()` is called. */
  readonly intervalMs?: number;
  readonly dataFile?: string;
  readonly reexportUpdated?: boolean;
  readonly onError?: (err: Error) => void;
  /** The inventory options grouped (the same fields at the top level win). */
  readonly inventory?: InventoryOptions;
}

/** Creates the simulator and, when `intervalMs` is given, starts its periodic cycles. */
export function startNetsuiteSimulator(opts: StartNetsuiteSimulatorOptions): NetsuiteSimulator {
  const simulator = new NetsuiteSimulator(opts);
  if (opts.intervalMs !== undefined) simulator.start({ intervalMs: opts.intervalMs });
  return simulator;
}

export { NetsuiteSimulator, DEFAULT_SCRIPTS } from './simulator.ts';
export type {
  AdjustmentInput,
  CreditMemoInput,
  FulfillmentView,
  LineView,
  NetsuiteSimulatorOptions,
  PurchaseOrderInput,
  ReceiptInput,
  SeedCustomer,
  SeedInventory,
  SeedItem,
  SeedLocation,
  SimulatorSnapshot,
  TransferInput,
} from './simulator.ts';
export type { BookRow, BooksFilter } from './books.ts';
export { CONTRACT, HOTWAX_FULFILLED, type ContractFeed, type ContractName } from './contract.ts';
export type { SnapshotRequest } from './scripts/inventory-snapshot.ts';
export { MemorySftp } from './memory-sftp.ts';
export type { SftpFolders } from './sftp-connection.ts';
export type {
  AllocatedLine,
  InventoryOptions,
  FulfillableLine,
  FulfillmentFileNames,
  FulfillmentOptions,
  ReceivedFile,
  ShipmentText,
  WrittenFile,
  PartialFile,
  RejectionOptions,
  SuiteScript,
  ScriptContext,
} from './context.ts';
export type {
  SimState,
  SimLogEntry,
  LogKind,
  SimInvoice,
  SimItemFulfillment,
  SimShipment,
  SimLocation,
  SimInventoryTransaction,
  SimPurchaseOrder,
  SimPurchaseOrderLine,
  SimCreditMemo,
  SimNotFulfilled,
} from './state.ts';
export { ID_EXPORTS } from './scripts/id-exports.ts';
export { DEFAULT_REJECTED_LOCATION_ID } from './scripts/rejections.ts';
export {
  COMMA_CARRIERS,
  CARRIERS,
  FULFILLMENT_SUFFIX,
  fulfillmentRow,
} from './scripts/fulfillment.ts';
export { invoiceDecision, invoiceRow } from './scripts/invoicing.ts';
export { accountDate, accountDateTime, accountStamp } from './account-time.ts';
