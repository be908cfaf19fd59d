/**
 * Texts set aside in a temporary file while a run sorts what it read (an external sort's first
 * half): the run keeps, per record, where its text is — two numbers — instead of the text, and
 * reads it back when it gets to the record. An export due 100,000 lines holds about 100 MB of
 * outbox payloads; in a Lambda they go to `/tmp` (ephemeral storage, not the function's memory).
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

export class PayloadSpill {
  private readonly dir: string;
  private fd: number | undefined;
  private size = 0;
  private buffer = Buffer.alloc(64 * 1024);

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
    const length = Buffer.byteLength(text);
    if (length > this.buffer.length) this.buffer = Buffer.alloc(length * 2);
    this.buffer.write(text, 0, length, 'utf8');
    const offset = this.size;
    let done = 0;
    while (done < length)
      done += writeSync(this.open(), this.buffer, done, length - done, offset + done);
    this.size += length;
    return { offset, length };
  }

  /** The text at `ref`. */
  get(ref: SpillRef): string {
    if (ref.length > this.buffer.length) this.buffer = Buffer.alloc(ref.length * 2);
    let done = 0;
    while (done < ref.length) {
      const n = readSync(this.open(), this.buffer, done, ref.length - done, ref.offset + done);
      if (n === 0) throw new Error(`spill file ended at ${ref.offset + done}`);
      done += n;
    }
    return this.buffer.toString('utf8', 0, ref.length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private open(): number {
    if (this.fd === undefined) throw new Error('the spill file is closed');
    return this.fd;
  }
}
