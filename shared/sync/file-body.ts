/**
 * A file's body built as bytes while its records join it (issue #21: the export's memory): each
 * record's CSV text is written into one buffer as soon as it is rendered, so the run holds no
 * text per record for the file's lifetime (strings that outlived V8's young generation and were
 * promoted), no joined copy of the whole file, and the S3 client gets bytes it does not have to
 * encode again. The buffer doubles when it must and is kept for the next file (`clear`): a run
 * holds one, however many files it writes.
 */
export class FileBody {
  private buffer: Buffer;
  private size = 0;

  constructor(expectedBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(Math.max(1024, expectedBytes));
  }

  /** Appends `text` as UTF-8. */
  append(text: string): void {
    const length = Buffer.byteLength(text);
    if (this.size + length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.size + length));
      this.buffer.copy(grown, 0, 0, this.size);
      this.buffer = grown;
    }
    this.size += this.buffer.write(text, this.size, length, 'utf8');
  }

  /** Empties it for the next file, keeping its buffer (the bytes handed out are overwritten). */
  clear(): void {
    this.size = 0;
  }

  get byteLength(): number {
    return this.size;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size);
  }
}
