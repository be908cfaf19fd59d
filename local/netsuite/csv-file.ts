/**
 * Reading an OMS CSV the way a NetSuite CSV import does: RFC 4180 quoting understood, a byte-order
 * mark ignored, blank lines skipped. Also judges whether the file is complete (ends with a line
 * break, every row as wide as the header), which the OMS must guarantee by writing atomically.
 */
import { parse } from 'csv-parse/sync';

export interface CsvFile {
  readonly header: string[];
  readonly rows: string[][];
  /** Why the file looks incomplete (truncated, ragged rows); undefined when complete. */
  readonly incomplete?: string;
}

export type CsvRead =
  { readonly ok: true; readonly file: CsvFile } | { readonly ok: false; readonly error: string };

export function readCsv(text: string): CsvRead {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n'],
    }) as string[][];
  } catch (err) {
    return { ok: false, error: `malformed CSV: ${(err as Error).message}` };
  }
  const [header, ...rows] = records;
  if (!header) return { ok: false, error: 'empty file: no header' };
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('does not end with a line break');
  const ragged = rows.findIndex((r) => r.length !== header.length);
  if (ragged >= 0) {
    problems.push(
      `row ${ragged + 2} has ${rows[ragged]!.length} columns, the header ${header.length}`,
    );
  }
  return {
    ok: true,
    file: { header, rows, incomplete: problems.length ? problems.join('; ') : undefined },
  };
}

/** An import mapping: the exact, case-sensitive column names it reads. */
export interface ImportMapping {
  readonly required: readonly string[];
  readonly optional?: readonly string[];
}

/**
 * Whether a header matches an import mapping: every required column present (exact case), no
 * column the mapping does not know, no column twice. Column order is free. Returns the problem.
 */
export function headerProblem(
  header: readonly string[],
  mapping: ImportMapping,
): string | undefined {
  const known = new Set([...mapping.required, ...(mapping.optional ?? [])]);
  const missing = mapping.required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !known.has(c));
  const twice = header.filter((c, i) => header.indexOf(c) !== i);
  const parts: string[] = [];
  if (missing.length) parts.push(`missing column(s) ${missing.join(' ')}`);
  if (unknown.length) parts.push(`unknown column(s) ${unknown.join(' ')}`);
  if (twice.length) parts.push(`repeated column(s) ${twice.join(' ')}`);
  return parts.length ? `header does not match the import mapping: ${parts.join('; ')}` : undefined;
}

/** Rows as objects keyed by column name (rows narrower than the header get empty cells). */
export function rowObjects(file: Pick<CsvFile, 'header' | 'rows'>): Array<Record<string, string>> {
  return file.rows.map((row) =>
    Object.fromEntries(file.header.map((column, i) => [column, row[i] ?? ''])),
  );
}

/**
 * Whether a header matches one of several import mappings (one folder, several record layouts):
 * undefined when one matches, else the problem against the closest mapping.
 */
export function headerProblemAny(
  header: readonly string[],
  mappings: readonly ImportMapping[],
): string | undefined {
  let closest: { problem: string; distance: number } | undefined;
  for (const mapping of mappings) {
    const problem = headerProblem(header, mapping);
    if (!problem) return undefined;
    const known = new Set([...mapping.required, ...(mapping.optional ?? [])]);
    const distance =
      mapping.required.filter((c) => !header.includes(c)).length +
      header.filter((c) => !known.has(c)).length;
    if (!closest || distance < closest.distance) closest = { problem, distance };
  }
  return closest?.problem;
}
