/**
 * The outbound CSV writer (`csvLines`, `csvHeader`, `csvText`) writes rows of text by hand (issue
 * #21: csv-stringify's allocations were most of the export's garbage). NetSuite reads these bytes,
 * so they must stay exactly what csv-stringify writes with the same options: csv-stringify itself
 * is the reference here, on generated rows full of the characters that need quoting.
 */
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvLines, csvText } from '../../shared/domain/sync/outbound-files.ts';

/** csv-stringify told to quote a carriage return too (it leaves one bare by default). */
const reference = (columns: string[], rows: Record<string, unknown>[], header: boolean) =>
  stringify(rows, { header, columns, record_delimiter: '\n', quoted_match: /\r/ });

/** Text made mostly of the characters that decide quoting, plus letters and non-ASCII. */
const tricky = fc
  .array(fc.constantFrom(',', '"', '\n', '\r', ' ', 'a', 'Z', '=', '-', "'", ';', 'é', '€', '\t'), {
    maxLength: 8,
  })
  .map((cs) => cs.join(''));
const text = fc.oneof(tricky, fc.string({ maxLength: 12 }), fc.constant(''));
const cell = fc.oneof(
  { weight: 8, arbitrary: text },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const columnsArb = fc.uniqueArray(fc.oneof(tricky, fc.string({ minLength: 1, maxLength: 10 })), {
  minLength: 1,
  maxLength: 6,
});

describe('outbound CSV writer', () => {
  it('writes rows of text byte for byte as csv-stringify does', () => {
    fc.assert(
      fc.property(
        columnsArb.chain((columns) =>
          fc.tuple(
            fc.constant(columns),
            fc.array(fc.tuple(...columns.map(() => cell)), { maxLength: 6 }),
          ),
        ),
        ([columns, cells]) => {
          const rows = cells.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
          expect(csvLines(columns, rows as Record<string, string>[])).toBe(
            reference(columns, rows, false),
          );
          expect(csvText(columns, rows as Record<string, string>[])).toBe(
            reference(columns, rows, true),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes the header alone as csv-stringify does, quoting a name that needs it', () => {
    const columns = ['externalId', 'Memo, internal', 'say "hi"', 'two\nlines', 'cr\rhere', 'é'];
    expect(csvHeader(columns)).toBe(
      stringify([columns], { record_delimiter: '\n', quoted_match: /\r/ }),
    );
    expect(csvText(columns, [])).toBe(reference(columns, [], true));
  });

  it('leaves a row with other values to csv-stringify (its casts), in place among the others', () => {
    const columns = ['id', 'qty', 'flag', 'note'];
    const rows = [
      { id: 'a', qty: '1', flag: '', note: 'x, y' },
      { id: 'b', qty: 2, flag: true, note: 'z' },
      { id: 'c', qty: '3', flag: undefined, note: '"q"' },
    ];
    const out = csvLines(columns, rows as unknown as Record<string, string>[]);
    expect(out).toBe(reference(columns, rows, false));
    expect(out).toBe('a,1,,"x, y"\nb,2,1,z\nc,3,,"""q"""\n');
  });

  it('quotes a lone carriage return, which csv-stringify would leave bare', () => {
    expect(csvLines(['a', 'b'], [{ a: 'x\ry', b: 'z' }])).toBe('"x\ry",z\n');
    expect(stringify([{ a: 'x\ry' }], { columns: ['a'], record_delimiter: '\n' })).toBe('x\ry\n');
  });

  it('reads back as the rows it was given (csv-parse)', () => {
    const columns = ['name', 'address'];
    const rows = [
      { name: 'Ada "the first"', address: '1 St,\r\nLondon' },
      { name: '', address: 'x' },
    ];
    expect(parse(csvText(columns, rows), { columns: true })).toEqual(rows);
  });
});
