/**
 * What the feed file store sends S3 for a step bound to one version — the requests a versioned
 * bucket on AWS gets: the copy names the version id and the ETag (`x-amz-copy-source-if-match`),
 * the delete the ETag (`If-Match`, a conditional delete), and a 412 means the key holds another
 * version. (The local S3 stand-in is checked against the same store in s3-emulator-objects.)
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FeedFileStore } from '../../shared/files/feed-file-store.ts';
import { objectRefsFromS3Event } from '../../shared/feeds/s3-event.ts';

const precondition = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
  });

function fakeS3(answer: (command: unknown) => unknown) {
  const sent: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push(command);
      const out = answer(command);
      if (out instanceof Error) throw out;
      return out;
    },
  } as unknown as S3Client;
  return { sent, files: new FeedFileStore(client, 'feeds', 'netsuite') };
}

describe('version-bound steps on a versioned bucket (AWS)', () => {
  it('reads the version id S3 gives, and the one an event names', async () => {
    const { files } = fakeS3(() => ({ ContentLength: 3, ETag: '"e1"', VersionId: 'v1' }));
    expect(await files.head('k')).toMatchObject({ eTag: 'e1', versionId: 'v1' });
    const [ref] = objectRefsFromS3Event({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: 'feeds' },
            object: { key: 'a+b.csv', size: 3, eTag: 'e1', versionId: 'v1' },
          },
        },
      ],
    } as never);
    expect(ref).toMatchObject({ key: 'a b.csv', eTag: 'e1', versionId: 'v1' });
    // Not versioned (S3 says "null"): no version id.
    const plain = fakeS3(() => ({ ContentLength: 3, ETag: '"e1"', VersionId: 'null' }));
    expect((await plain.files.head('k'))?.versionId).toBeUndefined();
  });

  it('copies the named version only while it has the ETag, with the metadata asked for', async () => {
    const { sent, files } = fakeS3(() => ({ CopyObjectResult: { ETag: '"e1"' } }));
    const outcome = await files.copyVersion(
      'home/netsuite/netsuite/inventoryitem/csv/Wed Jul 02 2025 03:15:00 (PDT).csv',
      'oms-state/staging/imports/h/x.csv',
      { eTag: 'e1', versionId: 'v1+/=' },
      { 'oms-uploaded-at': '2026-11-23T02:00:00.000Z' },
    );
    expect(outcome).toBe('done');
    const copy = sent[0] as CopyObjectCommand;
    expect(copy).toBeInstanceOf(CopyObjectCommand);
    expect(copy.input).toMatchObject({
      Bucket: 'feeds',
      Key: 'oms-state/staging/imports/h/x.csv',
      CopySource:
        'feeds/home/netsuite/netsuite/inventoryitem/csv/Wed%20Jul%2002%202025%2003%3A15%3A00%20(PDT).csv?versionId=v1%2B%2F%3D',
      CopySourceIfMatch: '"e1"',
      MetadataDirective: 'REPLACE',
      Metadata: { 'oms-uploaded-at': '2026-11-23T02:00:00.000Z' },
    });
  });

  it('a 412 on the copy or the delete: the key holds another version', async () => {
    const { sent, files } = fakeS3(() => precondition());
    expect(await files.copyVersion('k', 'held', { eTag: 'e1' })).toBe('changed');
    expect(await files.deleteIfMatch('k', 'e1')).toBe('changed');
    const del = sent[1] as DeleteObjectCommand;
    expect(del).toBeInstanceOf(DeleteObjectCommand);
    expect(del.input).toEqual({ Bucket: 'feeds', Key: 'k', IfMatch: '"e1"' });
    expect(del.input).not.toHaveProperty('VersionId');
  });

  it('a deleted key or version: gone', async () => {
    const missing = new S3ServiceException({
      name: 'NoSuchKey',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
    const { files } = fakeS3((c) => (c instanceof HeadObjectCommand ? { ETag: '"x"' } : missing));
    expect(await files.copyVersion('k', 'held', { eTag: 'e1', versionId: 'v1' })).toBe('gone');
    expect(await files.deleteIfMatch('k', 'e1')).toBe('gone');
  });
});
