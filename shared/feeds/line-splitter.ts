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
  /**
   * Bytes of the line in progress that have not met a line end (at most `max` + 1 of them), kept
   * as the chunks they came in and joined once, when the line ends: joining them to each new chunk
   * copied a long line again at every chunk (quadratic: 4 GB copied for a 32 MB line).
   */
  let carry: Buffer[] = [];
  let carried = 0;
  /** Set while skipping the rest of a too-long line: its first bytes and its length so far. */
  let skipping: { head: Buffer; bytes: number } | undefined;
  let offset = startOffset; // byte offset of buf[0]
  let line = startLine;
  /** The first `n` bytes of the carried chunks, copied (a slice would pin the chunks). */
  const carriedHead = (n: number): Buffer => {
    const parts: Buffer[] = [];
    for (let i = 0, left = n; i < carry.length && left > 0; i++) {
      parts.push(carry[i]!.subarray(0, left));
      left -= parts[parts.length - 1]!.length;
    }
    return Buffer.concat(parts);
  };
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
    if (chunk.indexOf(10) < 0) {
      // No line end in sight: keep the chunk as it is (no copy), or start skipping once the line
      // is longer than the limit (+1: a CR that may turn out to be the line end's).
      if (chunk.length > 0) {
        carry.push(chunk);
        carried += chunk.length;
        if (carried > max + 1) {
          skipping = { head: carriedHead(kept), bytes: carried };
          offset += carried;
          carry = [];
          carried = 0;
        }
      }
      if (lines.length) yield lines; // a skipped line that ended in this chunk
      continue;
    }
    // A line ends in this chunk: the carried bytes are joined to it once (linear overall).
    const buf = carried ? Buffer.concat([...carry, chunk]) : chunk;
    carry = [];
    carried = 0;
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
    } else if (rest > 0) {
      // Copied: a slice would pin the whole chunk it came from.
      carry = [Buffer.from(buf.subarray(pos))];
      carried = rest;
    }
    if (lines.length) yield lines;
  }
  if (skipping) {
    const bytes = skipping.bytes;
    yield [cutLine(skipping.head, bytes, offset, false)];
  } else if (carried > 0) {
    const last = Buffer.concat(carry);
    const end = last[last.length - 1] === 13 ? last.length - 1 : last.length;
    yield [
      end > max
        ? cutLine(last, end, offset + last.length, false)
        : {
            text: last.toString('utf8', 0, end),
            line: ++line,
            endOffset: offset + last.length,
            terminated: false,
            bytes: end,
          },
    ];
  }
}
