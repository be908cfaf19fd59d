/**
 * Inventory adjustments (`inventoryadjustment/csv`) from store rejections, as a feed spec for
 * `runExport`: one row per `invadj` outbox entry, each sent once (NetSuite sends no id back; the
 * entry leaves the outbox when written), at most 1,000 rows a file (pass
 * `INVENTORY_ADJUSTMENT_MAX_ROWS` as `maxRowsPerFile`). An entry whose NetSuite item id or facility
 * is unknown is held back and re-checked on every run.
 *
 * `Adjustment Account` is `OMS_ADJUSTMENT_ACCOUNT` (NetSuite's account for inventory adjustments,
 * as the CSV import maps it: internal id, number or name), default `Inventory Adjustment`.
 */
import type { Facility } from '../domain/facility.ts';
import {
  inventoryAdjustmentRow,
  type InventoryAdjustmentPayload,
} from '../domain/sync/inventory-adjustment-rows.ts';
import { feedById } from '../feeds/catalog.ts';
import type { ExportFeed, RecordPlan } from './export-run.ts';
import type { ExportSources } from './exports.ts';

/** NetSuite's inventory adjustment import takes at most 1,000 rows a file. */
export const INVENTORY_ADJUSTMENT_MAX_ROWS = 1_000;

export const ADJUSTMENT_ACCOUNT_ENV = 'OMS_ADJUSTMENT_ACCOUNT';
export const DEFAULT_ADJUSTMENT_ACCOUNT = 'Inventory Adjustment';

/** `OMS_ADJUSTMENT_ACCOUNT`, or the default when unset or blank. */
export const adjustmentAccount = (env: NodeJS.ProcessEnv = process.env): string =>
  env[ADJUSTMENT_ACCOUNT_ENV]?.trim() || DEFAULT_ADJUSTMENT_ACCOUNT;

export function inventoryAdjustmentExport(
  src: ExportSources,
  opts: { account?: string } = {},
): ExportFeed<InventoryAdjustmentPayload> {
  if (!src.facilities) throw new Error('inventory adjustment export needs facilities');
  const { facilities } = src;
  const account = opts.account ?? adjustmentAccount();
  let byId: Promise<Map<string, Facility>> | undefined;
  return {
    outbox: 'invadj',
    feed: feedById('inventory-adjustment-export'),
    fileBase: 'InventoryAdjustment',
    sendOnce: true,
    async plan(entries) {
      byId ??= facilities.list().then((all) => new Map(all.map((f) => [f.facilityId, f])));
      const skus = [...new Set(entries.map((e) => e.payload.sku))];
      const [known, itemIds] = await Promise.all([byId, src.products.itemIdsForSkus(skus)]);
      const unknown = skus.filter((sku) => !itemIds.has(sku));
      if (unknown.length && src.inventory) {
        for (const [sku, id] of await src.inventory.itemIdsFromSnapshot(unknown)) {
          itemIds.set(sku, id);
        }
      }
      return entries.map((e): RecordPlan => {
        const built = inventoryAdjustmentRow(e.payload, {
          facility: known.get(e.payload.facilityId),
          itemId: itemIds.get(e.payload.sku),
          account,
        });
        return built.kind === 'ready'
          ? { kind: 'ready', rows: [built.row] }
          : { kind: 'held', reasons: built.reasons };
      });
    },
  };
}
