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
import { objectRefsFromSqsEvent } from '../feeds/s3-event.ts';
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

export function sqsFeedImportHandler(feedId: FeedId, importer: () => CsvImporter) {
  const feed = feedById(feedId);
  let cached: CsvImporter | undefined;
  const run = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    cached ??= importer();
    const ledger = new ImportLedger(dynamo(), table('control'));
    const bodies = new Map(event.Records.map((r) => [r.messageId, r.body]));
    const shouldYield = () =>
      typeof context?.getRemainingTimeInMillis === 'function' &&
      context.getRemainingTimeInMillis() < YIELD_MARGIN_MS;
    for (const message of objectRefsFromSqsEvent(event)) {
      try {
        for (const ref of message.refs) {
          const result = await importFeedFile(ref, {
            files: feedFiles(),
            ledger,
            user: config().netsuiteUser,
            importerFor: (f) => (f.id === feed.id ? cached : undefined),
            leaseMs: importLeaseMs(),
            checkpointEveryRows: checkpointRows(),
            shouldYield,
          });
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
  return middy<SQSEvent, SQSBatchResponse>().handler(run);
}
