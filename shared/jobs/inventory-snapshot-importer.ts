/**
 * The inventory snapshot importer: each valid row resets NetSuite's figure for one SKU at one
 * facility.
 *
 * Diff writes: a digest of the last figure written for every (SKU, facility) — 64-bit key hash →
 * 32-bit hash of quantity and item id, 12 bytes an entry, about 12 MB for a million rows — is kept
 * as a state object in S3. A row whose figure matches the digest is not written. The digest is
 * trusted only while every writer of NetSuite figures keeps it right: snapshot files run one at a
 * time under a lease lock, a file that stops half-way leaves the digest marked dirty (so the next
 * other file discards it and writes every row), and the delta imports mark the keys they change
 * as stale. Any doubt costs writes, never correctness.
 *
 * A key repeated within a file is reported, and the first occurrence stands (also across a resume:
 * the keys seen so far are checkpointed with the digest).
 *
 * **Deltas and snapshots in one time frame** (docs/inventory.md, "Deltas"). The file's S3 upload
 * time S' (LastModified) dates its figures. A delta applied before this import from a file
 * uploaded after the search (E > S' − L) would be erased by the Put: the importer reads those from
 * the delta log (the recent window only: one query a log shard) and writes each row's quantity plus
 * what they add under the same rule as a delta imported after it (P > S' + L: all; straddling:
 * negatives only). The digest holds the figure written (folded), so a folded row is written, and
 * re-written once the fold changes. Delta imports take the same lease lock, so none runs while a
 * file imports. When the file finished, it becomes the snapshot in force (S for the delta
 * imports), and `onFileImported` is called with the pairs it listed (the settle step).
 */
import { createHash } from 'node:crypto';
import { hash32, hash64Pair } from '../domain/hash64.ts';
import { HashMap64 } from '../domain/hash-map64.ts';
import { foldedDelta } from '../domain/inventory-delta.ts';
import { parseSnapshotRow, type SnapshotRecord } from '../domain/inventory-snapshot.ts';
import { SnapshotKeys } from '../domain/snapshot-keys.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import {
  SNAPSHOT_DIGEST_OBJECT,
  SNAPSHOT_LISTED_PREFIX,
  type StateObjects,
} from '../files/state-objects.ts';
import { log } from '../platform/log.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import type { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { snapshotItem, type InventoryStore } from '../store/inventory-store.ts';
import type { LeaseLock } from '../store/lease-lock.ts';
import type { SnapshotListing } from '../store/snapshot-listing.ts';
import type { StaleKey, StaleKeys } from '../store/stale-keys.ts';

export const DIGEST_OBJECT = SNAPSHOT_DIGEST_OBJECT;
export const LISTED_PREFIX = SNAPSHOT_LISTED_PREFIX;

/** A snapshot file whose import finished (for the settle step). */
export interface ImportedSnapshotFile {
  /** The file's S3 key. */
  readonly key: string;
  /** S': the file's S3 upload time (LastModified), ISO. */
  readonly uploadedAt: string;
  /** Whether the file listed (SKU, OMS facility): only those figures are this file's. */
  readonly seen: (sku: string, facilityId: string) => boolean;
}

export interface SnapshotImporterDeps {
  readonly inventory: InventoryStore;
  /** The time frame: the snapshot in force, and the delta log to fold. */
  readonly deltas: Pick<
    InventoryDeltaStore,
    'loggedSince' | 'setSnapshotInForce' | 'snapshotInForce'
  >;
  /** L, NetSuite's reflect lag, in ms. */
  readonly lagMs: number;
  /**
   * Called once a file finished (after the lock is released: it must not write NetSuite's
   * figures). A failure is logged and counted (`settleFailed` on the file's log line) but does not
   * fail the file: what it did not do waits for the next snapshot file, which settles it too.
   */
  readonly onFileImported?: (file: ImportedSnapshotFile) => Promise<void>;
  readonly facilities: FacilityStore;
  readonly state: StateObjects;
  readonly lock: LeaseLock;
  readonly staleKeys: StaleKeys;
  readonly listing: SnapshotListing;
  /** Lease of the snapshot lock; renewed at every checkpoint. */
  readonly leaseMs: number;
  /** How long a file waits for another snapshot file to finish. */
  readonly lockWaitMs: number;
  /** BatchWriteItem calls in flight. */
  readonly concurrency?: number;
  /** Write every row, ignoring the digest (a forced full reset). */
  readonly fullWrite?: boolean;
}

