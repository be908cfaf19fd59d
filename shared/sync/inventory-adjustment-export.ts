/**
 * Inventory adjustments (`inventoryadjustment/csv`) from store rejections, as a feed spec for
 * `runExport`: one row per `invadj` outbox entry, each sent once (NetSuite sends no id back; the
 * entry leaves the outbox when written), at most 1,000 rows a file (pass
 * `INVENTORY_ADJUSTMENT_MAX_ROWS` as `maxRowsPerFile`). An entry whose NetSuite item id or facility
 * is unknown is held back and re-checked on every run.
 *
 * `Adjustment Account` is the internal id of NetSuite's inventory adjustment account
 * (`OMS_NETSUITE_ADJUSTMENT_ACCOUNT`, required: the export refuses to start without it), `Date` the
 * rejection's day in the account's time (`OMS_NETSUITE_UTC_OFFSET`), `Subsidiary` the facility's.
 *
 * When NetSuite's adjustment delta export returns the OMS's own adjustments
 * (`OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`), each adjustment written is recorded as pending
 * (`InventoryDeltaStore.recordOwn`) just before its file is written, so that the delta import
 * recognises it when it comes back and does not count it twice.
 */
import {
  adjustmentDeltasIncludeOms,
  netsuiteAdjustmentAccount,
  netsuiteUtcOffset,
} from '../platform/config.ts';
import type { Facility } from '../domain/facility.ts';
import {
  inventoryAdjustmentRow,
  type InventoryAdjustmentPayload,
} from '../domain/sync/inventory-adjustment-rows.ts';
import { feedById } from '../feeds/catalog.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { InventoryDeltaStore, type OwnAdjustment } from '../store/inventory-delta-store.ts';
import type { ExportFeed, RecordPlan } from './export-run.ts';
import type { ExportSources } from './exports.ts';

/** NetSuite's inventory adjustment import takes at most 1,000 rows a file. */
export const INVENTORY_ADJUSTMENT_MAX_ROWS = 1_000;

export interface InventoryAdjustmentExportOptions {
  /** The account's internal id (default: `OMS_NETSUITE_ADJUSTMENT_ACCOUNT`, required). */
  readonly account?: string;
  /** The account's UTC offset (default: `OMS_NETSUITE_UTC_OFFSET`). */
  readonly utcOffset?: string;
  /** Record the adjustments as pending own ones (default: `OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS`). */
  readonly includeOms?: boolean;
  /** Where pending own adjustments are kept (default: the control table). */
  readonly own?: Pick<InventoryDeltaStore, 'recordOwn'>;
  readonly now?: () => Date;
  readonly env?: NodeJS.ProcessEnv;
}

export function inventoryAdjustmentExport(
  src: ExportSources,
  opts: InventoryAdjustmentExportOptions = {},
): ExportFeed<InventoryAdjustmentPayload> {
  if (!src.facilities) throw new Error('inventory adjustment export needs facilities');
  const { facilities } = src;
  const env = opts.env ?? process.env;
  // Refuses to start (throws, naming the setting) without the account.
  const account = opts.account ?? netsuiteAdjustmentAccount(env);
  const utcOffset = opts.utcOffset ?? netsuiteUtcOffset(env);
  const includeOms = opts.includeOms ?? adjustmentDeltasIncludeOms(env);
  const own =
    opts.own ??
    (includeOms
      ? new InventoryDeltaStore(dynamo(), table('inventory'), table('control'))
      : undefined);
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
      const sentAt = (opts.now?.() ?? new Date()).toISOString();
      const ready: OwnAdjustment[] = [];
      const plans = entries.map((e): RecordPlan => {
        const built = inventoryAdjustmentRow(e.payload, {
          facility: known.get(e.payload.facilityId),
          itemId: itemIds.get(e.payload.sku),
          account,
          utcOffset,
        });
        if (built.kind !== 'ready') return { kind: 'held', reasons: built.reasons };
        const p = e.payload;
        ready.push({
          adjustmentId: p.adjustmentId,
          facilityId: p.facilityId,
          sku: p.sku,
          delta: p.delta,
          sentAt,
        });
        return { kind: 'ready', rows: [built.row] };
      });
      // Pending before the file exists: NetSuite cannot return an adjustment it has not read.
      if (includeOms && own && ready.length) await own.recordOwn(ready);
      return plans;
    },
  };
}
