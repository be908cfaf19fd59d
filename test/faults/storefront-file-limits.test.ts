/**
 * Security review (issue 16 §4): hostile storefront order files. A deeply nested file (100,000
 * nested arrays) used to crash the import (the parser's or the validator's recursion overflowed the
 * stack), which was retried and parked in the dead-letter queue. A file over the feed's size limit
 * (declared in the feed catalog, 16 MB for storefront orders) was read whole. Both are now refused
 * cleanly: the file goes to failed/ with an error file naming it and the reason, nothing is
 * dead-lettered, and the OMS goes on importing the next file. The HTTP API answers such bodies
 * 400 (too deep) or 413 (over 2 MiB) instead of a 500.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedById, maxFileBytes } from '../../shared/feeds/catalog.ts';
import { errorFileName } from '../../shared/feeds/error-report.ts';
import { feedPrefix, subfolderKey } from '../../shared/feeds/paths.ts';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { createS3Client } from '../../shared/files/s3-client.ts';
import { keptName } from '../support/kept-files.ts';
import { eventually, startTestCloud } from '../support/local-cloud.ts';
import { sampleOrder } from '../support/order-core.ts';

const feed = feedById('storefront-order-import');
const TOKEN = 'file-limits-token';
let cloud: Awaited<ReturnType<typeof startTestCloud>>;
let s3: S3Client;
let files: FeedFileStore;

beforeAll(async () => {
  cloud = await startTestCloud({
    retry: { maxReceives: 2, retryDelayMs: 200 },
    api: { token: TOKEN },
  });
  s3 = createS3Client(cloud.config);
  files = new FeedFileStore(s3, cloud.bucket, cloud.sftp.user);
});

afterAll(async () => {
  s3?.destroy();
  await cloud?.cleanup();
});

/** Uploads a file to the storefront folder; resolves the error file's rows once it is in failed/. */
async function refused(name: string, body: string | Buffer) {
  const user = cloud.sftp.user;
  await s3.send(
    new PutObjectCommand({
      Bucket: cloud.bucket,
      Key: `${feedPrefix(user, feed)}${name}`,
      Body: body,
    }),
  );
  const kept = keptName(name, body);
  const errorKey = subfolderKey(user, feed, 'error', errorFileName(kept));
  const text = await eventually(async () => {
    if (cloud.deadLetters.list().length) throw new Error('dead-lettered');
    // The error file is written first, then the file is moved to failed/.
    if (!(await files.head(subfolderKey(user, feed, 'failed', kept)))) return undefined;
    return (await files.readText(errorKey)) ?? undefined;
  }, 60_000);
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}

describe('storefront order files that would exhaust the importer', () => {
  it('a file of 100,000 nested arrays goes to failed/ with the reason; nothing dead-lettered', async () => {
    const rows = await refused('nested.json', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      file: keptName('nested.json', '['.repeat(100_000) + ']'.repeat(100_000)),
      field: 'file',
    });
    expect(rows[0]!.reason).toMatch(/nested deeper than 64 levels/);
    expect(cloud.deadLetters.list()).toEqual([]);
  });

  it('a file over the size the catalog declares for the feed goes to failed/ unread', async () => {
    const limit = maxFileBytes(feed);
    expect(limit).toBe(16 * 1024 * 1024);
    const body = Buffer.alloc(limit + 1, ' ');
    body[0] = '['.charCodeAt(0);
    body[body.length - 1] = ']'.charCodeAt(0);
    const rows = await refused('huge.json', body);
    expect(rows[0]!.reason).toMatch(
      /16,777,217 bytes; the feed storefront-order-import accepts at most 16,777,216/,
    );
    expect(cloud.deadLetters.list()).toEqual([]);
  });

  it('the OMS goes on: the next good file is imported and archived', async () => {
    const body = JSON.stringify([
      sampleOrder({}, [{ sku: 'SKU-1', quantity: 1, price: 10, shippingMethod: 'STANDARD' }]),
    ]);
    const user = cloud.sftp.user;
    await s3.send(
      new PutObjectCommand({
        Bucket: cloud.bucket,
        Key: `${feedPrefix(user, feed)}good.json`,
        Body: body,
      }),
    );
    await eventually(
      async () =>
        (await files.head(subfolderKey(user, feed, 'archive', keptName('good.json', body))))
          ? true
          : undefined,
      60_000,
    );
  });
});

describe('the same over the HTTP API', () => {
  const post = async (body: string) => {
    const res = await fetch(`${cloud.api!.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('a body of 100,000 nested arrays is answered 400 with the reason', async () => {
    expect(await post('['.repeat(100_000) + ']'.repeat(100_000))).toEqual({
      status: 400,
      body: {
        error: 'BAD_REQUEST',
        message: 'the body is refused: values are nested deeper than 64 levels (at character 65)',
      },
    });
  });

  it('a body over 2 MiB is answered 413 with the limit', async () => {
    const res = await post(JSON.stringify({ note: 'x'.repeat(3 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(String(res.body.message)).toMatch(/at most 2,097,152 bytes/);
  });
});
