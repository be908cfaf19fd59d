/**
 * NetSuite's CSV writing habit: a fixed header, values joined with commas, nothing quoted or
 * escaped, every line ending with `\n`. A comma inside a value shifts the columns, as it does in
 * the real exports; the OMS must cope.
 */
export function unescapedCsv(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  return [header, ...rows].map((row) => `${row.join(',')}\n`).join('');
}
