/**
 * Builds the Lambda handler of an inbound feed: SQS messages carrying S3 ObjectCreated events,
 * one file import per object, and a partial batch response so that only failed messages are
 * retried (and, after the queue's receive limit, parked in its dead-letter queue).
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { config } from '../config.ts';
import { feedById, type FeedId } from '../feeds/catalog.ts';
import { importFeedFile, type CsvImporter, type FileImportResult } from '../feeds/file-import.ts';
import { objectRefsFromSqsEvent } from '../feeds/s3-event.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { log } from '../log.ts';

/** A claim outlives the longest import (the Lambda's 15-minute limit) before a retry may take over. */
export const IMPORT_LEASE_MS = 16 * 60_000;

export function logImportResult(result: FileImportResult): void {
  if (result.status === 'archived' || result.status === 'failed') {
    const line = {
      feed: result.feed,
      file: result.key,
      rows: result.rows,
      applied: result.applied,
      rejected: result.rejected,
      ms: result.ms,
      errorFile: result.errorFile,
      reason: result.reason,
    };
    if (result.status === 'failed') log.warn('file failed', line);
    else log.info('file imported', line);
  } else {
    log.info(`file ${result.status}`, { file: result.key, reason: result.reason });
  }
}

export function sqsFeedImportHandler(feedId: FeedId, importer: () => CsvImporter) {
  const feed = feedById(feedId);
  let cached: CsvImporter | undefined;
  const run = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    cached ??= importer();
    const ledger = new ImportLedger(dynamo(), table('control'));
    for (const message of objectRefsFromSqsEvent(event)) {
      try {
        for (const ref of message.refs) {
          const result = await importFeedFile(ref, {
            files: feedFiles(),
            ledger,
            user: config().netsuiteUser,
            importerFor: (f) => (f.id === feed.id ? cached : undefined),
            leaseMs: IMPORT_LEASE_MS,
          });
          logImportResult(result);
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
