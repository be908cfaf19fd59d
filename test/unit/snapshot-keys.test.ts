import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashMap64 } from '../../shared/domain/hash-map64.ts';
import { SnapshotKeys } from '../../shared/domain/snapshot-keys.ts';

/** Chunks of `buf` cut every `cut` bytes. */
async function* chunksOf(buf: Buffer, cut: number) {
  for (let o = 0; o < buf.length; o += cut) yield new Uint8Array(buf.subarray(o, o + cut));
}

const asMap = (buf: Buffer) =>
  new Map([...HashMap64.fromBuffer(buf).entries()].map(([k, v]) => [`${k.hi}:${k.lo}`, v]));

describe('SnapshotKeys', () => {
  it('behaves like two maps (figures, lines) under random operations, through growth', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('setFigure', 'dropFigure', 'setLine', 'listOnce', 'swapFigure'),
            // Few distinct halves: many keys share a home slot, and (0, 0) comes up often.
            fc.integer({ min: 0, max: 8 }),
            fc.integer({ min: 0, max: 8 }),
            fc.integer({ min: 1, max: 0xffff_ffff }),
          ),
          { maxLength: 600 },
        ),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        async (ops, capacity, cut) => {
          const figures = new Map<string, number>();
          const lines = new Map<string, number>();
          const keys = new SnapshotKeys(capacity);
          for (const [op, hi, lo, v] of ops) {
            const name = `${hi}:${lo}`;
            if (op === 'setFigure') {
              keys.setFigure({ hi, lo }, v);
              figures.set(name, v >>> 0);
            } else if (op === 'dropFigure') {
              keys.dropFigure({ hi, lo });
              figures.delete(name);
            } else if (op === 'setLine') {
              keys.setLine({ hi, lo }, v);
              lines.set(name, v);
            } else if (op === 'listOnce') {
              expect(keys.listOnce({ hi, lo }, v)).toBe(lines.get(name));
              if (!lines.has(name)) lines.set(name, v);
            } else {
              expect(keys.swapFigure({ hi, lo }, v)).toBe(figures.get(name) === v >>> 0);
              figures.set(name, v >>> 0);
            }
            expect(keys.figureCount).toBe(figures.size);
            expect(keys.lineCount).toBe(lines.size);
          }
          for (let hi = 0; hi <= 8; hi++) {
            for (let lo = 0; lo <= 8; lo++) {
              expect(keys.figure({ hi, lo })).toBe(figures.get(`${hi}:${lo}`));
              expect(keys.line({ hi, lo })).toBe(lines.get(`${hi}:${lo}`));
            }
          }
          // Each half serialises in HashMap64's format, into a given buffer too.
          const f = keys.figuresBuffer();
          const l = keys.linesBuffer();
          expect(asMap(f)).toEqual(figures);
          expect(asMap(l)).toEqual(lines);
          const into = Buffer.alloc(Math.max(f.length, l.length) + 24);
          expect(asMap(keys.figuresBuffer(into))).toEqual(figures);
          expect(asMap(keys.linesBuffer(into))).toEqual(lines);
          // Streamed a chunk at a time: the same bytes.
          expect(Buffer.concat([...keys.figureChunks(cut * 12)]).equals(f)).toBe(true);
          expect(Buffer.concat([...keys.lineChunks(cut)]).equals(l)).toBe(true);
          // And reads back from chunks cut anywhere.
          const copy = new SnapshotKeys(0);
          await copy.loadFigures(chunksOf(f, cut), f.length);
          await copy.loadLines(chunksOf(l, cut), l.length);
          expect(asMap(copy.figuresBuffer())).toEqual(figures);
          expect(asMap(copy.linesBuffer())).toEqual(lines);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads what HashMap64 wrote, and refuses a truncated object or a line 0', async () => {
    const map = new HashMap64(4);
    for (let i = 1; i <= 1000; i++) map.set({ hi: i * 7919, lo: i }, i + 1);
    const buf = map.toBuffer();
    const keys = new SnapshotKeys(10);
    await keys.loadLines(chunksOf(buf, 4096), buf.length);
    expect(keys.lineCount).toBe(1000);
    expect(keys.figureCount).toBe(0);
    expect(keys.line({ hi: 7919, lo: 1 })).toBe(2);
    await expect(keys.loadFigures(chunksOf(buf.subarray(0, 24), 7), 36)).rejects.toThrow();
    await expect(keys.loadFigures(chunksOf(buf, 7), 25)).rejects.toThrow();
    expect(() => keys.setLine({ hi: 1, lo: 1 }, 0)).toThrow();
  });

  it('holds a million keys with figure and line in about 23 MB (two HashMap64s: 34 MB)', () => {
    const keys = new SnapshotKeys(1_120_000);
    const arrays = keys as unknown as Record<'hi' | 'lo' | 'fig' | 'ln' | 'known', Uint8Array>;
    const bytes = ['hi', 'lo', 'fig', 'ln', 'known'].reduce(
      (n, k) => n + arrays[k as 'hi']!.byteLength,
      0,
    );
    expect(bytes).toBeLessThan(23 * 1024 * 1024);
  });
});
