/**
 * The Lambda handler of an inbound JSON feed: the JSON counterpart of `sqsFeedImportHandler`, on
 * the same SQS loop (same lease, same log lines, partial batch responses).
 */
import type { FeedId } from '../feeds/catalog.ts';
import { importJsonFeedFile, type JsonImporter } from '../feeds/json-file-import.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { importLeaseMs, sqsFileHandler } from './sqs-feed-import-handler.ts';

export function sqsJsonFeedImportHandler(feedId: FeedId, importer: () => JsonImporter) {
  let cached: JsonImporter | undefined;
  return sqsFileHandler(feedId, (ref, run) => {
    cached ??= importer();
    return importJsonFeedFile(ref, {
      files: feedFiles(),
      ledger: run.ledger,
      user: run.user,
      importerFor: (f) => (f.id === feedId ? cached : undefined),
      leaseMs: importLeaseMs(),
    });
  });
}
