/**
 * Outbound files: names and sizes. A name is unique (time to the millisecond, the run id and a
 * part number) and sorts by time, in the style of NetSuite's newer exports
 * (`2025-07-02-10-15-00-SalesOrderFulfillment.csv`). A CSV holds at most 25,000 data rows (the
 * limit of a scripted CSV import); `runExport` never splits a record's rows over two files.
 */
import { stringify } from 'csv-stringify/sync';

export const MAX_ROWS_PER_FILE = 25_000;

export function outboundFileName(
  base: string,
  at: Date,
  runId: string,
  part: number,
  ext: 'csv' | 'json',
): string {
  const stamp = at.toISOString().replace(/[-:T]/g, '-').replace('.', '-').replace('Z', '');
  return `${stamp}-${base}-${runId}-${part}.${ext}`;
}

/**
 * One field as csv-stringify writes it with the options below: quoted only when it holds a comma,
 * a quote or a line break, a quote doubled inside quotes (RFC 4180); empty when missing. A lone
 * carriage return counts as a line break (csv-stringify leaves it bare unless told, below: a
 * reader that ends lines at CR would split the row there).
 */
const csvField = (value: string | undefined | null): string =>
  !value
    ? ''
    : /[",\n\r]/.test(value)
      ? `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`
      : value;

/** Whether every value of the row is text or missing (what `csvField` writes by itself). */
const allText = (row: Record<string, unknown>, columns: readonly string[]): boolean => {
  for (const c of columns) {
    const v = row[c];
    if (typeof v !== 'string' && v !== undefined && v !== null) return false;
  }
  return true;
};

/** csv-stringify's options for a row `csvField` does not write (a data line: no header). */
const stringifyOptions = (columns: readonly string[]) => ({
  header: false,
  columns: columns as string[],
  record_delimiter: '\n',
  quoted_match: /\r/,
});

/**
 * A CSV's data lines without the header (quoted and ended as `csvText` writes them): a file's
 * body is `csvText(columns, [])` followed by such pieces, byte for byte what `csvText` writes
 * for all the rows at once.
 *
 * Rows of text — every row the exports build — are written here, field by field; a row with any
 * other value (a number, a date) goes through csv-stringify and its casts. The bytes are
 * csv-stringify's either way, told to quote a carriage return (`test/unit/outbound-csv.test.ts`
 * compares them on generated rows).
 * Why not csv-stringify for all: it allocated 3.2 GB for the 100,000 lines of one sales order
 * export (two arrays and a context object a field), 71 % of everything the run allocated, and
 * that garbage is what V8's young generation spent the export's collection time on (issue #21,
 * `docs/netsuite-sync-bench.md`).
 */
export const csvLines = (
  columns: readonly string[],
  rows: readonly Record<string, string>[],
): string => {
  let out = '';
  for (const row of rows) {
    if (!allText(row, columns)) {
      out += stringify([row], stringifyOptions(columns));
      continue;
    }
    for (let i = 0; i < columns.length; i++) {
      if (i) out += ',';
      out += csvField(row[columns[i]!]);
    }
    out += '\n';
  }
  return out;
};

/** The header line alone. */
export const csvHeader = (columns: readonly string[]): string =>
  `${columns.map(csvField).join(',')}\n`;

/**
 * A CSV with the exact header, values quoted only when they must be (RFC 4180: a comma, a quote, a
 * line feed or a carriage return), `\n` line ends.
 */
export const csvText = (
  columns: readonly string[],
  rows: readonly Record<string, string>[],
): string => csvHeader(columns) + csvLines(columns, rows);
