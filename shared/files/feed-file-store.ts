/**
 * The feed file store on S3: the only module that speaks S3 for feed files. Lists, streams,
 * writes atomically and moves files between a feed folder and its archive/error/failed folders.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { config } from '../platform/config.ts';
import { stagingPrefix } from './state-prefix.ts';
import { s3 } from './s3-client.ts';

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  readonly lastModified?: Date;
  /** The S3 version id (versioned buckets, as on AWS); absent where versions are not kept. */
  readonly versionId?: string;
}

/** One version of an object: its ETag, and its version id where the bucket keeps versions. */
export interface ObjectVersion {
  readonly eTag: string;
  readonly versionId?: string;
}

/** The answer of a step bound to one version: done, the key holds another version, or nothing. */
export type VersionedOutcome = 'done' | 'changed' | 'gone';

/**
 * CopySource is URL-encoded per path segment (keys carry spaces, colons, parentheses and `+`, which
 * S3 would read as a space if left raw).
 */
const copySource = (bucket: string, key: string, versionId?: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}${
    versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''
  }`;

/** An ETag as a precondition header wants it (quoted). */
const quoted = (eTag: string): string => `"${eTag.replace(/"/g, '')}"`;

const isPreconditionFailed = (err: unknown): boolean =>
  (err as { name?: string }).name === 'PreconditionFailed' ||
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;

const isMissing = (err: unknown): boolean =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  (err as { name?: string }).name === 'NoSuchKey' ||
  (err as { name?: string }).name === 'NotFound' ||
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

export class FeedFileStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    private readonly user: string,
  ) {}

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        eTag: (out.ETag ?? '').replace(/"/g, ''),
        lastModified: out.LastModified,
        ...(out.VersionId && out.VersionId !== 'null' ? { versionId: out.VersionId } : {}),
      };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  /**
   * Copies one version of `from` to `to`: the version id where the bucket keeps versions (AWS),
   * and in every case only while the source still has that ETag (`x-amz-copy-source-if-match`).
   * `changed`: `from` now holds another version (and no version id was given); `gone`: no such
   * object or version.
   */
  async copyVersion(
    from: string,
    to: string,
    version: ObjectVersion,
    /** User metadata to give the copy (`x-amz-meta-*`) instead of the source's. */
    metadata?: Record<string, string>,
  ): Promise<VersionedOutcome> {
    try {
      const out = await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: copySource(this.bucket, from, version.versionId),
          CopySourceIfMatch: quoted(version.eTag),
          ...(metadata ? { MetadataDirective: 'REPLACE', Metadata: metadata } : {}),
        }),
      );
      const copied = (out.CopyObjectResult?.ETag ?? '').replace(/"/g, '');
      // A copy's ETag is the source's for a single-part object; a multipart source's is new.
      if (copied && !version.eTag.includes('-') && copied !== version.eTag) {
        throw new Error(
          `copy of ${from} (ETag ${version.eTag}) to ${to} came out with ETag ${copied}`,
        );
      }
      return 'done';
    } catch (err) {
      if (isPreconditionFailed(err)) return 'changed';
      if (isMissing(err)) return 'gone';
      throw err;
    }
  }

  /**
   * Deletes `key` only while it still holds the version with this ETag (`If-Match`): a newer
   * version uploaded under the same name since is left in place, for its own import. On a
   * versioned bucket this adds a delete marker (every version stays until the lifecycle rule).
   */
  async deleteIfMatch(key: string, eTag: string): Promise<VersionedOutcome> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: quoted(eTag) }),
      );
      return 'done';
    } catch (err) {
      if (isPreconditionFailed(err)) return 'changed';
      if (isMissing(err)) return 'gone';
      throw err;
    }
  }

  /** Streams an object from `start` (a byte offset) to its end; undefined when it is gone. */
  async openRead(key: string, start = 0): Promise<Readable | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: start > 0 ? `bytes=${start}-` : undefined,
        }),
      );
      return out.Body as Readable;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async readText(key: string): Promise<string | undefined> {
    const stream = await this.openRead(key);
    if (!stream) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /**
   * Keys directly below a prefix (not in its subfolders), oldest first, page after page.
   * `startAfter`: only keys sorting after it (S3 lists in key order).
   */
  async list(
    prefix: string,
    opts: { recursive?: boolean; startAfter?: string } = {},
  ): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: opts.recursive ? undefined : '/',
          ContinuationToken: token,
          StartAfter: token ? undefined : opts.startAfter,
        }),
      );
      for (const o of out.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        found.push({
          key: o.Key,
          size: o.Size ?? 0,
          eTag: (o.ETag ?? '').replace(/"/g, ''),
          lastModified: o.LastModified,
        });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
      // A truncated page without a way on would end the listing early: files silently missed.
      if (out.IsTruncated && !token)
        throw new Error(`listing ${prefix}: S3 answered a truncated page without a token`);
    } while (token);
    return found.sort(
      (a, b) => (a.lastModified?.getTime() ?? 0) - (b.lastModified?.getTime() ?? 0),
    );
  }

  /**
   * Writes a file so that it appears whole or not at all in the folder NetSuite reads: the body
   * is written under the staging prefix first, then copied into place and the staged copy removed.
   */
  async writeAtomically(
    key: string,
    body: string | Buffer | Readable,
    contentType = 'text/csv',
  ): Promise<void> {
    const staged = `${stagingPrefix()}${randomUUID()}`;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: staged,
          Body: body,
          ContentType: contentType,
        }),
      );
    } else {
      await new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: staged, Body: body, ContentType: contentType },
      }).done();
    }
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: key,
        CopySource: copySource(this.bucket, staged),
      }),
    );
    await this.delete(staged);
  }

  /** User metadata of an object (`x-amz-meta-*`), undefined when it is gone. */
  async metadata(key: string): Promise<Record<string, string> | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Metadata ?? {};
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  /** Copies an object. Returns false when the source is gone. */
  async copy(from: string, to: string): Promise<boolean> {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: copySource(this.bucket, from),
        }),
      );
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** Moves an object (copy, then delete). Returns false when the source is already gone. */
  async move(from: string, to: string): Promise<boolean> {
    if (!(await this.copy(from, to))) return false;
    await this.delete(from);
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

let store: FeedFileStore | undefined;

/** The process-wide feed file store for the configured bucket and NetSuite user. */
export function feedFiles(): FeedFileStore {
  store ??= new FeedFileStore(s3(), config().bucket, config().netsuiteUser);
  return store;
}
