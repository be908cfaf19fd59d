/**
 * Version binding: every import, and its archive or failed step, is bound to the one version of
 * the object it imports (its ETag, and its version id where the bucket keeps versions), never to
 * the name. NetSuite and people re-send a corrected file under the same name; the second version
 * may arrive while the first is being imported, or after it.
 *
 * - **Which version**: the one the S3 event names (its ETag). While the key still holds it, it is
 *   imported — after any older version of the same key still being imported (the newer one waits:
 *   `busy`). A version the key no longer holds is imported only if its import had begun (its bytes
 *   are held, see below) and no newer version's import has begun since; otherwise it is
 *   *superseded*: the newer version, which has its own event, carries the figures.
 * - **Held bytes**: when the import claims a version, the version is copied (by version id on AWS;
 *   everywhere only while the key still has that ETag: `x-amz-copy-source-if-match`) to a held
 *   object in the staging area, named after key and ETag. The import reads that copy — a newer
 *   upload under the name cannot change what it reads, nor a resumed run's bytes.
 * - **Kept**: at the end the held copy goes to `archive/` (or `failed/`) under the version's own
 *   name, `x~1a2b3c4d.csv` (`versionedName`), beside its error report `x~1a2b3c4d.csv.errors.csv`;
 *   then the key is deleted only if it still holds that version (`If-Match`): a newer version left
 *   there is imported by its own event. Every version imported is kept.
 *
 * On AWS the feeds bucket is versioned: the held copy is made from the event's version id, the
 * delete adds a delete marker (versions expire with the bucket's lifecycle rule). The local S3
 * stand-in keeps no versions but honours the same ETag conditions (local/s3-emulator.ts).
 */
import { createHash } from 'node:crypto';
import type { FeedDefinition } from './catalog.ts';
import { errorFileName, writeErrorFile } from './error-report.ts';
import type { FileImportResult, ImportFileStore } from './file-import.ts';
import { stagingPrefix, subfolderKey, versionedName } from './paths.ts';
import type { ObjectRef } from './s3-event.ts';
import type { ImportLedger, LedgerVersion } from '../store/import-ledger.ts';
import { log } from '../platform/log.ts';

/** The version an import is bound to. */
export interface BoundVersion {
  readonly eTag: string;
  /** S3 version id (versioned buckets). */
  readonly versionId?: string;
  readonly size: number;
  /** When the version was uploaded (S3's LastModified of the version, not of the held copy). */
  readonly lastModified?: Date;
}

interface BindingDeps {
  readonly files: ImportFileStore;
  readonly ledger: ImportLedger;
  readonly user: string;
}

/** User metadata of a held copy: the version's upload time and ETag. */
const UPLOADED_AT = 'oms-uploaded-at';
const SOURCE_ETAG = 'oms-source-etag';

const hashOf = (key: string, eTag: string) =>
  createHash('sha256').update(`${key}\n${eTag}`).digest('hex').slice(0, 32);

/** Where a version's bytes are held while it is imported (staging area, outside every feed folder). */
export const heldKey = (key: string, eTag: string, fileName: string): string =>
  `${stagingPrefix()}imports/${hashOf(key, eTag)}/${fileName}`;

/** How long a message for a newer version waits, at least, while an older one is handed on. */
const PAUSED_WAIT_MS = 5_000;

/**
 * Picks the version a message imports (before the claim), or says why there is none now: an older
 * version of the key is being imported (busy), it was imported (duplicate), or replaced (superseded).
 */
