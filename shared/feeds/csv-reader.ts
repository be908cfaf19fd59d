/**
 * Streaming reader for NetSuite CSV exports. NetSuite joins values with commas and quotes nothing,
 * so quotes are literal characters here and a comma inside a value shows up as an extra column
 * (reported per row, never guessed at silently). Handles a BOM, CRLF or LF, blank lines, and a
 * last line without a line end.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly raw: string;
  /** Values in file order. */
  readonly values: string[];
}

export class HeaderMismatchError extends Error {
  constructor(
    readonly expected: readonly string[],
    readonly found: readonly string[],
  ) {
    const missing = expected.filter((c) => !found.includes(c));
    const extra = found.filter((c) => !expected.includes(c));
    super(
      `header does not match: expected "${expected.join(',')}", found "${found.join(',')}"` +
        (missing.length ? `; missing ${missing.map((c) => `"${c}"`).join(', ')}` : '') +
        (extra.length ? `; unexpected ${extra.map((c) => `"${c}"`).join(', ')}` : ''),
    );
    this.name = 'HeaderMismatchError';
  }
}

/**
 * Checks a header against the catalog's exact, case-sensitive columns (in any order) and
 * returns, for each catalog column, its index in the file.
 */
export function mapHeader(expected: readonly string[], found: readonly string[]): number[] {
  const trimmed = found.map((c) => c.trim());
  const dupes = trimmed.filter((c, i) => trimmed.indexOf(c) !== i);
  if (trimmed.length !== expected.length || dupes.length > 0) {
    throw new HeaderMismatchError(expected, trimmed);
  }
  const indexes = expected.map((c) => trimmed.indexOf(c));
  if (indexes.some((i) => i < 0)) throw new HeaderMismatchError(expected, trimmed);
  return indexes;
}

export interface CsvFile {
  readonly header: string[];
  readonly rows: AsyncIterable<CsvRow>;
}

export class EmptyFileError extends Error {
  constructor() {
    super('the file has no header line');
    this.name = 'EmptyFileError';
  }
}

/** Parses a stream; the first record is the header, each later one a row with its line number. */
export async function openCsv(input: Readable): Promise<CsvFile> {
  const parser = input.pipe(
    parse({
      bom: true,
      quote: false,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    }),
  );
  input.on('error', (err) => parser.destroy(err));
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>;
  const first = await iterator.next();
  if (first.done) throw new EmptyFileError();
  const header = first.value.record;
  async function* rows(): AsyncIterable<CsvRow> {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const { record, raw, info } = next.value;
      yield { line: info.lines, raw: raw.replace(/^[\r\n]+|[\r\n]+$/g, ''), values: record };
    }
  }
  return { header, rows: rows() };
}
