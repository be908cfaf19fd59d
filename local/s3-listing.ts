/**
 * ListObjects (V1 and V2) for the S3 emulator with S3's own semantics, replacing s3rver 3.7's
 * file-store listing, which is wrong past one page:
 *
 * - s3rver walks its folder in file-name order, where the key `a.csv` is the file
 *   `a.csv._S3rver_object`: keys that extend another key (`a.csv.1`, `Export (2)` after `Export`)
 *   and files named like a sibling folder (`archive-2024.csv` beside `archive/`) come out of key
 *   order. A page then ends on a key that is not the largest one listed, and the next page, which
 *   starts after it, skips keys for good: the start-up sweep and `ls` lost files at page ends.
 * - with a delimiter it misses a common prefix that holds only deeper folders, walks every key
 *   below each common prefix on every page, and cannot continue after a page that ends on one.
 *
 * Here keys are sorted in S3's order (UTF-8 bytes), common prefixes are found without walking
 * below them (delimiter `/`), and a truncated page always ends on an object, because s3rver's
 * controller builds the next continuation token (or NextMarker) from the last object of the page:
 * trailing common prefixes move to the next page (a page of only common prefixes takes them up to
 * the next object; S3 caps pages at 1,000 entries, this one may hold more).
 */
import { readdirSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// s3rver's object model (CommonJS, no typings): what its controller renders a listing from.
const S3Object = require('s3rver/lib/models/object.js') as new (
  bucket: string,
  key: string,
  content: null,
  metadata: Record<string, unknown>,
) => unknown;

/** How s3rver names the file holding an object's bytes (`<key>._S3rver_object`). */
const OBJECT_SUFFIX = '._S3rver_object';

export interface ListOptions {
  readonly delimiter?: string;
  readonly startAfter?: string;
  readonly prefix?: string;
  readonly maxKeys?: number;
}

/** The part of s3rver's FilesystemStore a listing needs. */
export interface ListableStore {
  getBucketPath(bucket: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
  listObjects(bucket: string, options: ListOptions): Promise<unknown>;
}

export interface ListEntry {
  /** The object key, or the common prefix (ending with the delimiter). */
  readonly key: string;
  readonly kind: 'object' | 'prefix';
}

/** S3's listing order: UTF-8 byte order of the keys. */
export function keyOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const readDir = (path: string): Dirent[] => {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
};

/** Whether a folder of the store holds at least one object, at any depth. */
function holdsObject(path: string): boolean {
  const entries = readDir(path);
  if (entries.some((e) => !e.isDirectory() && e.name.endsWith(OBJECT_SUFFIX))) return true;
  return entries.some((e) => e.isDirectory() && holdsObject(join(path, e.name)));
}

/**
 * Every object key below `prefix` in the bucket folder, or its common prefix when the key holds
 * the delimiter after the prefix, in S3's order, each common prefix once.
 */
export function listEntries(bucketPath: string, prefix = '', delimiter = ''): ListEntry[] {
  const found: ListEntry[] = [];
  const walk = (path: string, keyPrefix: string): void => {
    for (const entry of readDir(path)) {
      if (entry.isDirectory()) {
        const folder = `${keyPrefix}${entry.name}/`;
        if (folder.startsWith(prefix)) {
          // With `/` as delimiter a folder below the prefix is a common prefix when it holds an
          // object; no need to look further down.
          if (delimiter === '/') {
            if (holdsObject(join(path, entry.name))) found.push({ key: folder, kind: 'prefix' });
            continue;
          }
        } else if (!prefix.startsWith(folder)) {
          continue;
        }
        walk(join(path, entry.name), folder);
      } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
        const key = `${keyPrefix}${entry.name.slice(0, -OBJECT_SUFFIX.length)}`;
        if (!key.startsWith(prefix)) continue;
        const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
        found.push(
          at === -1
            ? { key, kind: 'object' }
            : { key: key.slice(0, at + delimiter.length), kind: 'prefix' },
        );
      }
    }
  };
  const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  walk(join(bucketPath, folderKey), folderKey);
  const sorted = found
    .map((e) => ({ e, bytes: Buffer.from(e.key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ e }) => e);
  return sorted.filter((e, i) => i === 0 || e.key !== sorted[i - 1]!.key);
}

export interface ListPage {
  readonly entries: ListEntry[];
  readonly isTruncated: boolean;
}

/**
 * One page of `entries` after `startAfter`, at most `maxKeys` long, ending on an object when
 * truncated (see the module notes).
 */
export function pageOf(
  entries: readonly ListEntry[],
  startAfter: string,
  maxKeys: number,
): ListPage {
  const after = entries.filter((e) =>
    e.kind === 'object'
      ? keyOrder(e.key, startAfter) > 0
      : // A common prefix holding the start point may still hold keys after it.
        keyOrder(e.key, startAfter) > 0 || startAfter.startsWith(e.key),
  );
  let end = Math.min(Math.max(maxKeys, 0), after.length);
  let isTruncated = after.length > end;
  if (isTruncated) {
    let last = end - 1;
    while (last >= 0 && after[last]!.kind === 'prefix') last--;
    if (last >= 0) {
      end = last + 1;
    } else {
      let next = end;
      while (next < after.length && after[next]!.kind === 'prefix') next++;
      if (next < after.length) end = next + 1;
      else {
        end = after.length;
        isTruncated = false;
      }
    }
  }
  return { entries: after.slice(0, end), isTruncated };
}

/** Makes the s3rver file store list as S3 does. */
export function listLikeS3(store: ListableStore): void {
  store.listObjects = async (bucket: string, options: ListOptions) => {
    // An object deleted between the walk and its metadata is left out; should every object of a
    // truncated page vanish that way, list again: the next page continues from the last object.
    for (let attempt = 1; ; attempt++) {
      const all = listEntries(store.getBucketPath(bucket), options.prefix ?? '', options.delimiter);
      const page = pageOf(all, options.startAfter ?? '', options.maxKeys ?? Infinity);
      const keys = page.entries.filter((e) => e.kind === 'object').map((e) => e.key);
      const metadata = await Promise.all(
        keys.map((key) =>
          store.getMetadata(bucket, key).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOENT') return undefined;
            throw err;
          }),
        ),
      );
      const objects = keys.flatMap((key, i) =>
        metadata[i] ? [new S3Object(bucket, key, null, metadata[i])] : [],
      );
      if (page.isTruncated && objects.length === 0) {
        if (attempt < 5) continue;
        throw new Error('the listing kept changing while it was read');
      }
      return {
        objects,
        commonPrefixes: page.entries.filter((e) => e.kind === 'prefix').map((e) => e.key),
        isTruncated: page.isTruncated,
      };
    }
  };
}
