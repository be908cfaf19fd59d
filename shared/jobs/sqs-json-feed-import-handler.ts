/**
 * The Lambda handler of an inbound JSON feed: SQS messages carrying S3 ObjectCreated events, one
 * JSON file import per object, a partial batch response so only failed messages are retried. The
 * JSON counterpart of `sqsFeedImportHandler` (same lease, same log lines).
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { config } from '../config.ts';
import { feedById, type FeedId } from '../feeds/catalog.ts';
import { importJsonFeedFile, type JsonImporter } from '../feeds/json-file-import.ts';
import { objectRefsFromSqsEvent } from '../feeds/s3-event.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { log } from '../log.ts';
import { IMPORT_LEASE_MS, logImportResult } from './sqs-feed-import-handler.ts';

export function sqsJsonFeedImportHandler(feedId: FeedId, importer: () => JsonImporter) {
  const feed = feedById(feedId);
  let cached: JsonImporter | undefined;
  const run = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    cached ??= importer();
    const ledger = new ImportLedger(dynamo(), table('control'));
    for (const message of objectRefsFromSqsEvent(event)) {
      try {
        for (const ref of message.refs) {
          const result = await importJsonFeedFile(ref, {
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
