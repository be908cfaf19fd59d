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
