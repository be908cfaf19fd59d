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
 */
import { createHash } from 'node:crypto';
import { hash32, hash64 } from '../domain/hash64.ts';
import { HashMap64 } from '../domain/hash-map64.ts';
import { parseSnapshotRow, type SnapshotRecord } from '../domain/inventory-snapshot.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import {
  SNAPSHOT_DIGEST_OBJECT,
  SNAPSHOT_LISTED_PREFIX,
  type StateObjects,
} from '../files/state-objects.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import { snapshotItem, type InventoryStore } from '../store/inventory-store.ts';
import type { LeaseLock } from '../store/lease-lock.ts';
import type { SnapshotListing } from '../store/snapshot-listing.ts';
import type { StaleKey, StaleKeys } from '../store/stale-keys.ts';

export const DIGEST_OBJECT = SNAPSHOT_DIGEST_OBJECT;
export const LISTED_PREFIX = SNAPSHOT_LISTED_PREFIX;

export interface SnapshotImporterDeps {
  readonly inventory: InventoryStore;
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

export const inventoryKey = (sku: string, facilityId: string) =>
  hash64(`${sku}\u0000${facilityId}`);
export const figureHash = (qty: number, itemId: string) => hash32(`${qty}|${itemId}`);

export function inventorySnapshotImporter(deps: SnapshotImporterDeps): CsvImporter {
  return {
    async open({ key, fileName, eTag, resumed, size }): Promise<CsvImportSession> {
      const owner = `${key}#${eTag}`;
      const seenObject = `${LISTED_PREFIX}${createHash('sha256').update(owner).digest('hex').slice(0, 32)}.seen`;
      const { dirtyBy } = await deps.lock.acquire(owner, deps.leaseMs, deps.lockWaitMs);
      let digest: HashMap64;
      let digestDiscarded = 0;
      let staleLoaded: StaleKey[] = [];
      try {
        const stored = deps.fullWrite ? undefined : await deps.state.get(DIGEST_OBJECT);
        digest = stored
          ? HashMap64.fromBuffer(stored)
          : new HashMap64(Math.min(4_000_000, Math.ceil((size ?? 0) / 25)));
        if (dirtyBy && dirtyBy !== owner && digest.size > 0) {
          // Another file stopped half-way: its writes may not be in the digest.
          digest = new HashMap64(1 << 16);
          digestDiscarded = 1;
        }
        staleLoaded = await deps.staleKeys.list();
        for (const s of staleLoaded) digest.delete(inventoryKey(s.sku, s.facilityId));
        await deps.lock.markDirty(owner, deps.leaseMs);
      } catch (err) {
        await deps.lock.release(owner, false);
        throw err;
      }
      const seenStored = resumed ? await deps.state.get(seenObject) : undefined;
      // Sized for the file up front (a snapshot row is about 25 bytes), so it rarely regrows.
      const expectedRows = Math.min(4_000_000, Math.ceil((size ?? 0) / 25));
      const seen = seenStored ? HashMap64.fromBuffer(seenStored) : new HashMap64(expectedRows);
      const facilityByExternal = await deps.facilities.byExternalId();
      const writer = deps.inventory.snapshotWriter(deps.concurrency);
      const importedAt = new Date().toISOString();
      let written = 0;
      let unchanged = 0;

      const persist = async () => {
        await writer.flush();
        await deps.state.put(DIGEST_OBJECT, digest.toBuffer());
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
          const first = seen.get(k);
          if (first !== undefined) {
            return {
              field: 'Item',
              reason: `duplicate row for ${sku} at ${externalId}; line ${first} was applied`,
            };
          }
          seen.set(k, line);
          const figure = figureHash(availableQty, itemId);
          if (!deps.fullWrite && digest.get(k) === figure) {
            unchanged++;
            return undefined;
          }
          digest.set(k, figure);
          written++;
          const wait = writer.put(
            snapshotItem({ sku, facilityId, availableQty, itemId }, { file: fileName, importedAt }),
          );
          return wait ? wait.then(() => undefined) : undefined;
        },
        async checkpoint() {
          await persist();
          await deps.state.put(seenObject, seen.toBuffer());
          await deps.lock.renew(owner, deps.leaseMs);
        },
        async finish() {
          await persist();
          // What this file listed, for the snapshot-close job (pairs absent from a whole snapshot).
          await deps.state.put(seenObject, seen.toBuffer());
          await deps.listing.record({
            finishedAt: new Date().toISOString(),
            file: key,
            object: seenObject,
            pairs: seen.size,
          });
          await deps.staleKeys.clear(staleLoaded);
          await deps.lock.release(owner, true);
          return { written, unchanged, digestDiscarded, retries: writer.stats.retries };
        },
        async abort() {
          await deps.lock.release(owner, false);
        },
      };
    },
  };
}
