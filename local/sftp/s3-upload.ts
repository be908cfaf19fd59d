/**
 * One SFTP upload streamed into S3: WRITE chunks go, in offset order, into a `lib-storage` Upload
 * (a single PutObject for small files, multipart above the part size), and the object appears only
 * when the upload is finished on CLOSE, like Transfer Family.
 *
 * Clients such as ssh2's fastPut send several WRITEs at once, and not always in offset order:
 * chunks ahead of the stream wait by offset until the gap before them fills. Backpressure: a chunk
 * that continues the stream is acknowledged once the stream took it (so S3 paces the client); a
 * chunk ahead of it is acknowledged at once while fewer than EARLY_ACK_BYTES wait (ssh2 sends the
 * tail of a chunk larger than its packet only after the head is acknowledged, so holding every
 * out-of-order ack would serialize the transfer), else when it enters the stream.
 */
import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** Most bytes waiting for a gap to fill before the upload is failed. */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Out-of-order chunks are acknowledged at once while fewer bytes than this wait. */
const EARLY_ACK_BYTES = 8 * 1024 * 1024;
/** Part size of multipart uploads (S3 minimum is 5 MiB). */
const PART_SIZE = 8 * 1024 * 1024;

interface Waiting {
  readonly data: Buffer;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class S3UploadHandle {
  private readonly body = new PassThrough({ highWaterMark: 1024 * 1024 });
  private readonly upload: Upload;
  private readonly finished: Promise<void>;
  /** Offset of the next byte the stream expects. */
  private nextOffset = 0;
  /** Chunks ahead of `nextOffset`, by offset. */
  private readonly pending = new Map<number, Waiting>();
  private pendingBytes = 0;
  /** Writes that entered the stream but were not yet accepted by it. */
  private readonly inFlight = new Set<(err: Error) => void>();
  private failure: Error | undefined;
  private state: 'open' | 'closing' | 'done' = 'open';

  constructor(
    s3: S3Client,
    readonly bucket: string,
    readonly key: string,
  ) {
    this.upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: this.body },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    this.finished = this.upload.done().then(
      () => undefined,
      (err: unknown) => {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        throw this.failure;
      },
    );
    // Failures are reported through write() and close(); never as unhandled errors.
    this.finished.catch(() => {});
    this.body.on('error', () => {});
  }

  /** Bytes accepted so far, in order. */
  get size(): number {
    return this.nextOffset;
  }

  /** Resolves when the chunk entered the upload stream; rejects when the upload cannot take it. */
  write(offset: number, data: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.state !== 'open') return Promise.reject(new Error('the handle is closing'));
    if (data.length === 0) return Promise.resolve();
    const end = offset + data.length;
    if (end <= this.nextOffset) {
      return Promise.reject(
        new Error(`rewriting bytes ${offset}-${end - 1} already uploaded is not supported`),
      );
    }
    if (offset < this.nextOffset) {
      // Overlaps the end of what was sent: keep only the new part.
      data = data.subarray(this.nextOffset - offset);
      offset = this.nextOffset;
    }
    if (offset > this.nextOffset) return this.wait(offset, data);
    const written = this.push(data);
    this.drain();
    return written;
  }

  private wait(offset: number, data: Buffer): Promise<void> {
    if (this.pending.has(offset)) {
      return Promise.reject(new Error(`two writes at offset ${offset}`));
    }
    if (this.pendingBytes + data.length > MAX_PENDING_BYTES) {
      const err = new Error(
        `more than ${MAX_PENDING_BYTES} bytes written ahead of offset ${this.nextOffset}: only sequential uploads are supported`,
      );
      this.fail(err);
      return Promise.reject(err);
    }
    this.pendingBytes += data.length;
    if (this.pendingBytes <= EARLY_ACK_BYTES) {
      // Acknowledged now; a later failure surfaces on close().
      this.pending.set(offset, { data, resolve: () => {}, reject: () => {} });
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.pending.set(offset, { data, resolve, reject }));
  }

  private push(data: Buffer): Promise<void> {
    this.nextOffset += data.length;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.inFlight.delete(onError);
        reject(err);
      };
      this.inFlight.add(onError);
      this.body.write(data, (err) => {
        if (!this.inFlight.delete(onError)) return;
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Moves waiting chunks that now follow the stream into it. */
  private drain(): void {
    for (;;) {
      const next = this.takeNext();
      if (!next) return;
      this.push(next.data).then(next.resolve, next.reject);
    }
  }

  private takeNext(): Waiting | undefined {
    let found = this.pending.get(this.nextOffset);
    let at = this.nextOffset;
    if (!found) {
      // A chunk that starts inside what was sent (chunks of different sizes).
      for (const [offset, waiting] of this.pending) {
        if (offset < this.nextOffset) {
          found = waiting;
          at = offset;
          break;
        }
      }
    }
    if (!found) return undefined;
    this.pending.delete(at);
    this.pendingBytes -= found.data.length;
    const skip = this.nextOffset - at;
    if (skip >= found.data.length) {
      found.resolve();
      return this.takeNext();
    }
    return skip > 0 ? { ...found, data: found.data.subarray(skip) } : found;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
    this.pendingBytes = 0;
    for (const reject of this.inFlight) reject(err);
    this.inFlight.clear();
    this.body.destroy(err);
  }

  /**
   * Finishes the upload: the object appears in S3 now. Fails (and uploads nothing) when an earlier
   * write failed, when a gap was never filled, or when S3 refuses.
   */
  async close(): Promise<number> {
    if (this.state !== 'open') throw new Error('the handle is already closed');
    this.state = 'closing';
    if (!this.failure && this.pending.size > 0) {
      const first = Math.min(...this.pending.keys());
      this.fail(new Error(`bytes ${this.nextOffset}-${first - 1} were never written`));
    }
    if (this.failure) {
      await this.abort();
      throw this.failure;
    }
    this.body.end();
    try {
      await this.finished;
    } finally {
      this.state = 'done';
    }
    return this.nextOffset;
  }

  /** Uploads what arrived in order so far (a session that dropped mid-upload). */
  async finishPartial(): Promise<number> {
    this.state = 'closing';
    for (const waiting of this.pending.values()) waiting.reject(new Error('the session ended'));
    this.pending.clear();
    if (this.failure) throw this.failure;
    this.body.end();
    await this.finished;
    this.state = 'done';
    return this.nextOffset;
  }

  /** Abandons the upload: nothing appears in S3. */
  async abort(): Promise<void> {
    this.state = 'done';
    this.fail(new Error('the upload was abandoned'));
    await this.upload.abort().catch(() => {});
    await this.finished.catch(() => {});
  }
}
