/**
 * Splits a byte stream into lines, keeping the 1-based line number and the byte offset just past
 * each line's end (where a resumed read starts). LF or CRLF, UTF-8 safely (0x0A never occurs
 * inside a multi-byte sequence).
 *
 * Two things a line carries besides its text, because the importer must not trust such a line the
 * way it trusts a complete one:
 * - `terminated: false` on a last line without a line end (NetSuite ends every line with `\n`: a
 *   missing one means the file was cut short);
 * - `bytes` > `maxLineBytes` on a line longer than the limit: only its first bytes are kept (to show
 *   in the error file), the rest is skipped as it streams past. Memory stays bounded by the limit
 *   and the stream's chunk size, and the work linear in the input, whatever the line's length.
 */
export interface Line {
  /** The line's text; for a line over the limit, its first `keptBytes` only. */
  readonly text: string;
  readonly line: number;
  readonly endOffset: number;
  /** False for a last line that has no line end. */
  readonly terminated: boolean;
  /** The line's length in bytes (line end excluded). */
  readonly bytes: number;
  /** Set when the line is longer than the limit (its text is cut). */
  readonly tooLong?: true;
}

export interface SplitOptions {
  /** Longest line read whole (bytes, line end excluded); longer lines come cut, `tooLong`. */
  readonly maxLineBytes?: number;
  /** Bytes of a too-long line kept in its `text` (default 2,048). */
  readonly keptBytes?: number;
}

/** Yields the lines of each chunk as one array, so a million lines cost a few hundred awaits. */
export async function* splitLines(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  startOffset = 0,
  startLine = 0,
  options: SplitOptions = {},
): AsyncGenerator<Line[]> {
  const max = options.maxLineBytes ?? Number.MAX_SAFE_INTEGER;
  const kept = Math.min(options.keptBytes ?? 2048, max);
  /** Bytes of the line in progress that have not met a line end (at most `max` of them). */
  let carry: Buffer | undefined;
  /** Set while skipping the rest of a too-long line: its first bytes and its length so far. */
  let skipping: { head: Buffer; bytes: number } | undefined;
  let offset = startOffset; // byte offset of buf[0]
  let line = startLine;
  const cutLine = (head: Buffer, bytes: number, endOffset: number, terminated: boolean): Line => {
    const shown = head.subarray(0, kept);
    return {
      text: shown.toString('utf8'),
      line: ++line,
      endOffset,
      terminated,
      bytes,
      tooLong: true,
    };
  };
  for await (const raw of input) {
    let chunk =
      typeof raw === 'string'
        ? Buffer.from(raw)
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const lines: Line[] = [];
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        skipping.bytes += chunk.length;
        offset += chunk.length;
        continue;
      }
      const bytes = skipping.bytes + (nl > 0 && chunk[nl - 1] === 13 ? nl - 1 : nl);
      lines.push(cutLine(skipping.head, bytes, offset + nl + 1, true));
      skipping = undefined;
      offset += nl + 1;
      chunk = chunk.subarray(nl + 1);
    }
    // The carry is at most `max` bytes: joining it to each chunk costs O(max + chunk), linear overall.
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      const bytes = end - pos;
      lines.push(
        bytes > max
          ? cutLine(Buffer.from(buf.subarray(pos, pos + kept)), bytes, offset + nl + 1, true)
          : {
              text: buf.toString('utf8', pos, end),
              line: ++line,
              endOffset: offset + nl + 1,
              terminated: true,
              bytes,
            },
      );
      pos = nl + 1;
    }
    offset += pos;
    const rest = buf.length - pos;
    if (rest > max + 1) {
      // A line longer than the limit, its end not in sight: keep its first bytes, skip the rest.
      // (+1: a CR that may turn out to be the line end's.)
      skipping = { head: Buffer.from(buf.subarray(pos, pos + kept)), bytes: rest };
      offset += rest;
      carry = undefined;
    } else {
      // Copied: a slice would pin the whole chunk it came from.
      carry = rest > 0 ? Buffer.from(buf.subarray(pos)) : undefined;
    }
    if (lines.length) yield lines;
  }
  if (skipping) {
    const bytes = skipping.bytes;
    yield [cutLine(skipping.head, bytes, offset, false)];
  } else if (carry && carry.length > 0) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield [
      end > max
        ? cutLine(carry, end, offset + carry.length, false)
        : {
            text: carry.toString('utf8', 0, end),
            line: ++line,
            endOffset: offset + carry.length,
            terminated: false,
            bytes: end,
          },
    ];
  }
}
