/**
 * The inventory delta importer, one module for the three NetSuite delta feeds (inventory
 * adjustments, inventory transfers, item receipts): each valid row adds its signed delta to
 * NetSuite's figure (`nsQty` of the inventory item pk=<sku>, sk=`NS#<facilityId>`), exactly once.
 *
 * Exactly once, across files: NetSuite's exporters repeat rows in later files, and a file may be
 * read again after a crash. A row's identity is a hash of its content scoped to the feed (see
 * shared/domain/inventory-delta.ts); each row is applied in one transaction with a conditional
 * dedupe record, so a repeat is counted as a duplicate and changes nothing. Consequences:
 *
 * - two genuinely distinct, otherwise identical adjustments must differ in `comments` (NetSuite
 *   writes the transaction reference there), or the second is taken for a repeat;
 * - the identity is remembered for DEDUPE_DAYS (35 days); a repeat after that applies again;
 * - a figure may go below zero (NetSuite can allow negative stock); it is kept as NetSuite has it;
 * - a zero delta is accepted and changes nothing (no write at all).
 *
 * The transaction also marks the (SKU, facility) key stale for the snapshot importer, whose digest
 * would otherwise take an unchanged snapshot figure for "already written" and skip it, leaving the
 * delta in place after a reset.
 *
 * `idType` `SKU` names the SKU; a NetSuite item id type names NetSuite's internal item id, which is
 * mapped to the SKU through the product registry (shared/store/product-store.ts). A row naming an
 * unknown facility or item id is reported in the error file. Rows are applied with up to
 * `concurrency` transactions in flight (ADD commutes, so per-key order does not matter).
 *
 * **Deltas and snapshots in one time frame** (docs/inventory.md, "Deltas"). All times are S3 upload
 * times: E this file's LastModified, P the feed's previous file the OMS imported, S the snapshot in
 * force (the last snapshot file whose import finished), L `OMS_NETSUITE_REFLECT_LAG_MINUTES`. E <
 * S − L: the snapshot holds every row, none applies (`inSnapshot`); P > S + L: every row applies;
 * otherwise the file straddles the snapshot's search: negative rows apply, positive ones do not
 * (`straddlingPositiveSkipped`; undercount until the next snapshot, never over). A skipped row
 * still gets its dedupe record, so a repeat of it in a later file stays a duplicate. Applied rows
 * go to the delta log, which the next snapshot import folds into the figures it writes.
 *
 * **Never beside a snapshot import.** The file is imported holding the snapshot's lease lock (the
 * one snapshot files and the snapshot-close job take): it waits up to `lockWaitMs` for a snapshot
 * file to finish, then fails with `LockBusyError` so that SQS (locally, the event dispatch) delivers
 * it again. Delta files therefore also run one at a time; they are small.
 *
 * **The OMS's own adjustments.** A store rejection of units stolen or damaged holds them
 * (`RES#<facility>#ADJ#<adjustmentId>`, counted in reserved) and sends NetSuite an inventory
 * adjustment; NetSuite's figure is left as NetSuite has it. When NetSuite's adjustment delta export
 * also returns the adjustments the OMS created (`includeOms`, `OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`;
 * adjustment feed only), a negative row at the same facility (NetSuite location) for the same SKU
 * (item) with the same signed quantity as an adjustment the OMS sent before the file was written
 * and that no row has matched yet is that adjustment (oldest first; `own` on the file's log line):
 * it is applied to the figure as the time frame says AND its hold ends, in one transaction, so the
 * units count exactly once. When false, nothing is matched: the row applies as any row and the
 * hold ends at the snapshot that reflects the adjustment (the settle step).
 */
