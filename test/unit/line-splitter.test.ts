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

describe('splitLines: lines that cannot be trusted', () => {
  const collectWith = async (chunks: Iterable<Buffer>, maxLineBytes?: number) => {
    const out: Line[] = [];
    for await (const batch of splitLines(Readable.from(chunks), 0, 0, { maxLineBytes }))
      out.push(...batch);
    return out;
  };

  it('flags a last line without a line end, however the stream is chunked', async () => {
    const buf = Buffer.from('Item,q\nA,1\nB,10');
    const whole = await collectWith([buf]);
    expect(whole.map((l) => [l.text, l.terminated])).toEqual([
      ['Item,q', true],
      ['A,1', true],
      ['B,10', false],
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 6 }), async (points) => {
        expect(await collectWith(cut(buf, points))).toEqual(whole);
      }),
    );
    expect((await collectWith([Buffer.from('a\r\nb\r\n')])).every((l) => l.terminated)).toBe(true);
  });

  it('cuts a line over the limit, keeps its neighbours whole, and the offsets exact', async () => {
    const long = 'x'.repeat(5000);
    const buf = Buffer.from(`a,1\n${long}\r\nb,2\n${long}`);
    const whole = await collectWith([buf], 1024);
    expect(whole.map((l) => [l.line, l.tooLong ?? false, l.bytes, l.terminated])).toEqual([
      [1, false, 3, true],
      [2, true, 5000, true],
      [3, false, 3, true],
      [4, true, 5000, false],
    ]);
    expect(whole[1]!.text).toBe('x'.repeat(1024));
    expect(whole[2]!.text).toBe('b,2');
    expect(whole[2]!.endOffset).toBe(buf.indexOf('b,2') + 4);
    expect(whole[3]!.endOffset).toBe(buf.length);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 6 }), async (points) => {
        const got = await collectWith(cut(buf, points), 1024);
        expect(got.map((l) => [l.line, l.tooLong ?? false, l.endOffset, l.terminated])).toEqual(
          whole.map((l) => [l.line, l.tooLong ?? false, l.endOffset, l.terminated]),
        );
        expect(got[2]!.text).toBe('b,2');
      }),
    );
  });

  it('reads a 32 MB line in linear time and bounded memory, then the next line', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'y');
    const chunks = function* () {
      yield Buffer.from('Item,q\n');
      for (let i = 0; i < 512; i++) yield chunk; // 32 MiB without a line end
      yield Buffer.from('\nA,1\n');
    };
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const started = Date.now();
    const out: Line[] = [];
    for await (const batch of splitLines(Readable.from(chunks()), 0, 0, {
      maxLineBytes: 64 * 1024,
    })) {
      out.push(...batch);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(out.map((l) => [l.line, l.bytes, l.tooLong ?? false])).toEqual([
      [1, 6, false],
      [2, 32 * 1024 * 1024, true],
      [3, 3, false],
    ]);
    expect(out[1]!.text.length).toBe(2048);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
