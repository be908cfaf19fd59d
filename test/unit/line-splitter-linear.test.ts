/**
 * Security review (issue 16 §4): the line splitter's work stays linear in its input on a 32 MB
 * line, whatever the line limit (none, or one above the line): the bytes it copies (Buffer.concat,
 * Buffer copies) are counted, no clock involved. Before, each chunk of a line in progress was
 * joined to everything carried so far: a 32 MB line in 256 KiB chunks copied about 4 GB.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { splitLines } from '../../shared/feeds/line-splitter.ts';

const MB = 1024 * 1024;
const CHUNK = 256 * 1024;

/** `size` bytes of `x` then a line end, in chunks of CHUNK (one shared buffer: no input copies). */
async function* oneLongLine(size: number): AsyncGenerator<Buffer> {
  const block = Buffer.alloc(CHUNK, 'x');
  for (let sent = 0; sent < size; sent += CHUNK)
    yield block.subarray(0, Math.min(CHUNK, size - sent));
  yield Buffer.from('\nnext\n');
}

/** Bytes copied by Buffer.concat and by Buffer.from(a buffer) while `run` runs. */
async function copiedBytes(run: () => Promise<void>): Promise<number> {
  let copied = 0;
  const concat = Buffer.concat.bind(Buffer);
  const from = Buffer.from.bind(Buffer) as (...args: unknown[]) => Buffer;
  vi.spyOn(Buffer, 'concat').mockImplementation((list, total) => {
    const out = concat(list, total);
    copied += out.length;
    return out;
  });
  vi.spyOn(Buffer, 'from').mockImplementation(((...args: unknown[]) => {
    const out = from(...args);
    if (args[0] instanceof Uint8Array) copied += out.length;
    return out;
  }) as typeof Buffer.from);
  await run();
  return copied;
}

afterEach(() => vi.restoreAllMocks());

describe('splitLines on a 32 MB line', () => {
  it.each([
    ['no line limit', undefined],
    ['a limit above the line (64 MB)', 64 * MB],
  ])('copies at most twice the input with %s', async (_what, maxLineBytes) => {
    const size = 32 * MB;
    const lines: Array<{ bytes: number; text: string }> = [];
    const copied = await copiedBytes(async () => {
      for await (const batch of splitLines(oneLongLine(size), 0, 0, { maxLineBytes }))
        for (const l of batch) lines.push({ bytes: l.bytes, text: l.text.slice(0, 4) });
    });
    expect(lines).toEqual([
      { bytes: size, text: 'xxxx' },
      { bytes: 4, text: 'next' },
    ]);
    expect(copied).toBeLessThanOrEqual(2 * size + 2 * CHUNK);
  });

  it('with a limit below the line, copies only the kept head', async () => {
    const copied = await copiedBytes(async () => {
      for await (const batch of splitLines(oneLongLine(32 * MB), 0, 0, { maxLineBytes: 64 * 1024 }))
        expect(batch.every((l) => l.text.length <= 64 * 1024)).toBe(true);
    });
    expect(copied).toBeLessThanOrEqual(2 * CHUNK);
  });
});
