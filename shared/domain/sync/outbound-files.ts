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
 * A CSV's data lines without the header (quoted and ended as `csvText` writes them): a file's
 * body is `csvText(columns, [])` followed by such pieces, byte for byte what `csvText` writes
 * for all the rows at once.
 */
export const csvLines = (
  columns: readonly string[],
  rows: readonly Record<string, string>[],
): string =>
  stringify(rows as Record<string, string>[], {
    header: false,
    columns: columns as string[],
    record_delimiter: '\n',
  });

/** The header line alone. */
export const csvHeader = (columns: readonly string[]): string =>
  stringify([columns as string[]], { record_delimiter: '\n' });

/** A CSV with the exact header, values quoted only when they must be (RFC 4180), `\n` line ends. */
export const csvText = (
  columns: readonly string[],
  rows: readonly Record<string, string>[],
): string =>
  stringify(rows as Record<string, string>[], {
    header: true,
    columns: columns as string[],
    record_delimiter: '\n',
  });
