/** What every SuiteScript of the simulator gets to work with, and the shape of one script. */
import type { NetsuiteSftp } from './sftp-connection.ts';
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

export interface Journal {
  readonly received: ReceivedFile[];
  readonly partialFilesSeen: PartialFile[];
}

export interface SimulatorOptions {
  /** Export ids again for records an upsert modified (NetSuite's last-modified saved searches). */
  readonly reexportUpdated: boolean;
  /** Which allocated lines NetSuite's locations reject (default: none). */
  readonly rejections?: RejectionOptions;
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
  readonly sftp: NetsuiteSftp;
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
