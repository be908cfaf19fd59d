/**
 * Small state objects the OMS keeps in the feeds bucket, outside every SFTP home (`oms-state/`),
 * so no SFTP user can see or change them.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { log } from '../platform/log.ts';
import { STATE_PREFIX } from './state-prefix.ts';

export { STATE_PREFIX };

/** The inventory snapshot digest (see shared/jobs/inventory-snapshot-importer.ts). */
export const SNAPSHOT_DIGEST_OBJECT = 'inventory/snapshot-digest.bin';
/** Per-file sets of the keys a snapshot file listed (the bucket expires them after a week). */
export const SNAPSHOT_LISTED_PREFIX = 'inventory/imports/';

export class StateObjects {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * The object's bytes, streamed into one buffer of its size (the SDK's `transformToByteArray`
   * held the chunks, their concatenation and then a copy of that: three times the object).
   */
  async get(name: string): Promise<Buffer | undefined> {
    const stored = await this.open(name);
    if (!stored) return undefined;
    const out = Buffer.allocUnsafe(stored.byteLength);
    let o = 0;
    for await (const chunk of stored.body) {
      if (o + chunk.byteLength > out.length)
        throw new Error(`${name}: more than the ${out.length} bytes announced`);
      out.set(chunk, o);
      o += chunk.byteLength;
    }
    if (o !== out.length) throw new Error(`${name}: ${o} of ${out.length} bytes read`);
    return out;
  }

  /**
   * The object as it streams in, and its size; undefined when there is none. The body must be
   * read to its end (or its iteration broken off, which closes it).
   */
  async open(
    name: string,
  ): Promise<{ byteLength: number; body: AsyncIterable<Uint8Array> } | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${STATE_PREFIX}${name}` }),
      );
      const body = out.Body as unknown as AsyncIterable<Uint8Array> & { destroy?: () => void };
      if (out.ContentLength === undefined) {
        body.destroy?.();
        throw new Error(`${name}: S3 gave no Content-Length`);
      }
      return { byteLength: out.ContentLength, body };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey')
        return undefined;
      throw err;
    }
  }

  async put(name: string, body: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${STATE_PREFIX}${name}`,
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  /**
   * Writes an object of `byteLength` bytes as `chunks()` produces it, so that it is never held
   * whole (a 12 MB digest costs a chunk at a time). The SDK does not retry a streamed body, so a
   * failed attempt is retried here, from a new `chunks()`, up to `attempts` times in all.
   */
  async putStream(
    name: string,
    byteLength: number,
    chunks: () => Iterable<Uint8Array>,
    attempts = 3,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: `${STATE_PREFIX}${name}`,
            Body: Readable.from(chunks(), { objectMode: false }),
            ContentLength: byteLength,
            ContentType: 'application/octet-stream',
          }),
        );
        return;
      } catch (err) {
        if (attempt >= attempts) throw err;
        log.warn('state object write failed; trying again', {
          object: name,
          attempt,
          error: err instanceof Error ? err.message : String(err),
        });
        await new Promise((r) => setTimeout(r, 100 * 4 ** (attempt - 1)));
      }
    }
  }
}
