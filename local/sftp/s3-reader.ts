/**
 * Reads of one S3 object at arbitrary offsets without loading it whole: the object is fetched in
 * aligned blocks with ranged GetObject, a few blocks are kept (least recently used evicted), and the
 * block after the one read is fetched ahead, so sequential and moderately parallel readers
 * (OpenSSH `get`, ssh2 fastGet) cost one request per block.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FileInfo } from './s3-filesystem.ts';

const BLOCK_SIZE = 1024 * 1024;
const MAX_BLOCKS = 8;

export class S3RangeReader {
  private readonly blocks = new Map<number, Promise<Buffer>>();

  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    readonly key: string,
    /** Size and time when the handle was opened; reads stop at this size. */
    readonly info: FileInfo,
  ) {}

  get size(): number {
    return this.info.size;
  }

  /** Up to `length` bytes at `offset`; undefined at or past the end. */
  async read(offset: number, length: number): Promise<Buffer | undefined> {
    if (offset >= this.size || length <= 0) return undefined;
    const end = Math.min(offset + length, this.size);
    const first = Math.floor(offset / BLOCK_SIZE);
    const last = Math.floor((end - 1) / BLOCK_SIZE);
    const parts: Buffer[] = [];
    for (let index = first; index <= last; index++) {
      const block = await this.block(index);
      const start = index * BLOCK_SIZE;
      parts.push(block.subarray(Math.max(offset - start, 0), Math.min(end - start, block.length)));
    }
    if ((last + 1) * BLOCK_SIZE < this.size) void this.block(last + 1).catch(() => {});
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private block(index: number): Promise<Buffer> {
    const cached = this.blocks.get(index);
    if (cached) {
      // Most recently used last.
      this.blocks.delete(index);
      this.blocks.set(index, cached);
      return cached;
    }
    const fetching = this.fetch(index);
    this.blocks.set(index, fetching);
    fetching.catch(() => this.blocks.delete(index));
    while (this.blocks.size > MAX_BLOCKS) {
      const oldest = this.blocks.keys().next().value;
      if (oldest === undefined) break;
      this.blocks.delete(oldest);
    }
    return fetching;
  }

  private async fetch(index: number): Promise<Buffer> {
    const start = index * BLOCK_SIZE;
    const end = Math.min(start + BLOCK_SIZE, this.size) - 1;
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${start}-${end}` }),
    );
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array(0));
    if (bytes.length !== end - start + 1) {
      throw new Error(
        `expected ${end - start + 1} bytes at offset ${start} of ${this.key}, got ${bytes.length}: the object changed?`,
      );
    }
    return bytes;
  }
}
