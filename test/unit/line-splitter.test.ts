import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines, type Line } from '../../shared/feeds/line-splitter.ts';
import { openCsv } from '../../shared/feeds/csv-reader.ts';

const collect = async (chunks: Buffer[], offset = 0, line = 0) => {
  const out: Line[] = [];
  for await (const batch of splitLines(Readable.from(chunks), offset, line)) out.push(...batch);
  return out;
};

/** Cuts a buffer at the given points, to test every chunk boundary. */
const cut = (buf: Buffer, points: number[]) => {
  const sorted = [...new Set(points.map((p) => p % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let start = 0;
  for (const p of sorted) {
    parts.push(buf.subarray(start, p));
    start = p;
  }
  parts.push(buf.subarray(start));
  return parts.filter((p) => p.length > 0);
};

describe('splitLines', () => {
  it('gives the same lines and offsets however the stream is chunked (UTF-8, CRLF, no final EOL)', async () => {
    const text = 'Item,qty\r\nCafé–1,2\n\nŽ€,3\r\nlast,4';
    const buf = Buffer.from(text);
    const whole = await collect([buf]);
    expect(whole.map((l) => l.text)).toEqual(['Item,qty', 'Café–1,2', '', 'Ž€,3', 'last,4']);
    expect(whole.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
    // each end offset is where the next line starts in the bytes
    expect(whole.at(-1)!.endOffset).toBe(buf.length);
    expect(buf.subarray(whole[1]!.endOffset).toString().startsWith('\nŽ€')).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 8 }), async (points) => {
        expect(await collect(cut(buf, points))).toEqual(whole);
      }),
    );
  });

  it('resumes from an offset with the same rows, numbers and offsets as a full read', async () => {
    const text = '\uFEFFItem,q\r\na,1\r\nb,2\r\n\r\nc,3\r\n';
    const buf = Buffer.from(text);
    const full = await openCsv(Readable.from([buf]));
    const rows = [];
    for await (const r of full.rows) rows.push(r);
    const from = rows[0]!;
    const resumed = await openCsv(Readable.from([buf.subarray(from.endOffset)]), {
      header: full.header,
      offset: from.endOffset,
      line: from.line,
    });
    const rest = [];
    for await (const r of resumed.rows) rest.push(r);
    expect(full.header).toEqual(['Item', 'q']);
    expect(rest).toEqual(rows.slice(1));
    expect(rest.map((r) => r.line)).toEqual([3, 5]);
  });
});
