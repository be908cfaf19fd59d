/** The NetSuite simulator's entry point (tests and `npm run demo`). */
import type { RejectionOptions } from './context.ts';
import { NetsuiteSimulator } from './simulator.ts';

export interface StartNetsuiteSimulatorOptions extends RejectionOptions {
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
  NetsuiteSimulatorOptions,
  SeedCustomer,
  SeedItem,
  SimulatorSnapshot,
} from './simulator.ts';
export type {
  AllocatedLine,
  ReceivedFile,
  PartialFile,
  RejectionOptions,
  SuiteScript,
  ScriptContext,
} from './context.ts';
export type { SimState, SimLogEntry, LogKind } from './state.ts';
export { ID_EXPORTS } from './scripts/id-exports.ts';
export { DEFAULT_REJECTED_LOCATION_ID } from './scripts/rejections.ts';
