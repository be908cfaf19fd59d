import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { freePort, assertPortFree } from './free-port.ts';
import { listLikeS3, type ListableStore } from './s3-listing.ts';

/** An S3 ObjectCreated/ObjectRemoved record as s3rver emits it (the real S3 event shape). */
export interface S3EmulatorEvent {
  Records: Array<{
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }>;
}

export interface S3Emulator {
  readonly endpoint: string;
  readonly port: number;
  /** Subscribes to the emulator's bucket events. */
  onEvent(listener: (event: S3EmulatorEvent) => void): void;
  close(): Promise<void>;
}

export interface S3EmulatorOptions {
  /** Folder where objects are persisted. */
  directory: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  buckets: string[];
}

/**
 * s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 18+) no longer
 * offers: every listing longer than one page (1,000 keys) failed with InternalError. Its `des`
 * cipher becomes AES-128-CTR (key and IV padded to 16 bytes; any length, same token layout).
 * Only that algorithm name changes, and only when the runtime lacks it.
 */
function keepListingTokensWorking(): void {
  if (crypto.getCiphers().includes('des') || (crypto as { omsDesPatched?: boolean }).omsDesPatched)
    return;
  const pad = (b: crypto.BinaryLike) =>
    Buffer.concat([Buffer.from(b as Buffer), Buffer.alloc(16)]).subarray(0, 16);
  const { createCipheriv, createDecipheriv } = crypto;
  Object.assign(crypto, {
    omsDesPatched: true,
    createCipheriv: ((algorithm: string, key: Buffer, iv: Buffer, options?: unknown) =>
      algorithm === 'des'
        ? createCipheriv('aes-128-ctr', pad(key), pad(iv))
        : createCipheriv(algorithm, key, iv, options as never)) as typeof createCipheriv,
    createDecipheriv: ((algorithm: string, key: Buffer, iv: Buffer, options?: unknown) =>
      algorithm === 'des'
        ? createDecipheriv('aes-128-ctr', pad(key), pad(iv))
        : createDecipheriv(algorithm, key, iv, options as never)) as typeof createDecipheriv,
  });
}

/** The conditional headers of the request being served (read by the store below). */
interface Conditions {
  /** `If-Match` of a GET, HEAD or DELETE. */
  readonly ifMatch?: string;
  /** `x-amz-copy-source-if-match` of a copy. */
  readonly copySourceIfMatch?: string;
}

/** The parts of s3rver's filesystem store this module wraps (its typings omit the store). */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, string>,
    md5?: string,
  ): Promise<void>;
  getObject(bucket: string, key: string, options?: unknown): Promise<StoredObject | null>;
  putObject(object: {
    bucket: string;
    key: string;
    content: Buffer | Readable;
    metadata: Record<string, string>;
  }): Promise<{ size: number; md5: string }>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: Record<string, string> | null,
  ): Promise<Record<string, string>>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

interface StoredObject {
  readonly metadata: Record<string, string>;
  readonly content?: Readable | null;
}

const require = createRequire(import.meta.url);
/** s3rver's error class: thrown from the store, it becomes the S3 error response. */
const S3Error = require('s3rver/lib/models/error') as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