/** hash64 of `${sku}\u0000${facilityId}` (the digests in S3 are keyed so). */
export const inventoryKey = (sku: string, facilityId: string) => hash64Pair(sku, facilityId);
export const figureHash = (qty: number, itemId: string) => hash32(`${qty}|${itemId}`);

/**
 * When NetSuite's snapshot search ran, from its file name: `Date.toString()` text
 * (`Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-InventoryItemExport.csv`) or the newer
 * `2025-07-02-10-15-00-…` form; undefined when the name says neither.
 */
export function searchTimeOf(fileName: string): string | undefined {
  const text = /^([A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4})/.exec(
    fileName,
  );
  if (text) {
    const t = Date.parse(text[1]!);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const dated = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})/.exec(fileName);
  if (dated) {
    const [, y, mo, d, h, mi, se] = dated.map(Number) as number[];
    const t = Date.UTC(y!, mo! - 1, d!, h!, mi!, se!);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}

export function inventorySnapshotImporter(deps: SnapshotImporterDeps): CsvImporter {
  return {
    async open({ key, fileName, eTag, resumed, size, lastModified }): Promise<CsvImportSession> {
      const owner = `${key}#${eTag}`;
      const seenObject = `${LISTED_PREFIX}${createHash('sha256').update(owner).digest('hex').slice(0, 32)}.seen`;
      /** S': when the file was uploaded (S3's LastModified). */
      const snapshotAt = (lastModified ?? new Date()).getTime();
      const { dirtyBy } = await deps.lock.acquire(owner, deps.leaseMs, deps.lockWaitMs);
      // A file of an older search than the one in force (an S3 event delayed past a newer
      // snapshot) is never applied: its figures would bring back promises a newer figure already
      // reflects. The parts of one search share their name's time, in whatever order they come.
      const searchAt = searchTimeOf(fileName);
      const inForce = await deps.deltas.snapshotInForce().catch(async (err: unknown) => {
        await deps.lock.release(owner, false);
        throw err;
      });
      if (searchAt && inForce?.searchAt && searchAt < inForce.searchAt) {
        await deps.lock.release(owner, true);
        log.warn('snapshot file older than the one in force: not applied', {
          file: key,
          searchAt,
          inForce: inForce.key,
          inForceSearchAt: inForce.searchAt,
        });
        return {
          row: () => undefined,
          checkpoint: async () => undefined,
          finish: async () => ({ superseded: 1 }),
          abort: async () => undefined,
        };
      }
      // Sized for the file up front (a snapshot row is about 25 bytes), so it rarely regrows.
      const expectedRows = Math.min(4_000_000, Math.ceil((size ?? 0) / 25));
      /**
       * The digest (figure hash by key) and the keys this file listed (with their line), in one
       * table: each key is held once.
       */
      let keys: SnapshotKeys;
      let digestDiscarded = 0;
      let staleLoaded: StaleKey[] = [];
      /** Deltas to fold per key (int32 stored as uint32). */
      const folds = new HashMap64(64);
      let foldedDeltas = 0;
      try {
        // Read as it streams in: the 12 MB object is never held beside the table built from it.
        const stored = deps.fullWrite ? undefined : await deps.state.open(DIGEST_OBJECT);
        if (stored) {
          // Room for the digest's keys and the file's: mostly the same keys, some new ones.
          const entries = stored.byteLength / 12;
          keys = new SnapshotKeys(Math.max(expectedRows, entries + Math.ceil(entries / 8)));
          await keys.loadFigures(stored.body, stored.byteLength);
        } else keys = new SnapshotKeys(expectedRows);
        if (dirtyBy && dirtyBy !== owner && keys.figureCount > 0) {
          // Another file stopped half-way: its writes may not be in the digest.
          keys = new SnapshotKeys(expectedRows);
          digestDiscarded = 1;
        }
        staleLoaded = await deps.staleKeys.list();
        for (const s of staleLoaded) keys.dropFigure(inventoryKey(s.sku, s.facilityId));
        const logged = await deps.deltas.loggedSince(
          new Date(snapshotAt - deps.lagMs).toISOString(),
        );
        for (const e of logged) {
          const fold = foldedDelta(e, snapshotAt, deps.lagMs);
          if (fold === 0) continue;
          const k = inventoryKey(e.sku, e.facilityId);
          folds.set(k, ((folds.get(k) ?? 0) | 0) + fold);
          foldedDeltas++;
        }
        await deps.lock.markDirty(owner, deps.leaseMs);
      } catch (err) {
        await deps.lock.release(owner, false);
        throw err;
      }
      let facilityByExternal: Map<string, string>;
      try {
        const seenStored = resumed ? await deps.state.open(seenObject) : undefined;
        if (seenStored) await keys.loadLines(seenStored.body, seenStored.byteLength);
        facilityByExternal = await deps.facilities.byExternalId();
      } catch (err) {
        // No session is returned, so nobody would abort it: the lock is released here, or every
        // other snapshot and delta file waits out its lease (minutes) in acquire().
        await deps.lock.release(owner, false).catch(() => undefined);
        throw err;
      }
      const writer = deps.inventory.snapshotWriter(deps.concurrency);
      // Rows with a blank idValue: an update that keeps the stored item id (never erased).
      const updater = deps.inventory.figureUpdater(deps.concurrency);
      const importedAt = new Date().toISOString();
      let written = 0;
      let unchanged = 0;
      let folded = 0;

      /**
       * The digest and the keys seen go up as they are read from the table, a 64 KiB chunk at a
       * time: a whole copy would be 12 MB more at every checkpoint and at the end, when the table
       * is full (the file's peak).
       */
      const putFigures = () =>
        deps.state.putStream(DIGEST_OBJECT, 12 * keys.figureCount, () => keys.figureChunks());
      const putLines = () =>
        deps.state.putStream(seenObject, 12 * keys.lineCount, () => keys.lineChunks());
      const persist = async () => {
        await writer.flush();
        await updater.flush();
        await putFigures();
      };

      return {
        row(record, line) {
          const result = parseSnapshotRow(record as SnapshotRecord);
          if (!result.ok) return { field: result.field, reason: result.reason };
          const { sku, facilityId: externalId, availableQty, itemId } = result.row;
          const facilityId = facilityByExternal.get(externalId);
          if (!facilityId) {
            return {
              field: 'externalFacilityId',
              reason:
                facilityByExternal.size === 0
                  ? `unknown facility "${externalId}": no facilities are configured (npx oms facility load)`
                  : `unknown facility "${externalId}"`,
            };
          }
          const k = inventoryKey(sku, facilityId);
          const first = keys.listOnce(k, line);
          if (first !== undefined) {
            return {
              field: 'Item',
              reason: `duplicate row for ${sku} at ${externalId}; line ${first} was applied`,
            };
          }
          // The figure written: the row plus the deltas applied since the search (digest too).
          const fold = folds.size > 0 ? (folds.get(k) ?? 0) | 0 : 0;
          const qty = availableQty + fold;
          const figure = figureHash(qty, itemId);
          // The digest now holds the figure written (also in a full write).
          if (keys.swapFigure(k, figure) && !deps.fullWrite) {
            unchanged++;
            return undefined;
          }
          written++;
          if (fold !== 0) folded++;
          const meta = { file: fileName, importedAt, folded: fold };
          const figureRow = { sku, facilityId, availableQty: qty, itemId };
          const wait = itemId
            ? writer.put(snapshotItem(figureRow, meta))
            : updater.update(figureRow, meta);
          return wait ? wait.then(() => undefined) : undefined;
        },
        async checkpoint() {
          await persist();
          await putLines();
          await deps.lock.renew(owner, deps.leaseMs);
        },
        async finish() {
          await persist();
          // What this file listed, for the snapshot-close job (pairs absent from a whole snapshot).
          await putLines();
          await deps.listing.record({
            finishedAt: new Date().toISOString(),
            file: key,
            object: seenObject,
            pairs: keys.lineCount,
          });
          await deps.staleKeys.clear(staleLoaded);
          const uploadedAt = new Date(snapshotAt).toISOString();
          await deps.deltas.setSnapshotInForce({
            uploadedAt,
            key,
            finishedAt: new Date().toISOString(),
            ...(searchAt ? { searchAt } : {}),
          });
          await deps.lock.release(owner, true);
          let settleFailed = 0;
          try {
            await deps.onFileImported?.({
              key,
              uploadedAt,
              seen: (sku, facilityId) => keys.line(inventoryKey(sku, facilityId)) !== undefined,
            });
          } catch (err) {
            settleFailed = 1;
            log.warn('after-import step of a snapshot file failed; the next file does it again', {
              file: key,
              error: err instanceof Error ? err.message : String(err),
            });
          }
          return {
            written,
            unchanged,
            digestDiscarded,
            retries: writer.stats.retries,
            ...(updater.written ? { keptItemIds: updater.written } : {}),
            folded,
            foldedDeltas,
            ...(settleFailed ? { settleFailed } : {}),
          };
        },
        async abort() {
          await deps.lock.release(owner, false);
        },
      };
    },
  };
}
