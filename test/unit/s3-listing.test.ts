/** The S3 emulator's listing (local/s3-listing.ts): S3's order, common prefixes, page ends. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEntries, pageOf, type ListEntry } from '../../local/s3-listing.ts';

const root = mkdtempSync(join(tmpdir(), 'oms-s3-listing-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes keys the way s3rver stores them: `<key>._S3rver_object` (plus its other files). */
function bucketWith(name: string, keys: readonly string[]): string {
  const bucket = join(root, name);
  for (const key of keys) {
    const file = join(bucket, `${key}._S3rver_object`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'x');
    writeFileSync(`${file}.md5`, 'x');
    writeFileSync(join(bucket, `${key}._S3rver_metadata.json`), '{}');
  }
  return bucket;
}

const objects = (...keys: string[]): ListEntry[] => keys.map((key) => ({ key, kind: 'object' }));

describe('listEntries', () => {
  const keys = [
    'in/x.csv',
    'in/x.csv.1',
    'in/x.csv.OLD',
    'in/Export',
    'in/Export (2)',
    'in/archive-2024.csv',
    'in/archive/a.csv',
    'in/archive/b.csv',
    'in/old/2024/deep.csv',
    'in/empty/',
    'in/é.csv',
    'in/z.csv',
    'other/y.csv',
  ];
  const bucket = bucketWith('b1', keys);

  it('lists every key under the prefix in UTF-8 byte order', () => {
    expect(listEntries(bucket, 'in/').map((e) => e.key)).toEqual(
      keys
        .filter((k) => k.startsWith('in/'))
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    expect(listEntries(bucket, 'in/x.csv').map((e) => e.key)).toEqual([
      'in/x.csv',
      'in/x.csv.1',
      'in/x.csv.OLD',
    ]);
    expect(listEntries(bucket, '').length).toBe(keys.length);
  });

  it('rolls keys below the delimiter into common prefixes, folders of folders included', () => {
    expect(listEntries(bucket, 'in/', '/')).toEqual([
      ...objects('in/Export', 'in/Export (2)', 'in/archive-2024.csv'),
      { key: 'in/archive/', kind: 'prefix' },
      { key: 'in/empty/', kind: 'prefix' },
      { key: 'in/old/', kind: 'prefix' },
      ...objects('in/x.csv', 'in/x.csv.1', 'in/x.csv.OLD', 'in/z.csv', 'in/é.csv'),
    ]);
    expect(listEntries(bucket, '', '/')).toEqual([
      { key: 'in/', kind: 'prefix' },
      { key: 'other/', kind: 'prefix' },
    ]);
    expect(listEntries(bucket, 'in/empty/', '/')).toEqual(objects('in/empty/'));
    // Any other delimiter rolls up by key.
    expect(listEntries(bucket, 'in/x', '.').map((e) => e.key)).toEqual(['in/x.']);
  });

  it('finds nothing under a prefix that does not exist', () => {
    expect(listEntries(bucket, 'nothing/here/')).toEqual([]);
    expect(listEntries(join(root, 'no-bucket'), '')).toEqual([]);
  });
});

describe('pageOf', () => {
  const prefix = (key: string): ListEntry => ({ key, kind: 'prefix' });

  it('pages after the start point, at most maxKeys, truncated while more remain', () => {
    const all = objects('a', 'b', 'c', 'd');
    expect(pageOf(all, '', 2)).toEqual({ entries: objects('a', 'b'), isTruncated: true });
    expect(pageOf(all, 'b', 2)).toEqual({ entries: objects('c', 'd'), isTruncated: false });
    expect(pageOf(all, 'bb', 1000)).toEqual({ entries: objects('c', 'd'), isTruncated: false });
  });

  it('ends a truncated page on an object, so the next page continues after it', () => {
    const all = [...objects('a'), prefix('b/'), prefix('c/'), ...objects('d', 'e')];
    const first = pageOf(all, '', 3);
    expect(first).toEqual({ entries: objects('a'), isTruncated: true });
    const second = pageOf(all, 'a', 3);
    expect(second).toEqual({
      entries: [prefix('b/'), prefix('c/'), ...objects('d')],
      isTruncated: true,
    });
    expect(pageOf(all, 'd', 3)).toEqual({ entries: objects('e'), isTruncated: false });
    // Only common prefixes within maxKeys: the page reaches the next object.
    expect(pageOf(all, 'a', 1)).toEqual(second);
    // Only common prefixes left: all of them, and the listing ends.
    const prefixes = [...objects('a'), prefix('b/'), prefix('c/')];
    expect(pageOf(prefixes, 'a', 1)).toEqual({
      entries: [prefix('b/'), prefix('c/')],
      isTruncated: false,
    });
  });

  it('keeps a common prefix that holds the start point', () => {
    const all = [...objects('a'), prefix('b/'), ...objects('c')];
    expect(pageOf(all, 'b/x', 10).entries).toEqual([prefix('b/'), ...objects('c')]);
  });
});
