/**
 * Builds the Lambda handler of an inbound feed: SQS messages carrying S3 ObjectCreated events,
 * one file import per object, and a partial batch response so that only failed messages are
 * retried (and, after the queue's receive limit, parked in its dead-letter queue).
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { config } from '../config.ts';
import { feedById, type FeedId } from '../feeds/catalog.ts';
import { importFeedFile, type CsvImporter, type FileImportResult } from '../feeds/file-import.ts';
import { objectRefsFromSqsEvent, type ObjectRef } from '../feeds/s3-event.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { log } from '../log.ts';
import { sendContinuation } from '../queue/continuation.ts';

/**
 * A claim outlives the gap between two checkpoints by far; the lease is renewed at each one, so a
 * crashed run's file is taken over by the retry within minutes.
 */
export const IMPORT_LEASE_MS = 5 * 60_000;

/** The lease in force (OMS_IMPORT_LEASE_MS overrides the default, e.g. in crash tests). */
export const importLeaseMs = (): number =>
  Number(process.env.OMS_IMPORT_LEASE_MS) || IMPORT_LEASE_MS;

/** Rows between two checkpoints (OMS_CHECKPOINT_ROWS; default 200,000: about a minute of writes). */
export const checkpointRows = (): number => Number(process.env.OMS_CHECKPOINT_ROWS) || 200_000;

/** Stop at the next checkpoint when less time than this is left in the invocation. */
export const YIELD_MARGIN_MS = 2 * 60_000;

export function logImportResult(result: FileImportResult): void {
  if (result.status === 'archived' || result.status === 'failed' || result.status === 'continued') {
    const line = {
      feed: result.feed,
      file: result.key,
      rows: result.rows,
      applied: result.applied,
      rejected: result.rejected,
      ms: result.ms,
      ...(result.status === 'continued'
        ? {}
        : {
            errorFile: result.errorFile,
            reason: result.reason,
            resumed: result.resumed || undefined,
            ...result.stats,
          }),
    };
    if (result.status === 'failed') log.warn('file failed', line);
    else if (result.status === 'continued') log.info('file continues in a new invocation', line);
    else log.info('file imported', line);
  } else {
    log.info(`file ${result.status}`, { file: result.key, reason: result.reason });
  }
}

/** What one file import needs from the handler around it. */
export interface FileRun {
  readonly ledger: ImportLedger;
  readonly user: string;
  /** True when the invocation is close to its time limit. */
  readonly shouldYield: () => boolean;
}

/**
 * The SQS loop every inbound feed handler shares: one import per object in each message, one log
 * line per file, a partial batch response (only failed messages are retried, then parked in the
 * DLQ), and a continuation sent when an import stops to leave the rest to a new invocation.
 */
export function sqsFileHandler(
  feedId: FeedId,
  importOne: (ref: ObjectRef, run: FileRun) => Promise<FileImportResult>,
) {
  const feed = feedById(feedId);
  const handle = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const run: FileRun = {
      ledger: new ImportLedger(dynamo(), table('control')),
      user: config().netsuiteUser,
      shouldYield: () =>
        typeof context?.getRemainingTimeInMillis === 'function' &&
        context.getRemainingTimeInMillis() < YIELD_MARGIN_MS,
    };
    const bodies = new Map(event.Records.map((r) => [r.messageId, r.body]));
    for (const message of objectRefsFromSqsEvent(event)) {
      try {
        for (const ref of message.refs) {
          const result = await importOne(ref, run);
          logImportResult(result);
          if (result.status === 'continued') {
            await sendContinuation(feed.id, bodies.get(message.messageId)!);
          }
        }
      } catch (err) {
        log.error('import failed; message will be retried', {
          feed: feed.id,
          messageId: message.messageId,
          error: err instanceof Error ? err.message : String(err),
        });
        failures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
  return middy<SQSEvent, SQSBatchResponse>().handler(handle);
}

/** The handler of an inbound CSV feed (checkpointed, resumable, continued when out of time). */
export function sqsFeedImportHandler(feedId: FeedId, importer: () => CsvImporter) {
  let cached: CsvImporter | undefined;
  return sqsFileHandler(feedId, (ref, run) => {
    cached ??= importer();
    return importFeedFile(ref, {
      files: feedFiles(),
      ledger: run.ledger,
      user: run.user,
      importerFor: (f) => (f.id === feedId ? cached : undefined),
      leaseMs: importLeaseMs(),
      checkpointEveryRows: checkpointRows(),
      shouldYield: run.shouldYield,
    });
  });
}
