import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HeaderMismatchError, mapHeader, openCsv } from '../../shared/feeds/csv-reader.ts';

const read = async (text: string) => {
  const csv = await openCsv(Readable.from([Buffer.from(text)]));
  const rows = [];
  for await (const r of csv.rows) rows.push(r);
  return { header: csv.header, rows };
};

describe('openCsv', () => {
  it('numbers lines as in the file, skipping blank lines, with CRLF and a BOM', async () => {
    const { header, rows } = await read('\uFEFFa,b\r\n1,2\r\n\r\n3,4\r\n');
    expect(header).toEqual(['a', 'b']);
    expect(rows.map((r) => [r.line, r.values, r.raw])).toEqual([
      [2, ['1', '2'], '1,2'],
      [4, ['3', '4'], '3,4'],
    ]);
  });

  it('keeps quotes literal (NetSuite quotes nothing) and shows shifted rows', async () => {
    const { rows } = await read('a,b\n12" pipe,2\nACME, Inc,3\nlast,1');
    expect(rows.map((r) => r.values)).toEqual([
      ['12" pipe', '2'],
      ['ACME', ' Inc', '3'],
      ['last', '1'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4]);
  });
});

describe('mapHeader', () => {
  it('maps exact names in any order', () => {
    expect(mapHeader(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual([1, 2, 0]);
  });
  it.each([[['a', 'B']], [['a']], [['a', 'b', 'x']], [['a', 'a']]])(
    'refuses %j (case-sensitive, complete, no extras)',
    (found) => {
      expect(() => mapHeader(['a', 'b'], found)).toThrow(HeaderMismatchError);
    },
  );
});
