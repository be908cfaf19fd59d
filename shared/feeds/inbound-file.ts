/**
 * The steps every inbound file import shares, whatever its format: decide whether the object is a
 * file to import, claim it in the ledger (a repeated event or the same bytes again change nothing),
 * prepare its error report, and at the end keep it in archive/ or failed/ and record the result.
 * Every step is bound to the version of the object the import read (version-binding.ts): a newer
 * version uploaded under the same name is never read, archived or deleted in its place.
 */
import { createHash } from 'node:crypto';
import { maxFileBytes, type FeedDefinition } from './catalog.ts';
import { ErrorReport, errorFileName } from './error-report.ts';
import type { FileImportResult, ImportFileStore } from './file-import.ts';
import { boundedReason, count } from './limits.ts';
import { locateInbound, stagingPrefix, subfolderKey, versionedName } from './paths.ts';
import type { ObjectRef } from './s3-event.ts';
import {
  chooseVersion,
  heldKey,
  holdVersion,
  keepImported,
  tidyImported,
} from './version-binding.ts';
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
  /** The version imported (its upload time, not the held copy's). */
  readonly head: { readonly size: number; readonly eTag: string; readonly lastModified?: Date };
  /** The key to read: the version's held copy (never the inbound key, which a newer upload may hold). */
  readonly source: string;
  /** The version's name in archive/ or failed/ (and of its error report): `versionedName`. */
  readonly keptName: string;
  /** Where an interrupted run of this file stopped. */
  readonly checkpoint?: ImportCheckpoint;
  readonly errors: ErrorReport;
}

/**
 * Claims the file, or says why there is nothing to do now: ignored, duplicate (nothing to do ever),
 * or busy (another worker's lease holds it: try again once `leaseUntil` has passed).
 */
export async function claimInboundFile<I>(
  ref: ObjectRef,
  deps: InboundDeps<I>,
): Promise<ClaimedFile<I> | FileImportResult> {
  const where = locateInbound(ref.key, deps.user, deps.feeds);
  if (where.kind === 'ignored') return { status: 'ignored', key: ref.key, reason: where.reason };
  const { feed, fileName } = where;
  const importer = deps.importerFor(feed);
  if (!importer) return { status: 'ignored', key: ref.key, reason: `no importer for ${feed.id}` };

  const current = await deps.files.head(ref.key);
  if (current?.size === 0 && (!ref.eTag || ref.eTag === current.eTag)) {
    return { status: 'ignored', key: ref.key, reason: 'empty file' };
  }
  // The version the message is about; a newer one waits for an older one being imported.
  const head = await chooseVersion(ref, deps, feed, fileName, current);
  if ('status' in head) return head;

  const claim = await deps.ledger.claim(ref.key, head.eTag, deps.leaseMs);
  if (claim.outcome === 'done') {
    // The same bytes again (a repeated event, or the partner uploading the same file twice):
    // nothing to apply, archive/ has them under the same name; tidy the copy away so the folder
    // only holds work still to do (only if it is still that version).
    await tidyImported(ref, deps, heldKey(ref.key, head.eTag, fileName), head.eTag);
    return { status: 'duplicate', key: ref.key, reason: 'already imported' };
  }
  if (claim.outcome === 'busy') {
    // Held by another worker's lease — alive, or dead and not yet expired. Not a duplicate: the
    // message must come back once the lease ends, to take the file over if its holder is gone.
    return {
      status: 'busy',
      key: ref.key,
      reason: `being imported by another worker (lease until ${new Date(claim.leaseUntil).toISOString()})`,
      leaseUntil: claim.leaseUntil,
    };
  }
  let source: string | FileImportResult;
  try {
    source = await holdVersion(ref, deps, feed, fileName, head);
  } catch (err) {
    // The claim is ours and nothing was read: give it up, or the file's next delivery finds it
    // held by a lease nobody will use and waits the lease out (minutes) before taking it over.
    await deps.ledger.fail(ref.key, head.eTag, String(err)).catch(() => undefined);
    throw err;
  }
  if (typeof source !== 'string') return source;
  const keptName = versionedName(fileName, head.eTag);
  const cp = claim.checkpoint;
  const partPrefix = `${stagingPrefix()}errors/${createHash('sha256')
    .update(`${ref.key}\n${head.eTag}`)
    .digest('hex')
    .slice(0, 32)}/`;
  const errors = new ErrorReport(
    deps.files,
    keptName,
    subfolderKey(deps.user, feed, 'error', errorFileName(keptName)),
    partPrefix,
    { count: cp?.rejected ?? 0, parts: cp?.errorParts ?? 0 },
  );
  return { feed, fileName, importer, head, source, keptName, checkpoint: cp, errors };
}

/**
 * Why the file is refused whole for its size (it goes to failed/ unread), or undefined: larger
 * than the feed's `maxBytes` in the catalog (`maxFileBytes`).
 */
export function fileSizeProblem(feed: FeedDefinition, size: number): string | undefined {
  const max = maxFileBytes(feed);
  return size > max
    ? `the file has ${count(size)} bytes; the feed ${feed.id} accepts at most ${count(max)} bytes (maxBytes in the feed catalog)`
    : undefined;
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

/**
 * Closes the error report, keeps the version in archive/ or failed/ under its versioned name,
 * records the result, and removes the file from the folder if it still holds that version.
 */
export async function finishInboundFile<I>(
  ref: ObjectRef,
  deps: InboundDeps<I>,
  file: ClaimedFile<I>,
  outcome: Outcome,
): Promise<FileImportResult> {
  const errorFile = await file.errors.close();
  const result = outcome.failure ? 'failed' : 'archived';
  const failure = outcome.failure === undefined ? undefined : boundedReason(outcome.failure);
  const keptAs = subfolderKey(
    deps.user,
    file.feed,
    result === 'failed' ? 'failed' : 'archive',
    file.keptName,
  );
  // Kept before the ledger says done; the inbound key and the held copy go only after it does,
  // so a run that stops anywhere here is finished by the next delivery.
  await keepImported(ref, deps, file.source, keptAs, file.head.eTag);
  const summary = {
    feed: file.feed.id,
    rows: outcome.rows,
    applied: outcome.applied,
    rejected: outcome.rejected,
    ms: Date.now() - outcome.started,
  };
  await deps.ledger.complete(ref.key, file.head.eTag, { result, ...summary, stats: outcome.stats });
  await tidyImported(ref, deps, file.source, file.head.eTag);
  await deps.ledger.recordFeedRun({
    result,
    ...summary,
    stats: outcome.stats,
    key: ref.key,
    finishedAt: new Date().toISOString(),
    errorFile,
    reason: failure,
    eTag: file.head.eTag,
    keptAs,
  });
  return {
    status: result,
    key: ref.key,
    ...summary,
    errorFile,
    reason: failure,
    stats: outcome.stats,
    resumed: !!file.checkpoint,
  };
}
