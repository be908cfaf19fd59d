/**
 * Splits a byte stream into lines, keeping the 1-based line number and the byte offset just past
 * each line's end (where a resumed read starts). LF or CRLF, a last line without a line end, and
 * UTF-8 safely (0x0A never occurs inside a multi-byte sequence).
 */
export interface Line {
  readonly text: string;
  readonly line: number;
  readonly endOffset: number;
}

/** Yields the lines of each chunk as one array, so a million lines cost a few hundred awaits. */
export async function* splitLines(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  startOffset = 0,
  startLine = 0,
): AsyncGenerator<Line[]> {
  let carry: Buffer | undefined;
  let offset = startOffset; // byte offset of buf[0]
  let line = startLine;
  for await (const raw of input) {
    const chunk =
      typeof raw === 'string'
        ? Buffer.from(raw)
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lines: Line[] = [];
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      lines.push({
        text: buf.toString('utf8', pos, end),
        line: ++line,
        endOffset: offset + nl + 1,
      });
      pos = nl + 1;
    }
    offset += pos;
    carry = pos < buf.length ? buf.subarray(pos) : undefined;
    if (lines.length) yield lines;
  }
  if (carry && carry.length > 0) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield [
      { text: carry.toString('utf8', 0, end), line: ++line, endOffset: offset + carry.length },
    ];
  }
}
