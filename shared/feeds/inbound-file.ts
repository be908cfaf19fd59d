/**
 * The steps every inbound file import shares, whatever its format: decide whether the object is a
 * file to import, claim it in the ledger (a repeated event or the same bytes again change nothing),
 * prepare its error report, and at the end move it to archive/ or failed/ and record the result.
 */
import { createHash } from 'node:crypto';
import type { FeedDefinition } from './catalog.ts';
import { ErrorReport, errorFileName } from './error-report.ts';
import type { FileImportResult, ImportFileStore } from './file-import.ts';
import { locateInbound, stagingPrefix, subfolderKey } from './paths.ts';
import type { ObjectRef } from './s3-event.ts';
import type { ImportCheckpoint, ImportLedger } from '../store/import-ledger.ts';

export interface InboundDeps<I> {
  readonly files: ImportFileStore;
  readonly ledger: ImportLedger;
  readonly user: string;
  readonly importerFor: (feed: FeedDefinition) => I | undefined;
  /** How long a claim holds before another delivery may take the file over. */
  readonly leaseMs: number;
  readonly feeds?: readonly FeedDefinition[];
}

export interface ClaimedFile<I> {
  readonly feed: FeedDefinition;
  readonly fileName: string;
  readonly importer: I;
  readonly head: { readonly size: number; readonly eTag: string; readonly lastModified?: Date };
  /** Where an interrupted run of this file stopped. */
  readonly checkpoint?: ImportCheckpoint;
  readonly errors: ErrorReport;
}

/** Claims the file, or says why there is nothing to do (ignored, duplicate). */
export async function claimInboundFile<I>(
  ref: ObjectRef,
  deps: InboundDeps<I>,
): Promise<ClaimedFile<I> | FileImportResult> {
  const where = locateInbound(ref.key, deps.user, deps.feeds);
  if (where.kind === 'ignored') return { status: 'ignored', key: ref.key, reason: where.reason };
  const { feed, fileName } = where;
  const importer = deps.importerFor(feed);
  if (!importer) return { status: 'ignored', key: ref.key, reason: `no importer for ${feed.id}` };

  const head = await deps.files.head(ref.key);
  if (!head) return { status: 'duplicate', key: ref.key, reason: 'file already moved (processed)' };
  if (head.size === 0) return { status: 'ignored', key: ref.key, reason: 'empty file' };

  const claim = await deps.ledger.claim(ref.key, head.eTag, deps.leaseMs);
  if (claim.outcome === 'done') {
    // The same bytes again (a repeated event, or the partner uploading the same file twice):
    // nothing to apply; tidy the copy away so the folder only holds work still to do.
    await deps.files.move(ref.key, subfolderKey(deps.user, feed, 'archive', fileName));
    return { status: 'duplicate', key: ref.key, reason: 'already imported' };
  }
  if (claim.outcome === 'busy') {
    return { status: 'duplicate', key: ref.key, reason: 'being imported by another worker' };
  }
  const cp = claim.checkpoint;
  const partPrefix = `${stagingPrefix(deps.user)}errors/${createHash('sha256')
    .update(`${ref.key}\n${head.eTag}`)
    .digest('hex')
    .slice(0, 32)}/`;
  const errors = new ErrorReport(
    deps.files,
    fileName,
    subfolderKey(deps.user, feed, 'error', errorFileName(fileName)),
    partPrefix,
    { count: cp?.rejected ?? 0, parts: cp?.errorParts ?? 0 },
  );
  return { feed, fileName, importer, head, checkpoint: cp, errors };
}

export const isClaimed = <I>(c: ClaimedFile<I> | FileImportResult): c is ClaimedFile<I> =>
  'importer' in c;

export interface Outcome {
  readonly rows: number;
  readonly applied: number;
  readonly rejected: number;
  readonly started: number;
  /** Set when the file as a whole was refused (it goes to failed/). */
  readonly failure?: string;
  readonly stats?: Record<string, number>;
}

/** Closes the error report, moves the file to archive/ or failed/, and records the result. */
export async function finishInboundFile<I>(
  ref: ObjectRef,
  deps: InboundDeps<I>,
  file: ClaimedFile<I>,
  outcome: Outcome,
): Promise<FileImportResult> {
  const errorFile = await file.errors.close();
  const result = outcome.failure ? 'failed' : 'archived';
  await deps.files.move(
    ref.key,
    subfolderKey(deps.user, file.feed, result === 'failed' ? 'failed' : 'archive', file.fileName),
  );
  const summary = {
    feed: file.feed.id,
    rows: outcome.rows,
    applied: outcome.applied,
    rejected: outcome.rejected,
    ms: Date.now() - outcome.started,
  };
  await deps.ledger.complete(ref.key, file.head.eTag, { result, ...summary, stats: outcome.stats });
  await deps.ledger.recordFeedRun({
    result,
    ...summary,
    stats: outcome.stats,
    key: ref.key,
    finishedAt: new Date().toISOString(),
    errorFile,
    reason: outcome.failure,
  });
  return {
    status: result,
    key: ref.key,
    ...summary,
    errorFile,
    reason: outcome.failure,
    stats: outcome.stats,
    resumed: !!file.checkpoint,
  };
}
