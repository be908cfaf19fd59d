/**
 * A file-system view of one S3 bucket, the way Transfer Family presents it over SFTP.
 *
 * S3 has no directories: a directory exists when a zero-byte `prefix/` marker object exists or any
 * object lives under `prefix/`. Keys are used as given (the caller maps paths and enforces the chroot).
 *
 * A directory is listed as S3 lists it: ListObjectsV2 with the delimiter `/`, page after page by
 * continuation token, files from Contents and subdirectories from CommonPrefixes, in S3's order
 * (UTF-8 bytes of the key, a subdirectory sorting as `name/`). The S3 emulator lists with S3's
 * semantics too (local/s3-listing.ts), so the same code pages correctly on both.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { S3RangeReader } from './s3-reader.ts';
import { S3UploadHandle } from './s3-upload.ts';

export type FsErrorCode =
  | 'not-found'
  | 'exists'
  | 'not-empty'
  | 'not-a-directory'
  | 'is-a-directory'
  | 'unsupported'
  | 'failure';

/** A refusal with a reason the SFTP layer maps to a status code. */
export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FsError';
  }
}

export interface FsEntry {
  readonly name: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  /** Directories have no time in S3: the epoch, as Transfer Family shows them. */
  readonly mtime: Date;
}

export interface FileInfo {
  readonly size: number;
  readonly mtime: Date;
  readonly etag?: string;
}

export interface ListPage {
  readonly entries: FsEntry[];
  /** Continuation token of the next page; undefined on the last page. */
  readonly next?: string;
}

const EPOCH = new Date(0);

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * `x-amz-copy-source` value. encodeURI keeps `/ : ( ) + @ ,` and encodes spaces and non-ASCII,
 * which round-trips through s3rver's `decodeURI` and is what S3 accepts for such keys.
 */
function copySource(bucket: string, key: string): string {
  return encodeURI(`${bucket}/${key}`);
}

export class S3FileSystem {
  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** The object at `key`, or undefined. */
  async headFile(key: string): Promise<FileInfo | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0, mtime: head.LastModified ?? EPOCH, etag: head.ETag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Whether `key/` has a marker or any object under it. */
  async dirExists(key: string): Promise<boolean> {
    return (await this.keysUnder(key, 1)).length > 0;
  }

  /**
   * Up to `max` entries directly under `key/`: object keys (the marker included) and the common
   * prefixes of deeper keys (one per subdirectory, however many keys it holds).
   */
  private async keysUnder(key: string, max: number): Promise<string[]> {
    const page = await this.s3.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: `${key}/`,
        Delimiter: '/',
        MaxKeys: max,
      }),
    );
    return [
      ...(page.Contents ?? []).map((o) => o.Key ?? ''),
      ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
    ];
  }

  /** A file (object) first, else a directory (prefix), else undefined. */
  async stat(key: string): Promise<FsEntry | undefined> {
    const name = key.slice(key.lastIndexOf('/') + 1);
    const file = await this.headFile(key);
    if (file) return { name, type: 'file', size: file.size, mtime: file.mtime };
    if (await this.dirExists(key)) return { name, type: 'dir', size: 0, mtime: EPOCH };
    return undefined;
  }

  /**
   * One page of the directory `key` (up to 1,000 entries), in S3's order: objects directly under
   * `key/` as files, the common prefixes below it as directories. `token` continues a listing.
   */
  async listPage(key: string, token?: string): Promise<ListPage> {
    const prefix = `${key}/`;
    const page = await this.s3.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        Delimiter: '/',
        ContinuationToken: token,
      }),
    );
    const listed: Array<{ sortKey: Buffer; entry: FsEntry }> = [];
    for (const object of page.Contents ?? []) {
      const name = (object.Key ?? '').slice(prefix.length);
      // An empty name is the directory's own marker.
      if (!name) continue;
      listed.push({
        sortKey: Buffer.from(object.Key ?? ''),
        entry: { name, type: 'file', size: object.Size ?? 0, mtime: object.LastModified ?? EPOCH },
      });
    }
    for (const common of page.CommonPrefixes ?? []) {
      const name = (common.Prefix ?? '').slice(prefix.length, -1);
      // An empty segment (`a//b`) has no path.
      if (!name) continue;
      listed.push({
        sortKey: Buffer.from(common.Prefix ?? ''),
        entry: { name, type: 'dir', size: 0, mtime: EPOCH },
      });
    }
    const entries = listed.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey)).map((l) => l.entry);
    const next = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated && !next)
      throw new Error('S3 listing truncated without a continuation token');
    return { entries, next };
  }

  /** Creates the `key/` marker. */
  async makeDir(key: string): Promise<void> {
    if (await this.stat(key)) throw new FsError('exists', 'already exists');
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${key}/`, Body: new Uint8Array(0) }),
    );
  }

  /** Deletes the `key/` marker of an empty directory. */
  async removeDir(key: string): Promise<void> {
    const keys = await this.keysUnder(key, 2);
    if (keys.length === 0) {
      if (await this.headFile(key)) throw new FsError('not-a-directory', 'not a directory');
      throw new FsError('not-found', 'no such directory');
    }
    if (keys.some((k) => k !== `${key}/`)) throw new FsError('not-empty', 'directory not empty');
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: `${key}/` }));
  }

  /** Deletes the object `key`. */
  async removeFile(key: string): Promise<void> {
    if (!(await this.headFile(key))) {
      if (await this.dirExists(key)) throw new FsError('is-a-directory', 'is a directory');
      throw new FsError('not-found', 'no such file');
    }
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * Renames a file (CopyObject + DeleteObject) or an empty directory (its marker). Refuses when
   * the target exists, like OpenSSH's default rename.
   */
  async rename(from: string, to: string): Promise<void> {
    const source = await this.stat(from);
    if (!source) throw new FsError('not-found', 'no such file or directory');
    if (from === to) return;
    if (to.startsWith(`${from}/`))
      throw new FsError('failure', 'cannot move a directory into itself');
    if (await this.stat(to)) throw new FsError('exists', 'the target already exists');
    if (source.type === 'file') {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: copySource(this.bucket, from),
        }),
      );
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: from }));
      return;
    }
    if ((await this.keysUnder(from, 2)).some((k) => k !== `${from}/`)) {
      throw new FsError('unsupported', 'renaming a non-empty directory is not supported on S3');
    }
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${to}/`, Body: new Uint8Array(0) }),
    );
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: `${from}/` }));
  }

  /** Opens the object `key` for ranged reads. */
  async openRead(key: string): Promise<S3RangeReader> {
    const file = await this.headFile(key);
    if (!file) {
      if (await this.dirExists(key)) throw new FsError('is-a-directory', 'is a directory');
      throw new FsError('not-found', 'no such file');
    }
    return new S3RangeReader(this.s3, this.bucket, key, file);
  }

  /** Starts an upload to `key`; the object appears when the handle is closed. */
  async openWrite(
    key: string,
    options: { create: boolean; exclusive: boolean },
  ): Promise<S3UploadHandle> {
    if (await this.dirExists(key)) throw new FsError('is-a-directory', 'is a directory');
    if (options.exclusive || !options.create) {
      const exists = (await this.headFile(key)) !== undefined;
      if (exists && options.exclusive) throw new FsError('exists', 'the file already exists');
      if (!exists && !options.create) throw new FsError('not-found', 'no such file');
    }
    return new S3UploadHandle(this.s3, this.bucket, key);
  }
}