const unquote = (etag: string | undefined): string => (etag ?? '').trim().replace(/"/g, '');
const matches = (condition: string, etag: string | undefined): boolean =>
  condition
    .split(',')
    .map(unquote)
    .some((c) => c === '*' || c === unquote(etag));
const preconditionFailed = () =>
  new S3Error(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    {
      Condition: 'If-Match',
    },
  );
const noSuchKey = (key: string) =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
const isMissing = (err: unknown) => (err as { code?: string }).code === 'ENOENT';

/**
 * Makes s3rver's filesystem store behave as S3 does where feed imports rely on it:
 *
 * - **An object is replaced whole.** s3rver writes a PUT into the object's file in place, so a
 *   GET streaming the old object read the new bytes from wherever it was (a file re-uploaded while
 *   it is imported came out as a mix of both). A PUT or copy now writes a temporary file and renames
 *   it over the object: a GET already streaming keeps the version it opened, as on S3.
 * - **Conditional requests**: `If-Match` on GET, HEAD and DELETE, `x-amz-copy-source-if-match` on
 *   a copy, answered 412 when the object's ETag differs (the check and the operation are atomic
 *   against other writes of the key: one lock per key).
 *
 * Versions (`versionId`) are not kept: the feeds bucket is versioned on AWS, the emulator keeps
 * the current object only; the OMS binds an import to the ETag it read either way.
 */
function honourObjectSemantics(store: FilesystemStore, conditions: AsyncLocalStorage<Conditions>) {
  const locks = new Map<string, Promise<unknown>>();
  const withLock = async <T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> => {
    const id = `${bucket}/${key}`;
    const before = locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    locks.set(id, settled);
    try {
      return await run;
    } finally {
      if (locks.get(id) === settled) locks.delete(id);
    }
  };
  const temp = (path: string) => `${path}.${crypto.randomUUID()}.tmp`;
  const readOrUndefined = (path: string) =>
    readFile(path).catch((err: unknown) => {
      if (isMissing(err)) return undefined;
      throw err;
    });

  const getObject = store.getObject.bind(store);
  store.getObject = (bucket, key, options) =>
    withLock(bucket, key, async () => {
      const object = await getObject(bucket, key, options);
      const ifMatch = conditions.getStore()?.ifMatch;
      if (object && ifMatch && !matches(ifMatch, object.metadata.etag)) {
        object.content?.destroy();
        throw preconditionFailed();
      }
      return object;
    });

  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    const tmp = temp(path);
    const md5 = crypto.createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        md5.update(object.content);
        size = object.content.length;
        await writeFile(tmp, object.content);
      } else {
        await pipeline(
          object.content,
          new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              md5.update(chunk);
              size += chunk.length;
              callback(null, chunk);
            },
          }),
          createWriteStream(tmp),
        );
      }
      const digest = md5.digest('hex');
      await withLock(object.bucket, object.key, async () => {
        await rename(tmp, path);
        await store.putMetadata(object.bucket, object.key, object.metadata, digest);
      });
      return { size, md5: digest };
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  };

  const copyObject = store.copyObject.bind(store);
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const src = store.getResourcePath(srcBucket, srcKey, 'object');
    const dest = store.getResourcePath(destBucket, destKey, 'object');
    if (src === dest) {
      return copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    }
    await mkdir(dirname(dest), { recursive: true });
    const tmp = temp(dest);
    try {
      const copied = await withLock(srcBucket, srcKey, async () => {
        const current = await store.getMetadata(srcBucket, srcKey).catch((err: unknown) => {
          if (isMissing(err)) throw noSuchKey(srcKey);
          throw err;
        });
        const ifMatch = conditions.getStore()?.copySourceIfMatch;
        if (ifMatch && !matches(ifMatch, current.etag)) throw preconditionFailed();
        await copyFile(src, tmp);
        return {
          md5: unquote(current.etag),
          metadata: await readOrUndefined(
            store.getResourcePath(srcBucket, srcKey, 'metadata.json'),
          ),
        };
      });
      await withLock(destBucket, destKey, async () => {
        await rename(tmp, dest);
        if (replacementMetadata) {
          await store.putMetadata(destBucket, destKey, replacementMetadata, copied.md5);
        } else {
          await writeFile(store.getResourcePath(destBucket, destKey, 'object.md5'), copied.md5);
          if (copied.metadata)
            await writeFile(
              store.getResourcePath(destBucket, destKey, 'metadata.json'),
              copied.metadata,
            );
        }
      });
      return store.getMetadata(destBucket, destKey);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  };

  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) =>
    withLock(bucket, key, async () => {
      const ifMatch = conditions.getStore()?.ifMatch;
      if (ifMatch) {
        const current = await store.getMetadata(bucket, key).catch((err: unknown) => {
          if (isMissing(err)) throw noSuchKey(key);
          throw err;
        });
        if (!matches(ifMatch, current.etag)) throw preconditionFailed();
      }
      await deleteObject(bucket, key);
    });
}

