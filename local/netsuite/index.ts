/** The NetSuite simulator's entry point (tests and `npm run demo`). */
import type { FulfillmentOptions, RejectionOptions } from './context.ts';
import { NetsuiteSimulator } from './simulator.ts';

export interface StartNetsuiteSimulatorOptions extends RejectionOptions, FulfillmentOptions {
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
}

/** Creates the simulator and, when `intervalMs` is given, starts its periodic cycles. */
export function startNetsuiteSimulator(opts: StartNetsuiteSimulatorOptions): NetsuiteSimulator {
  const simulator = new NetsuiteSimulator(opts);
  if (opts.intervalMs !== undefined) simulator.start({ intervalMs: opts.intervalMs });
  return simulator;
}

export { NetsuiteSimulator, DEFAULT_SCRIPTS } from './simulator.ts';
export type {
  FulfillmentView,
  NetsuiteSimulatorOptions,
  SeedCustomer,
  SeedItem,
  SimulatorSnapshot,
} from './simulator.ts';
export type {
  AllocatedLine,
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
