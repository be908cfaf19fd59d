/**
 * The error CSV written beside an import: one row per rejected input row, naming the file, the
 * original line number, the field, the reason, and the raw line as received. Streamed, so a file
 * full of bad rows does not fill memory, and written atomically (it appears only when complete).
 */
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify';

export const ERROR_COLUMNS = ['file', 'line', 'field', 'reason', 'raw'] as const;

export interface RowError {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  readonly raw: string;
}

export type AtomicWrite = (key: string, body: PassThrough) => Promise<void>;

export class ErrorReport {
  private stream?: ReturnType<typeof stringify>;
  private done?: Promise<void>;
  count = 0;

  constructor(
    private readonly key: string,
    private readonly fileName: string,
    private readonly write: AtomicWrite,
  ) {}

  add(error: RowError): void {
    if (!this.stream) {
      const body = new PassThrough();
      this.stream = stringify({ header: true, columns: [...ERROR_COLUMNS] });
      this.stream.pipe(body);
      this.done = this.write(this.key, body);
    }
    this.count++;
    this.stream.write([this.fileName, error.line, error.field, error.reason, error.raw]);
  }

  /** Finishes the file (if any error was added) and returns its key. */
  async close(): Promise<string | undefined> {
    if (!this.stream) return undefined;
    this.stream.end();
    await this.done;
    return this.key;
  }
}

/** The error file's name for an input file. */
export const errorFileName = (fileName: string): string => `${fileName}.errors.csv`;