/** A bucket name the emulator accepts: letters, digits, `.`, `_`, `-`, not starting with `.`. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Why a request path (or a copy source) could reach outside the emulator's folder, or undefined
 * when it cannot: a `.` or `..` segment once percent-decoded (`%2e%2e`, `..%2F`), a backslash, a
 * NUL, a malformed encoding, or a bucket name S3 would refuse. s3rver joins the bucket and the key
 * into a file path as they come.
 */
export function unsafeS3Path(path: string): string | undefined {
  const pathOnly = path.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathOnly);
  } catch {
    return 'the path has a malformed percent-encoding';
  }
  if (/[\\\0]/.test(decoded)) return 'the path holds a backslash or a NUL character';
  const segments = decoded.replace(/^\//, '').split('/');
  if (segments.some((s) => s === '.' || s === '..'))
    return 'the path holds a "." or ".." segment (a key or bucket may not leave the bucket)';
  const bucket = pathOnly.replace(/^\//, '').split('/')[0] ?? '';
  if (bucket && (!BUCKET_NAME.test(bucket) || bucket.includes('..')))
    return 'the bucket name is not a valid bucket name';
  return undefined;
}

function refuse(res: ServerResponse, why: string): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code>' +
    `<Message>${why.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}</Message></Error>`;
  res.writeHead(400, { 'content-type': 'application/xml', connection: 'close' });
  res.end(body);
}

/**
 * The last line of defence: every file path the store builds must be inside its folder (the
 * request check above refuses such paths first).
 */
function confineToFolder(
  store: FilesystemStore & { getBucketPath(bucket: string): string },
  root: string,
) {
  const inside = resolve(root);
  const check = (path: string): string => {
    const full = resolve(path);
    if (full !== inside && !full.startsWith(inside + sep))
      throw new S3Error('InvalidArgument', 'the key or bucket leaves the bucket');
    return path;
  };
  const resourcePath = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket, key, resource) => check(resourcePath(bucket, key, resource));
  const bucketPath = store.getBucketPath.bind(store);
  store.getBucketPath = (bucket) => check(bucketPath(bucket));
}

/** Starts s3rver persisted under `directory`, with the buckets created if missing. */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.directory, { recursive: true });
  keepListingTokensWorking();
  const port = options.port ? options.port : await freePort(host);
  if (options.port) await assertPortFree(port, 'the S3 emulator', host);
  const server = new S3rver({
    address: host,
    port,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  // s3rver reads x-amz-copy-source with decodeURI, which leaves %3A, %2B and the like encoded,
  // while S3 decodes them. Re-encode the header so s3rver sees the key S3 would.
  await server.configureBuckets();
  const conditions = new AsyncLocalStorage<Conditions>();
  const store = (
    server as unknown as { store: FilesystemStore & { getBucketPath(b: string): string } }
  ).store;
  confineToFolder(store, options.directory);
  honourObjectSemantics(store, conditions);
  // ListObjects in S3's key order, paging past 1,000 keys correctly (local/s3-listing.ts).
  listLikeS3((server as unknown as { store: ListableStore }).store);
  const handle = server.callback();
  const http = createServer((req, res) => {
    const source = req.headers['x-amz-copy-source'];
    const unsafe =
      unsafeS3Path(req.url ?? '/') ??
      (typeof source === 'string' ? unsafeS3Path(`/${source.replace(/^\//, '')}`) : undefined);
    if (unsafe) {
      req.resume();
      return refuse(res, unsafe);
    }
    if (typeof source === 'string')
      req.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source));
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const method = req.method ?? 'GET';
    conditions.run(
      {
        ifMatch: ['GET', 'HEAD', 'DELETE'].includes(method) ? header('if-match') : undefined,
        copySourceIfMatch:
          typeof source === 'string' ? header('x-amz-copy-source-if-match') : undefined,
      },
      () => void handle(req, res),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  return {
    endpoint: `http://${host}:${port}`,
    port,
    onEvent(listener) {
      // s3rver is a Koa app (an EventEmitter); its typings omit that.
      (server as unknown as EventEmitter).on('event', listener);
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