import {
  deltaEffect,
  deltaRowId,
  deltaTiming,
  parseDeltaRow,
  skipReason,
  type DeltaRecord,
  type DeltaTiming,
} from '../domain/inventory-delta.ts';
import {
  keyPartTooLong,
  PARTITION_KEY_MAX_BYTES,
  SORT_KEY_MAX_BYTES,
  utf8Bytes,
} from '../domain/key-limits.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import { staleKeySortKey } from '../store/stale-keys.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import type { DeltaApplication, InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import type { LeaseLock } from '../store/lease-lock.ts';
import type { ProductStore } from '../store/product-store.ts';

/** The feeds this importer serves (ids from shared/feeds/catalog.ts). */
export const DELTA_FEEDS = [
  'inventory-adjustment-import',
  'inventory-transfer-import',
  'item-receipt-import',
] as const;

export type DeltaFeedId = (typeof DELTA_FEEDS)[number];

export interface DeltaImporterDeps {
  readonly feedId: DeltaFeedId;
  readonly deltas: InventoryDeltaStore;
  readonly facilities: FacilityStore;
  readonly products: ProductStore;
  /** Transactions in flight at once. */
  readonly concurrency?: number;
  /**
   * NetSuite's adjustment delta export returns the OMS's own adjustments too: recognise them, and
   * end their holds as they apply (only for `inventory-adjustment-import`).
   */
  readonly includeOms?: boolean;
  /** L, NetSuite's reflect lag, in ms. */
  readonly lagMs: number;
  /** The snapshot's lease lock; held while the file imports. */
  readonly lock: LeaseLock;
  /** Lease of the lock; renewed at every checkpoint. */
  readonly leaseMs: number;
  /** How long a file waits for a snapshot file (or another delta file) to finish. */
  readonly lockWaitMs: number;
}

/** Runs tasks with at most `limit` in flight; the first failure is raised by the next call. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    this.raise();
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.raise();
    const tracked: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Waits for everything in flight; raises the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    this.raise();
  }

  private raise(): void {
    if (this.failure) throw this.failure.error;
  }
}

export function inventoryDeltaImporter(deps: DeltaImporterDeps): CsvImporter {
  const { feedId } = deps;
  return {
    async open({ key, eTag, fileName, lastModified }): Promise<CsvImportSession> {
      const owner = `delta:${key}#${eTag}`;
      await deps.lock.acquire(owner, deps.leaseMs, deps.lockWaitMs);
      let timing: DeltaTiming;
      let facilityByExternal: Map<string, string>;
      /** E: when the file was uploaded (S3's LastModified). */
      const uploaded = lastModified ?? new Date();
      const uploadedAt = uploaded.toISOString();
      let previousAt: string | undefined;
      try {
        const [snapshot, previous, facilities] = await Promise.all([
          deps.deltas.snapshotInForce(),
          deps.deltas.previousFileAt(feedId, uploadedAt),
          deps.facilities.byExternalId(),
        ]);
        previousAt = previous;
        facilityByExternal = facilities;
        timing = deltaTiming({
          uploadedAt: uploaded.getTime(),
          previousAt: previous === undefined ? undefined : Date.parse(previous),
          snapshotAt: snapshot === undefined ? undefined : Date.parse(snapshot.uploadedAt),
          lagMs: deps.lagMs,
        });
      } catch (err) {
        await deps.lock.release(owner, false);
        throw err;
      }
      const matchOwn = !!deps.includeOms && feedId === 'inventory-adjustment-import';
      /** Only adjustments sent before NetSuite wrote this file can be in it. */
      const writtenAt = uploadedAt;
      /** NetSuite item id → SKU (null: not in the registry), per file. */
      const skuOfItem = new Map<string, string | null>();
      const pool = new InFlight(deps.concurrency ?? 16);
      const at = new Date().toISOString();
      const stats = {
        applied: 0,
        duplicates: 0,
        zeroDeltas: 0,
        txRetries: 0,
        own: 0,
        ownHoldsEnded: 0,
        inSnapshot: 0,
        straddlingPositiveSkipped: 0,
      };

      /** Takes the row as one of the OMS's pending adjustments, if one fits; else undefined. */
      const asOwn = async (
        d: DeltaApplication,
        effect: number,
      ): Promise<'own' | 'duplicate' | undefined> => {
        for (let tries = 0; tries < 5; tries++) {
          const candidate = (await deps.deltas.pendingOwn(d.facilityId, d.sku)).find(
            (o) => o.delta === d.delta && o.sentAt <= writtenAt,
          );
          if (!candidate) return undefined;
          const result = await deps.deltas.applyOwn(d, candidate, effect);
          if (result.outcome === 'own' && result.holdEnded) stats.ownHoldsEnded++;
          if (result.outcome !== 'taken') return result.outcome;
        }
        return undefined;
      };

      const skuFor = async (itemId: string): Promise<string | undefined> => {
        let sku = skuOfItem.get(itemId);
        if (sku === undefined) {
          sku = (await deps.products.skuForItemId(itemId)) ?? null;
          skuOfItem.set(itemId, sku);
        }
        return sku ?? undefined;
      };

      return {
        async row(record, line) {
          const parsed = parseDeltaRow(record as DeltaRecord);
          if (!parsed.ok) return { field: parsed.field, reason: parsed.reason };
          const row = parsed.row;
          const facilityId = facilityByExternal.get(row.externalFacilityId);
          if (!facilityId) {
            return {
              field: 'externalFacilityId',
              reason:
                facilityByExternal.size === 0
                  ? `unknown facility "${row.externalFacilityId}": no facilities are configured`
                  : `unknown facility "${row.externalFacilityId}"`,
            };
          }
          let sku: string;
          if (row.item.kind === 'sku') {
            sku = row.item.sku;
          } else {
            const found = await skuFor(row.item.itemId);
            if (!found) {
              return {
                field: 'idValue',
                reason: `unknown NetSuite item id "${row.item.itemId}" (${row.idType}): not in the product registry (product/csv)`,
              };
            }
            sku = found;
          }
          // The SKU goes into keys: the figure's partition key, the stale-key marker's sort key.
          const tooLong = deltaKeysTooLong(sku, facilityId);
          if (tooLong) return { field: 'idValue', reason: tooLong };
          if (row.delta === 0) {
            stats.zeroDeltas++;
            return undefined;
          }
          const rowId = deltaRowId(feedId, row);
          await pool.run(async () => {
            const d: DeltaApplication = {
              feedId,
              rowId,
              sku,
              facilityId,
              delta: row.delta,
              file: fileName,
              line,
              at,
              uploadedAt,
              previousAt,
            };
            // Only a negative adjustment is held (a found one is not counted until NetSuite has it).
            if (matchOwn && row.delta < 0) {
              const own = await asOwn(d, deltaEffect(row.delta, timing));
              if (own === 'own') return void stats.own++;
              if (own === 'duplicate') return void stats.duplicates++;
            }
            const skipped = skipReason(row.delta, timing);
            if (skipped) {
              const outcome = await deps.deltas.skip(d, skipped);
              if (outcome === 'skipped') stats[skipped]++;
              else stats.duplicates++;
              return;
            }
            const result = await deps.deltas.apply(d);
            stats.txRetries += result.retries;
            if (result.outcome === 'applied') stats.applied++;
            else stats.duplicates++;
          });
          return undefined;
        },
        async checkpoint() {
          await pool.drain();
          await deps.lock.renew(owner, deps.leaseMs);
        },
        async finish() {
          await pool.drain();
          await deps.deltas.recordFile(feedId, uploadedAt);
          await deps.lock.release(owner, false);
          return { ...stats };
        },
        async abort() {
          await pool.drain().catch(() => undefined);
          await deps.lock.release(owner, false);
        },
      };
    },
  };
}

/**
 * Why a delta for `sku` at `facilityId` cannot be written, when its keys cannot hold it: the
 * figure's partition key (the SKU, at most 2,048 bytes), the snapshot's stale-key marker (a sort
 * key, `["<sku>","<facility>"]`, at most 1,024 bytes) and the own-adjustment key.
 */
export function deltaKeysTooLong(sku: string, facilityId: string): string | undefined {
  const marker = staleKeySortKey({ sku, facilityId });
  const overhead = utf8Bytes(marker) - utf8Bytes(sku);
  return (
    keyPartTooLong('SKU', sku, PARTITION_KEY_MAX_BYTES) ??
    keyPartTooLong('SKU', sku, PARTITION_KEY_MAX_BYTES, `OWNADJ#${facilityId}#`) ??
    (utf8Bytes(marker) > SORT_KEY_MAX_BYTES
      ? `SKU is ${utf8Bytes(sku).toLocaleString('en-US')} bytes long; at most ${(SORT_KEY_MAX_BYTES - overhead).toLocaleString('en-US')} bytes fit in its DynamoDB key (the snapshot's stale-key marker)`
      : undefined)
  );
}
