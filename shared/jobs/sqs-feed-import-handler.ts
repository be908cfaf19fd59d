/**
 * Builds the Lambda handler of an inbound feed: SQS messages carrying S3 ObjectCreated events,
 * one file import per object, and a partial batch response so that only failed messages are
 * retried (and, after the queue's receive limit, parked in its dead-letter queue). A message for a
 * file another worker's lease holds is handed back to the queue, delayed until that lease ends:
 * if the holder died, that delivery takes the file over and resumes from its checkpoint.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { config } from '../platform/config.ts';
import { feedById, type FeedId } from '../feeds/catalog.ts';
import { importFeedFile, type CsvImporter, type FileImportResult } from '../feeds/file-import.ts';
import { objectRefsFromSqsEvent, type ObjectRef } from '../feeds/s3-event.ts';
import { feedFiles } from '../files/feed-file-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ImportLedger } from '../store/import-ledger.ts';
import { log } from '../platform/log.ts';
import { lambdaShell } from '../lambda-shell/shell.ts';
import { addMetric, appendKeys, logFailure, removeKeys } from '../platform/invocation.ts';
import { MAX_DELAY_SECONDS, noteMessageFailure, sendContinuation } from '../queue/continuation.ts';

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

/** How long after a lease's end a handed-back message comes back (clocks differ a little). */
export const LEASE_MARGIN_MS = 2_000;

/** The message attribute counting how often a message was handed back for a busy file. */
export const BUSY_RETRIES_ATTRIBUTE = 'omsBusyRetries';

/**
 * The delay of a message handed back for the `retries`-th time (0 first) for a file whose lease
 * ends at `leaseUntil`: 1 s, doubling — a live holder usually finishes soon, and the message then
 * finds the file done — but never past the lease's end (plus a margin), when a dead holder's file
 * is taken over; at most SQS's 15 minutes (the lease is renewed at every checkpoint).
 */
export const busyDelaySeconds = (leaseUntil: number, retries = 0, now = Date.now()): number =>
  Math.max(
    1,
    Math.min(
      2 ** Math.min(retries, 20),
      Math.ceil((leaseUntil - now + LEASE_MARGIN_MS) / 1000),
      MAX_DELAY_SECONDS,
    ),
  );

/** Stop at the next checkpoint when less time than this is left in the invocation. */
export const YIELD_MARGIN_MS = 2 * 60_000;

/**
 * The metrics of one file's import (dimension `service` = the feed): `RowsApplied`, `RowsRefused`
 * (rows that went to the error file), `FilesImported` / `FilesFailed` (header refused: `failed/`).
 */
export function importMetrics(result: FileImportResult): void {
  if (result.status !== 'archived' && result.status !== 'failed' && result.status !== 'continued')
    return;
  addMetric('RowsApplied', result.applied);
  addMetric('RowsRefused', result.rejected);
  if (result.status === 'archived') addMetric('FilesImported', 1);
  if (result.status === 'failed') addMetric('FilesFailed', 1);
}

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
  } else if (result.status !== 'busy') {
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
 * The SQS loop every inbound feed handler shares, in the Lambda shell (kind `queue`, keys `feed`
 * and, while a file is imported, `file`): one import per object in each message, one log line and
 * the row metrics per file, a partial batch response (only failed messages are retried, then
 * parked in the DLQ; the error is logged by the shell's `logFailure`), and a continuation sent
 * when an import stops to leave the rest to a new invocation. An error outside a message (none
 * expected) fails the whole invocation: SQS retries the batch.
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
    const records = new Map(event.Records.map((r) => [r.messageId, r]));
    for (const message of objectRefsFromSqsEvent(event)) {
      try {
        for (const ref of message.refs) {
          appendKeys({ file: ref.key });
          const result = await importOne(ref, run);
          logImportResult(result);
          importMetrics(result);
          const record = records.get(message.messageId)!;
          if (result.status === 'continued') {
            await sendContinuation(feed.id, record.body);
          } else if (result.status === 'busy') {
            // Not a duplicate: if the holder is dead, this message is the file's only way on.
            // Sent back delayed (a new message, so waiting does not use up receives); if that
            // fails, the message is reported failed and comes back after the visibility timeout.
            const retries =
              Number(record.messageAttributes?.[BUSY_RETRIES_ATTRIBUTE]?.stringValue ?? 0) || 0;
            const delaySeconds = busyDelaySeconds(result.leaseUntil, retries);
            await sendContinuation(feed.id, record.body, {
              delaySeconds,
              attributes: { [BUSY_RETRIES_ATTRIBUTE]: String(retries + 1) },
            });
            log.info('file busy: held by another worker; message sent back until its lease ends', {
              file: result.key,
              leaseUntil: new Date(result.leaseUntil).toISOString(),
              delaySeconds,
            });
          }
        }
      } catch (err) {
        // Only this message is retried (partial batch response): the batch's other files are done.
        logFailure('import failed; message will be retried', err, {
          feed: feed.id,
          messageId: message.messageId,
        });
        addMetric('FailedMessages', 1);
        noteMessageFailure(message.messageId, err instanceof Error ? err.message : String(err));
        failures.push({ itemIdentifier: message.messageId });
      } finally {
        removeKeys(['file']);
      }
    }
    return { batchItemFailures: failures };
  };
  return lambdaShell<SQSEvent, SQSBatchResponse>(
    { name: feed.id, kind: 'queue', keys: { feed: feed.id } },
    handle,
  );
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
