/**
 * Outbound files: names and sizes. A name is unique (time to the millisecond, the run id and a
 * part number) and sorts by time, in the style of NetSuite's newer exports
 * (`2025-07-02-10-15-00-SalesOrderFulfillment.csv`). A CSV holds at most 25,000 data rows (the
 * limit of a scripted CSV import); a record's rows are never split over two files.
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

/** Packs records' rows into files of at most `max` rows, keeping each record's rows together. */
export function packRows<R>(records: readonly (readonly R[])[], max = MAX_ROWS_PER_FILE): R[][] {
  const files: R[][] = [];
  let current: R[] = [];
  for (const rows of records) {
    if (current.length && current.length + rows.length > max) {
      files.push(current);
      current = [];
    }
    current.push(...rows);
  }
  if (current.length) files.push(current);
  return files;
}

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