export async function chooseVersion(
  ref: ObjectRef,
  deps: BindingDeps,
  feed: FeedDefinition,
  fileName: string,
  head: { size: number; eTag: string; lastModified?: Date; versionId?: string } | undefined,
  now = Date.now(),
): Promise<BoundVersion | FileImportResult> {
  const wanted = ref.eTag || head?.eTag;
  if (!wanted)
    return { status: 'duplicate', key: ref.key, reason: 'file already moved (processed)' };
  const versions = await deps.ledger.versions(ref.key);
  const live = (v: LedgerVersion) =>
    (v.status === 'processing' && v.leaseUntil > now) || v.status === 'paused';
  if (head && head.eTag === wanted) {
    // The key holds this version: it goes after any older version still being imported.
    const older = versions.find((v) => v.eTag !== wanted && live(v));
    if (older) {
      return {
        status: 'busy',
        key: ref.key,
        reason: `an older version of the file (ETag ${older.eTag}) is being imported; this version (ETag ${wanted}) is imported after it`,
        leaseUntil: older.status === 'paused' ? now + PAUSED_WAIT_MS : older.leaseUntil,
      };
    }
    return {
      eTag: wanted,
      versionId: ref.versionId ?? head.versionId,
      size: head.size,
      lastModified: head.lastModified,
    };
  }

  // The key no longer holds the message's version: replaced by a newer upload, or moved away.
  const held = heldKey(ref.key, wanted, fileName);
  const mine = versions.find((v) => v.eTag === wanted);
  if (mine?.status === 'done') {
    await deps.files.delete(held);
    return { status: 'duplicate', key: ref.key, reason: 'already imported' };
  }
  if (mine?.status === 'processing' && mine.leaseUntil > now) {
    // Being imported right now (this is a repeated event): the claim says so. (A paused import
    // is waiting for this very message, its continuation: it goes on below.)
    return {
      status: 'busy',
      key: ref.key,
      reason: `being imported by another worker (lease until ${new Date(mine.leaseUntil).toISOString()})`,
      leaseUntil: mine.leaseUntil,
    };
  }
  const heldMeta = mine ? await deps.files.metadata(held) : undefined;
  if (mine && heldMeta) {
    // Its import began before the key changed: it goes on from the held copy, unless a newer
    // version's import has begun since (going on would put older figures over newer ones).
    const newer = head && versions.some((v) => v.eTag === head.eTag);
    if (!newer) {
      const heldHead = await deps.files.head(held);
      if (heldHead) {
        const uploaded = heldMeta[UPLOADED_AT];
        return {
          eTag: wanted,
          versionId: ref.versionId,
          size: heldHead.size,
          lastModified: uploaded ? new Date(uploaded) : heldHead.lastModified,
        };
      }
    }
    return await keepSuperseded(ref, deps, feed, fileName, wanted, head?.eTag, {
      held,
      line: mine.checkpoint?.line,
    });
  }
  if (!head) return { status: 'duplicate', key: ref.key, reason: 'file already moved (processed)' };
  return await keepSuperseded(ref, deps, feed, fileName, wanted, head.eTag, {});
}

/**
 * Holds the claimed version's bytes for the import (a copy in the staging area, bound to the
 * version); returns the held key, or a superseded result when the key changed in the meantime.
 */
export async function holdVersion(
  ref: ObjectRef,
  deps: BindingDeps,
  feed: FeedDefinition,
  fileName: string,
  version: BoundVersion,
): Promise<string | FileImportResult> {
  // Checked again now that this claim is written: of two versions claimed at once (a crashed
  // import retried while a newer version arrives), at least one sees the other and steps back.
  const now = Date.now();
  const other = (await deps.ledger.versions(ref.key)).find(
    (v) => v.eTag !== version.eTag && v.status === 'processing' && v.leaseUntil > now,
  );
  if (other) {
    await deps.ledger
      .fail(ref.key, version.eTag, `waiting for version ${other.eTag} of the file`)
      .catch(() => undefined);
    return {
      status: 'busy',
      key: ref.key,
      reason: `another version of the file (ETag ${other.eTag}) is being imported; this one (ETag ${version.eTag}) waits`,
      leaseUntil: other.leaseUntil,
    };
  }
  const held = heldKey(ref.key, version.eTag, fileName);
  if (await deps.files.metadata(held)) return held;
  const copied = await deps.files.copyVersion(
    ref.key,
    held,
    { eTag: version.eTag, versionId: version.versionId },
    {
      [SOURCE_ETAG]: version.eTag,
      ...(version.lastModified ? { [UPLOADED_AT]: version.lastModified.toISOString() } : {}),
    },
  );
  if (copied === 'done') return held;
  // Replaced (or removed) between the look and the copy: nothing of it was read.
  await deps.ledger
    .fail(ref.key, version.eTag, 'replaced before its import began')
    .catch(() => undefined);
  const current = await deps.files.head(ref.key);
  if (!current) {
    return { status: 'duplicate', key: ref.key, reason: 'file already moved (processed)' };
  }
  return await keepSuperseded(ref, deps, feed, fileName, version.eTag, current.eTag, {});
}

