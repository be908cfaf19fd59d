/**
 * Texts set aside in a temporary file while a run sorts what it read (an external sort's first
 * half): the run keeps, per record, where its text is — two numbers — instead of the text, and
 * reads it back when it gets to the record. An export due 100,000 lines holds about 100 MB of
 * outbox payloads; in a Lambda they go to `/tmp` (ephemeral storage, not the function's memory).
 *
 * Both ways go through small buffers, not a system call a text (issue #21: 50,000 `writeSync`
 * and 50,000 `readSync` calls were ≈ 0.5 s of a 100,000-line export's CPU): texts are appended
 * to a write buffer written out when full, and read back through a few windows of the file. A
 * window starts at the text asked for and holds what follows it; the texts the export asks for
 * next, in sorted order, are mostly the ones that followed it in the outbox (a Query page of one
 * shard, ids in time order), so a window a shard serves most of them without another read.
 * Memory: the write buffer plus `WINDOWS` windows (≈ 2.3 MB), whatever is spilled.
 *
 * The file is removed by `close()` (and is unlinked at once where the platform allows, so that
 * a crashed run leaves nothing behind).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a text is in the spill file. */
export interface SpillRef {
  readonly offset: number;
  readonly length: number;
}

/** Bytes a window holds (a text longer than this is read on its own). */
const WINDOW_BYTES = 64 * 1024;
/** Windows kept: more than the outbox's shards, whose texts the sorted order interleaves. */
const WINDOWS = 32;
const WRITE_BUFFER_BYTES = 256 * 1024;

interface Window {
  offset: number;
  length: number;
  readonly bytes: Buffer;
}

export class PayloadSpill {
  private readonly dir: string;
  private fd: number | undefined;
  /** Bytes in the file, written or still in the write buffer. */
  private size = 0;
  /** Texts appended and not yet written; they start at `size - pending`. */
  private readonly writeBuffer = Buffer.alloc(WRITE_BUFFER_BYTES);
  private pending = 0;
  /** Most recently used last. */
  private windows: Window[] = [];
  /** A text longer than a window, read on its own. */
  private large = Buffer.alloc(0);
  /** System calls made (for tests and benchmarks). */
  readonly stats = { writes: 0, reads: 0 };

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'oms-spill-'));
    const path = join(this.dir, 'payloads');
    this.fd = openSync(path, 'w+');
    try {
      rmSync(path); // the open descriptor keeps it until closed
    } catch {
      // (a platform that cannot unlink an open file: close() removes it)
    }
  }

  /** Appends a text; the reference reads it back. */
  put(text: string): SpillRef {
    const offset = this.size;
    // Encoded straight into the buffer when it fits (at most 3 bytes a UTF-16 unit).
    if (text.length * 3 <= WRITE_BUFFER_BYTES - this.pending) {
      const length = this.writeBuffer.write(text, this.pending, 'utf8');
      this.pending += length;
      this.size += length;
      return { offset, length };
    }
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > WRITE_BUFFER_BYTES - this.pending) this.flush();
    if (bytes.length > WRITE_BUFFER_BYTES) this.writeAt(bytes, bytes.length, offset);
    else this.pending += bytes.copy(this.writeBuffer, this.pending);
    this.size += bytes.length;
    return { offset, length: bytes.length };
  }

  /** The text at `ref`. */
  get(ref: SpillRef): string {
    if (ref.offset + ref.length > this.size) {
      throw new Error(`spill file ends at ${this.size}, before ${ref.offset + ref.length}`);
    }
    this.flush();
    if (ref.length > WINDOW_BYTES) {
      if (this.large.length < ref.length) this.large = Buffer.alloc(ref.length);
      this.readAt(this.large, ref.length, ref.offset);
      return this.large.toString('utf8', 0, ref.length);
    }
    const w = this.windowFor(ref);
    const start = ref.offset - w.offset;
    return w.bytes.toString('utf8', start, start + ref.length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.windows = [];
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A window holding all of `ref`: one kept, or the least recently used one read anew. */
  private windowFor(ref: SpillRef): Window {
    const { windows } = this;
    for (let i = windows.length - 1; i >= 0; i--) {
      const w = windows[i]!;
      if (ref.offset >= w.offset && ref.offset + ref.length <= w.offset + w.length) {
        if (i !== windows.length - 1) windows.push(...windows.splice(i, 1));
        return w;
      }
    }
    const w =
      windows.length < WINDOWS
        ? { offset: 0, length: 0, bytes: Buffer.alloc(WINDOW_BYTES) }
        : windows.shift()!;
    w.offset = ref.offset;
    w.length = Math.min(WINDOW_BYTES, this.size - ref.offset);
    this.readAt(w.bytes, w.length, w.offset);
    windows.push(w);
    return w;
  }

  /** Writes the write buffer out. */
  private flush(): void {
    if (!this.pending) return;
    this.writeAt(this.writeBuffer, this.pending, this.size - this.pending);
    this.pending = 0;
  }

  private writeAt(bytes: Buffer, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      done += writeSync(this.open(), bytes, done, length - done, position + done);
      this.stats.writes++;
    }
  }

  private readAt(into: Buffer, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.open(), into, done, length - done, position + done);
      this.stats.reads++;
      if (n === 0) throw new Error(`spill file ended at ${position + done}`);
      done += n;
    }
  }

  private open(): number {
    if (this.fd === undefined) throw new Error('the spill file is closed');
    return this.fd;
  }
}
