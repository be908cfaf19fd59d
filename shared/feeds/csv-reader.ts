/**
 * Streaming reader for NetSuite CSV exports. NetSuite joins values with commas and quotes nothing,
 * so quotes are literal characters here and a comma inside a value shows up as an extra column
 * (reported per row, never guessed at silently). Handles a BOM, CRLF or LF, blank lines, and a
 * last line without a line end.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

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

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly raw: string;
  /** Values in file order. */
  readonly values: string[];
  /** Byte offset just past this row's line end: where a resumed read starts. */
  readonly endOffset: number;
}

export interface ResumePoint {
  /** The header read at the start of the file. */
  readonly header: string[];
  /** Byte offset where the stream given to openCsv starts. */
  readonly offset: number;
  /** Line number of the last line before that offset. */
  readonly line: number;
}

type Parsed = { record: string[]; raw: string; info: { lines: number; bytes: number } };

/**
 * Parses a stream. From the start of a file, the first record is the header; when resuming
 * (`from`), the stream starts mid-file at a row boundary and line numbers and offsets continue.
 */
export async function openCsv(input: Readable, from?: ResumePoint): Promise<CsvFile> {
  const parser = input.pipe(
    parse({
      bom: !from,
      quote: false,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    }),
  );
  input.on('error', (err) => parser.destroy(err));
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<Parsed>;
  let header: string[];
  if (from) {
    header = from.header;
  } else {
    const first = await iterator.next();
    if (first.done) throw new EmptyFileError();
    header = first.value.record;
  }
  const lineBase = from?.line ?? 0;
  const byteBase = from?.offset ?? 0;
  async function* rows(): AsyncIterable<CsvRow> {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const { record, raw, info } = next.value;
      yield {
        line: lineBase + info.lines,
        raw: raw.replace(/^[\r\n]+|[\r\n]+$/g, ''),
        values: record,
        endOffset: byteBase + info.bytes,
      };
    }
  }
  return { header, rows: rows() };
}
