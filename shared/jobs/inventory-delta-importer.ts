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
 * **The OMS's own adjustments.** A store rejection corrects the OMS figure at once and sends
 * NetSuite an inventory adjustment. When NetSuite's adjustment delta export also returns the
 * adjustments the OMS created (`includeOms`, `OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`; adjustment feed
 * only), a row at the same facility (NetSuite location) for the same SKU (item) with the same
 * signed quantity as an adjustment the OMS sent before the file was written and that no row has
 * matched yet is that adjustment: it is not applied again (`own` on the file's log line) and the
 * match is consumed (oldest adjustment first). When false, nothing is matched.
 */
import { deltaRowId, parseDeltaRow, type DeltaRecord } from '../domain/inventory-delta.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import type { DeltaApplication, InventoryDeltaStore } from '../store/inventory-delta-store.ts';
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
   * NetSuite's adjustment delta export returns the OMS's own adjustments too: recognise them and
   * do not apply them again (only for `inventory-adjustment-import`).
   */
  readonly includeOms?: boolean;
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
    async open({ fileName, lastModified }): Promise<CsvImportSession> {
      const facilityByExternal = await deps.facilities.byExternalId();
      const matchOwn = !!deps.includeOms && feedId === 'inventory-adjustment-import';
      /** Only adjustments sent before NetSuite wrote this file can be in it. */
      const writtenAt = (lastModified ?? new Date()).toISOString();
      /** NetSuite item id → SKU (null: not in the registry), per file. */
      const skuOfItem = new Map<string, string | null>();
      const pool = new InFlight(deps.concurrency ?? 16);
      const at = new Date().toISOString();
      const stats = { applied: 0, duplicates: 0, zeroDeltas: 0, txRetries: 0, own: 0 };

      /** Takes the row as one of the OMS's pending adjustments, if one fits; else undefined. */
      const asOwn = async (d: DeltaApplication): Promise<'own' | 'duplicate' | undefined> => {
        for (let tries = 0; tries < 5; tries++) {
          const candidate = (await deps.deltas.pendingOwn(d.facilityId, d.sku)).find(
            (o) => o.delta === d.delta && o.sentAt <= writtenAt,
          );
          if (!candidate) return undefined;
          const outcome = await deps.deltas.applyOwn(d, candidate);
          if (outcome !== 'taken') return outcome;
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
            };
            if (matchOwn) {
              const own = await asOwn(d);
              if (own === 'own') return void stats.own++;
              if (own === 'duplicate') return void stats.duplicates++;
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
        },
        async finish() {
          await pool.drain();
          return { ...stats };
        },
        async abort() {
          await pool.drain().catch(() => undefined);
        },
      };
    },
  };
}
