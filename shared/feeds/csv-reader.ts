/**
 * Streaming reader for NetSuite CSV exports. NetSuite joins values with commas and quotes nothing,
 * so quotes are literal characters here and a comma inside a value shows up as an extra column
 * (reported per row, never guessed at silently). Handles a BOM, CRLF or LF, blank lines, and a
 * last line without a line end.
 */
import type { Readable } from 'node:stream';
import { splitLines, type Line } from './line-splitter.ts';

export class HeaderMismatchError extends Error {
  constructor(
    readonly expected: readonly string[],
    readonly found: readonly string[],
    /** What else would have been taken (several layouts), appended to the message. */
    alternatives = '',
  ) {
    const missing = expected.filter((c) => !found.includes(c));
    const extra = found.filter((c) => !expected.includes(c));
    super(
      `header does not match: expected "${expected.join(',')}", found "${found.join(',')}"` +
        (missing.length ? `; missing ${missing.map((c) => `"${c}"`).join(', ')}` : '') +
        (extra.length ? `; unexpected ${extra.map((c) => `"${c}"`).join(', ')}` : '') +
        alternatives,
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

/**
 * Picks, among several headers one folder receives (a feed's layouts), the one the file has —
 * exact, case-sensitive, any order — and maps its columns (see `mapHeader`). A file matching none
 * fails naming the first layout's differences and every header that would have been taken.
 */
export function matchLayout<L extends { readonly columns: readonly string[] }>(
  layouts: readonly L[],
  found: readonly string[],
): { layout: L; indexes: number[] } {
  let first: HeaderMismatchError | undefined;
  for (const layout of layouts) {
    try {
      return { layout, indexes: mapHeader(layout.columns, found) };
    } catch (err) {
      if (!(err instanceof HeaderMismatchError)) throw err;
      first ??= err;
    }
  }
  if (!first || layouts.length === 1) throw first ?? new Error('no layouts given');
  const others = layouts
    .slice(1)
    .map((l) => `"${l.columns.join(',')}"`)
    .join(' or ');
  throw new HeaderMismatchError(first.expected, first.found, `; this folder also takes ${others}`);
}

export interface CsvFile {
  readonly header: string[];
  /** The rows, a chunk's worth at a time (cheap: one await per chunk, not per row). */
  readonly batches: AsyncIterable<CsvRow[]>;
  /** The same rows one at a time. */
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

/**
 * Parses NetSuite CSV from a stream. From the start of a file, the first non-blank line is the
 * header; when resuming (`from`), the stream starts mid-file at a row boundary and line numbers
 * and offsets continue. NetSuite quotes nothing, so a row is its line split at every comma (the
 * exact rule for this format, and about ten times faster than a general CSV parser).
 */
export async function openCsv(input: Readable, from?: ResumePoint): Promise<CsvFile> {
  const batches = splitLines(input, from?.offset ?? 0, from?.line ?? 0)[Symbol.asyncIterator]();
  let pending: Line[] = [];
  let header: string[] | undefined = from?.header;
  if (!header) {
    for (;;) {
      if (pending.length === 0) {
        const next = await batches.next();
        if (next.done) throw new EmptyFileError();
        pending = next.value;
      }
      const first = pending.shift()!;
      const text = first.line === 1 ? first.text.replace(/^\uFEFF/, '') : first.text;
      if (text.trim() === '') continue;
      header = text.split(',');
      break;
    }
  }
  const toRows = (lines: Line[]): CsvRow[] => {
    const out: CsvRow[] = [];
    for (const l of lines) {
      if (l.text.trim() === '') continue;
      out.push({ line: l.line, raw: l.text, values: l.text.split(','), endOffset: l.endOffset });
    }
    return out;
  };
  async function* rowBatches(): AsyncIterable<CsvRow[]> {
    if (pending.length) yield toRows(pending);
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      yield toRows(next.value);
    }
  }
  const all = rowBatches();
  async function* rows(): AsyncIterable<CsvRow> {
    for await (const batch of all) yield* batch;
  }
  return { header, batches: all, rows: rows() };
}
