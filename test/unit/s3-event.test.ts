import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { decodeS3Key, objectRefsFromSqsEvent } from '../../shared/feeds/s3-event.ts';

describe('S3 event keys', () => {
  it('decodes + as space and percent escapes (NetSuite file names)', () => {
    expect(decodeS3Key('a/Wed+Jul+02+2025+03%3A15%3A00+GMT-0700+%28PDT%29-X.csv')).toBe(
      'a/Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-X.csv',
    );
    expect(decodeS3Key('a/100%25+%2B1.csv')).toBe('a/100% +1.csv');
  });

  it('reads object refs out of SQS messages and skips test events', () => {
    const event = {
      Records: [
        {
          messageId: 'm1',
          body: JSON.stringify({
            Records: [
              {
                eventName: 'ObjectCreated:Put',
                s3: { bucket: { name: 'b' }, object: { key: 'k+1.csv', size: 3, eTag: '"e"' } },
              },
              {
                eventName: 'ObjectRemoved:Delete',
                s3: { bucket: { name: 'b' }, object: { key: 'gone' } },
              },
            ],
          }),
        },
        { messageId: 'm2', body: JSON.stringify({ Event: 's3:TestEvent' }) },
      ],
    } as unknown as SQSEvent;
    expect(objectRefsFromSqsEvent(event)).toEqual([
      { messageId: 'm1', refs: [{ bucket: 'b', key: 'k 1.csv', size: 3, eTag: 'e' }] },
      { messageId: 'm2', refs: [] },
    ]);
  });
});
