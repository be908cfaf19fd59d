import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  HeaderMismatchError,
  HeaderTooLongError,
  mapHeader,
  openCsv,
} from '../../shared/feeds/csv-reader.ts';

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

describe('openCsv: limits', () => {
  it('refuses a header longer than the line limit, without reading it whole', async () => {
    const text = `Item,${'x'.repeat(200_000)}\nA,1\n`;
    await expect(
      openCsv(Readable.from([Buffer.from(text)]), undefined, { maxLineBytes: 64 * 1024 }),
    ).rejects.toThrow(new HeaderTooLongError(200_005, 64 * 1024).message);
  });

  it('names a wrong header in a bounded message, whatever its size', () => {
    const found = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    const message = new HeaderMismatchError(['a', 'b'], found).message;
    expect(message.length).toBeLessThan(600);
    expect(message).toMatch(/^header does not match: expected "a,b", found "c0,c1,/);
    expect(message).toMatch(/characters, 10,000 columns\)/);
    expect(message).toMatch(/unexpected "c0", "c1", "c2", "c3", "c4" and 9,995 more$/);
  });

  it('flags rows of lines over the limit and a last line without a line end', async () => {
    const csv = await openCsv(
      Readable.from([Buffer.from(`a,b\n${'y'.repeat(5000)}\n1,2\n3,4`)]),
      undefined,
      {
        maxLineBytes: 1024,
      },
    );
    const rows = [];
    for await (const r of csv.rows) rows.push(r);
    expect(rows.map((r) => [r.line, r.tooLong ?? false, r.terminated, r.values])).toEqual([
      [2, true, true, []],
      [3, false, true, ['1', '2']],
      [4, false, false, ['3', '4']],
    ]);
  });
});
