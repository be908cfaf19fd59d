/**
 * Streaming reader for NetSuite CSV exports. NetSuite joins values with commas and quotes nothing,
 * so quotes are literal characters here and a comma inside a value shows up as an extra column
 * (reported per row, never guessed at silently). Handles a BOM, CRLF or LF and blank lines; a
 * last line without a line end and a line over the length limit come flagged (`terminated`,
 * `tooLong`) for the importer to refuse (docs/inventory.md, "Limits").
 */
import type { Readable } from 'node:stream';
import { count } from './limits.ts';
import { splitLines, type Line } from './line-splitter.ts';

/** A header name as quoted in a message: at most 60 characters. */
const shown = (c: string) => `"${c.length > 60 ? `${c.slice(0, 60)}…` : c}"`;
/** At most `n` names of a list, then how many more. */
const some = (names: readonly string[], n = 5) =>
  names.slice(0, n).map(shown).join(', ') +
  (names.length > n ? ` and ${count(names.length - n)} more` : '');
/** A header line as quoted in a message: at most 200 characters. */
const line = (columns: readonly string[]) => {
  const text = columns.join(',');
  return text.length > 200
    ? `"${text.slice(0, 200)}…" (${count(text.length)} characters, ${count(columns.length)} columns)`
    : `"${text}"`;
};

export class HeaderMismatchError extends Error {
  constructor(
    readonly expected: readonly string[],
    readonly found: readonly string[],
    /** What else would have been taken (several layouts), appended to the message. */
    alternatives = '',
  ) {
    const missing = expected.filter((c) => !found.includes(c));
    const extra = found.filter((c) => !expected.includes(c));
    // Bounded whatever the file's header: a long one is quoted cut, never whole.
    super(
      `header does not match: expected "${expected.join(',')}", found ${line(found)}` +
        (missing.length ? `; missing ${some(missing)}` : '') +
        (extra.length ? `; unexpected ${some(extra)}` : '') +
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

/** A header line longer than the line limit: the file is refused whole (it goes to failed/). */
export class HeaderTooLongError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxLineBytes: number,
  ) {
    super(
      `the header line is ${count(bytes)} bytes long; a line may have at most ${count(maxLineBytes)} bytes (OMS_MAX_LINE_BYTES)`,
    );
    this.name = 'HeaderTooLongError';
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
  /** False for a last line without a line end (the file may have been cut short). */
  readonly terminated: boolean;
  /** The line's length in bytes. */
  readonly bytes: number;
  /** Set when the line is longer than the limit: `raw` is its beginning, `values` empty. */
  readonly tooLong?: true;
}

export interface CsvOptions {
  /** Longest line read (bytes); longer lines come `tooLong`, a longer header fails the file. */
  readonly maxLineBytes?: number;
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
export async function openCsv(
  input: Readable,
  from?: ResumePoint,
  options: CsvOptions = {},
): Promise<CsvFile> {
  const batches = splitLines(input, from?.offset ?? 0, from?.line ?? 0, {
    maxLineBytes: options.maxLineBytes,
  })[Symbol.asyncIterator]();
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
      if (first.tooLong) {
        input.destroy();
        throw new HeaderTooLongError(first.bytes, options.maxLineBytes ?? first.bytes);
      }
      const text = first.line === 1 ? first.text.replace(/^\uFEFF/, '') : first.text;
      if (text.trim() === '') continue;
      header = text.split(',');
      break;
    }
  }
  const toRows = (lines: Line[]): CsvRow[] => {
    const out: CsvRow[] = [];
    for (const l of lines) {
      if (l.tooLong) {
        out.push({
          line: l.line,
          raw: l.text,
          values: [],
          endOffset: l.endOffset,
          terminated: l.terminated,
          bytes: l.bytes,
          tooLong: true,
        });
        continue;
      }
      if (l.text.trim() === '') continue;
      out.push({
        line: l.line,
        raw: l.text,
        values: l.text.split(','),
        endOffset: l.endOffset,
        terminated: l.terminated,
        bytes: l.bytes,
      });
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
