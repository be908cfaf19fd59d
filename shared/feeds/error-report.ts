/**
 * The error CSV written beside an import: one row per rejected input row, naming the file, the
 * original line number, the field, the reason, and the raw line as received.
 *
 * Rows are streamed into numbered parts in the staging area, a part closing at each checkpoint, so
 * an import resumed after a crash keeps the errors reported before it. When the file is done the
 * parts are joined, under one header, into the error file, which appears atomically.
 *
 * Each report describes one version of its input: it is named after the version's kept name
 * (`x~1a2b3c4d.csv.errors.csv`, see `versionedName`), which is also its `file` column. Reasons and
 * raw lines are bounded (`boundedReason`, `boundedRaw`): no row of the report, however long its
 * input line, is more than a few kilobytes.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { boundedRaw, boundedReason } from './limits.ts';

export const ERROR_COLUMNS = ['file', 'line', 'field', 'reason', 'raw'] as const;

/**
 * A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab, a CR or a
 * LF) written with a leading `'`, which spreadsheets show as text. Error reports are opened by
 * people; the raw line they quote is whatever a partner sent. (Outbound NetSuite feeds are not
 * neutralised: NetSuite imports them as data, and `-3` is a legitimate quantity there.)
 */
export const neutraliseFormula = (cell: string): string =>
  /^[=+\-@\t\r\n]/.test(cell) ? `'${cell}` : cell;

/** One report row, every text cell bounded and neutralised. */
const reportRow = (fileName: string, e: RowError): Array<string | number> => [
  neutraliseFormula(fileName),
  e.line,
  neutraliseFormula(e.field),
  neutraliseFormula(boundedReason(e.reason)),
  neutraliseFormula(boundedRaw(e.raw)),
];

export interface RowError {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  readonly raw: string;
}

/** What the report needs from the file store. */
export interface ErrorReportStore {
  writeAtomically(
    key: string,
    body: string | Buffer | Readable,
    contentType?: string,
  ): Promise<void>;
  openRead(key: string): Promise<Readable | undefined>;
  delete(key: string): Promise<void>;
}

export class ErrorReport {
  private stream?: ReturnType<typeof stringify>;
  private done?: Promise<void>;
  /** Errors added, including those of earlier parts. */
  count: number;
  /** Parts closed so far. */
  parts: number;

  constructor(
    private readonly store: ErrorReportStore,
    private readonly fileName: string,
    /** Where the finished error CSV goes. */
    private readonly key: string,
    /** Prefix for the parts (in the staging area). */
    private readonly partPrefix: string,
    resume: { count: number; parts: number } = { count: 0, parts: 0 },
  ) {
    this.count = resume.count;
    this.parts = resume.parts;
  }

  private partKey(n: number): string {
    return `${this.partPrefix}part-${String(n).padStart(5, '0')}.csv`;
  }

  add(error: RowError): void {
    if (!this.stream) {
      const body = new PassThrough();
      this.stream = stringify();
      this.stream.pipe(body);
      this.done = this.store.writeAtomically(this.partKey(this.parts + 1), body);
    }
    this.count++;
    this.stream.write(reportRow(this.fileName, error));
  }

  /** Closes the part being written (at a checkpoint). */
  async closePart(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await this.done;
    this.stream = undefined;
    this.parts++;
  }

  /** Joins the parts into the error file; returns its key, or undefined when nothing failed. */
  async close(): Promise<string | undefined> {
    await this.closePart();
    if (this.parts === 0) return undefined;
    const body = new PassThrough();
    const writing = this.store.writeAtomically(this.key, body);
    body.write(stringifySync([[...ERROR_COLUMNS]]));
    for (let n = 1; n <= this.parts; n++) {
      const part = await this.store.openRead(this.partKey(n));
      if (!part) throw new Error(`error report part ${this.partKey(n)} is missing`);
      for await (const chunk of part) if (!body.write(chunk)) await once(body, 'drain');
    }
    body.end();
    await writing;
    for (let n = 1; n <= this.parts; n++) await this.store.delete(this.partKey(n));
    return this.key;
  }
}

/** The error file's name for an input file (its kept, versioned name: `versionedName`). */
export const errorFileName = (fileName: string): string => `${fileName}.errors.csv`;

/** Writes a short error file at once (a few rows known together, e.g. a version not imported). */
export async function writeErrorFile(
  store: ErrorReportStore,
  key: string,
  fileName: string,
  errors: readonly RowError[],
): Promise<void> {
  await store.writeAtomically(
    key,
    stringifySync([[...ERROR_COLUMNS], ...errors.map((e) => reportRow(fileName, e))]),
  );
}
