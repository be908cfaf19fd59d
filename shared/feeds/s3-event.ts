/** Reads object references out of S3 event notifications, delivered directly or through SQS. */
import type { S3Event, SQSEvent } from 'aws-lambda';

export interface ObjectRef {
  readonly bucket: string;
  /** The decoded key (S3 events URL-encode keys, with `+` for a space). */
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  /** The object version the event is about (versioned buckets: AWS; absent locally). */
  readonly versionId?: string;
}

/** S3 event keys are URL-encoded with `+` for spaces: `Wed+Jul+02+2025+03%3A15%3A00...`. */
export const decodeS3Key = (raw: string): string => decodeURIComponent(raw.replace(/\+/g, ' '));

export function objectRefsFromS3Event(event: Partial<S3Event>): ObjectRef[] {
  return (event.Records ?? [])
    .filter((r) => r.eventName?.startsWith('ObjectCreated'))
    .map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeS3Key(r.s3.object.key),
      size: r.s3.object.size ?? 0,
      eTag: (r.s3.object.eTag ?? '').replace(/"/g, ''),
      ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
    }));
}

export interface QueuedObjects {
  readonly messageId: string;
  readonly refs: ObjectRef[];
}

/** One entry per SQS message; S3's `s3:TestEvent` messages yield no refs. */
export function objectRefsFromSqsEvent(event: SQSEvent): QueuedObjects[] {
  return event.Records.map((record) => {
    const body = JSON.parse(record.body) as Partial<S3Event> & { Event?: string };
    return { messageId: record.messageId, refs: objectRefsFromS3Event(body) };
  });
}
