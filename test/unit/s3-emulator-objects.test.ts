/**
 * The local S3 stand-in behaves as S3 where imports rely on it: an object is replaced whole (a GET
 * already streaming keeps the version it opened), and copies and deletes bound to an ETag
 * (`x-amz-copy-source-if-match`, `If-Match`) are refused with 412 once the key holds another
 * version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../local/s3-emulator.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';

let emulator: S3Emulator;
let files: FeedFileStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oms-s3-'));
  emulator = await startS3Emulator({ directory: dir, buckets: ['b'] });
  files = new FeedFileStore(
    createS3Client({
      bucket: 'b',
      tablePrefix: 't',
      netsuiteUser: 'u',
      region: 'us-east-1',
      s3Endpoint: emulator.endpoint,
      dynamoEndpoint: 'http://127.0.0.1:1',
    }),
    'b',
    'u',
  );
});

afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

describe('the local S3 stand-in', () => {
  it('keeps a GET streaming the version it opened while the key is overwritten', async () => {
    const v1 = Buffer.alloc(8 * 1024 * 1024, 'a');
    const v2 = Buffer.alloc(3 * 1024 * 1024, 'b');
    await files.writeAtomically('home/u/x.csv', v1);
    const stream = (await files.openRead('home/u/x.csv'))!;
    const first = (await stream[Symbol.asyncIterator]().next()).value as Buffer;
    await files.writeAtomically('home/u/x.csv', v2);
    const rest = await readAll(stream);
    const read = Buffer.concat([first, rest]);
    expect(read.length).toBe(v1.length);
    expect(read.equals(v1)).toBe(true);
    expect((await files.readText('home/u/x.csv'))!.length).toBe(v2.length);
  });

  it('copies and deletes a version only while the key still holds it', async () => {
    await files.writeAtomically('home/u/y.csv', 'first\n');
    const v1 = (await files.head('home/u/y.csv'))!;
    await files.writeAtomically('home/u/y.csv', 'second\n');
    const v2 = (await files.head('home/u/y.csv'))!;
    expect(v2.eTag).not.toBe(v1.eTag);

    expect(await files.copyVersion('home/u/y.csv', 'home/u/held', v1)).toBe('changed');
    expect(await files.head('home/u/held')).toBeUndefined();
    expect(await files.copyVersion('home/u/y.csv', 'home/u/held', v2)).toBe('done');
    expect(await files.readText('home/u/held')).toBe('second\n');
    expect((await files.head('home/u/held'))!.eTag).toBe(v2.eTag);

    expect(await files.deleteIfMatch('home/u/y.csv', v1.eTag)).toBe('changed');
    expect(await files.readText('home/u/y.csv')).toBe('second\n');
    expect(await files.deleteIfMatch('home/u/y.csv', v2.eTag)).toBe('done');
    expect(await files.head('home/u/y.csv')).toBeUndefined();
    expect(await files.copyVersion('home/u/y.csv', 'home/u/held2', v2)).toBe('gone');
  });
});