/**
 * A version that is not imported because a newer one replaced it. Kept in `archive/` under its own
 * name when its bytes are at hand (held from an import that began, or by version id on AWS), with
 * an error report saying why it was not (or not wholly) applied.
 */
async function keepSuperseded(
  ref: ObjectRef,
  deps: BindingDeps,
  feed: FeedDefinition,
  fileName: string,
  eTag: string,
  newerETag: string | undefined,
  began: { held?: string; line?: number },
): Promise<FileImportResult> {
  const name = versionedName(fileName, eTag);
  const kept = subfolderKey(deps.user, feed, 'archive', name);
  const newer = newerETag ? ` (ETag ${newerETag})` : '';
  const reason = began.held
    ? `import interrupted and not resumed: a newer version of the file${newer} was imported after it began${
        began.line ? `; rows up to line ${began.line} were applied` : ''
      }`
    : `not imported: replaced by a newer version of the file${newer} before its import began; the newer version is imported instead`;
  let keptAs: string | undefined;
  if (began.held) {
    if (await deps.files.copy(began.held, kept)) keptAs = kept;
  } else if (ref.versionId) {
    const copied = await deps.files.copyVersion(ref.key, kept, { eTag, versionId: ref.versionId });
    if (copied === 'done') keptAs = kept;
  }
  if (keptAs) {
    await writeErrorFile(
      deps.files,
      subfolderKey(deps.user, feed, 'error', errorFileName(name)),
      name,
      [{ line: 0, field: 'file', reason, raw: '' }],
    );
  }
  if (began.held) {
    await deps.ledger.complete(ref.key, eTag, {
      result: 'failed',
      rows: 0,
      applied: 0,
      rejected: 0,
      ms: 0,
    });
    await deps.files.delete(began.held);
  }
  log.warn('file version superseded', {
    file: ref.key,
    eTag,
    newer: newerETag,
    keptAs: keptAs ?? 'not kept (its bytes were replaced before the import read them)',
  });
  return { status: 'superseded', key: ref.key, reason };
}

/** After the import: the held copy goes to archive/ or failed/ under the version's name. */
export async function keepImported(
  ref: ObjectRef,
  deps: BindingDeps,
  held: string,
  kept: string,
  eTag: string,
): Promise<void> {
  if (!(await deps.files.copy(held, kept)) && !(await deps.files.head(kept))) {
    throw new Error(`the held copy ${held} of ${ref.key} (ETag ${eTag}) is missing`);
  }
}

/**
 * Once the import is recorded: the key is deleted if it still holds the imported version (a newer
 * version is left for its own import), then the held copy.
 */
export async function tidyImported(
  ref: ObjectRef,
  deps: BindingDeps,
  held: string,
  eTag: string,
): Promise<void> {
  const left = await deps.files.deleteIfMatch(ref.key, eTag);
  if (left === 'changed') {
    log.info('a newer version of the file arrived during its import; left for its own import', {
      file: ref.key,
      imported: eTag,
    });
  }
  await deps.files.delete(held);
}
