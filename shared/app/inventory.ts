/** The composition root's accessors for inventory feeds and jobs (gathered by `root.ts`). */
import { settleReflected, type SettleDeps } from '../inventory/settle.ts';
import { HoldAgeReader } from '../inventory/stale-holds.ts';
import {
  inventoryDeltaImporter,
  type DeltaFeedId,
  type DeltaImporterDeps,
} from '../jobs/inventory-delta-importer.ts';
import {
  inventorySnapshotImporter,
  type SnapshotImporterDeps,
} from '../jobs/inventory-snapshot-importer.ts';
import {
  productImporter as buildProductImporter,
  type ProductImporterDeps,
} from '../jobs/product-importer.ts';
import { purchaseOrderImporter as buildPurchaseOrderImporter } from '../jobs/purchase-order-importer.ts';
import { importLeaseMs } from '../jobs/sqs-feed-import-handler.ts';
import { adjustmentDeltasIncludeOms, netsuiteReflectLagMinutes } from '../platform/config.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import {
  type Root,
  facilityStore,
  inventoryDeltaStore,
  inventoryStore,
  orderRuntime,
  productStore,
  purchaseOrderStore,
  reflectStore,
  snapshotListing,
  staleKeys,
  stateObjects,
} from './core.ts';

// ---------------------------------------------------------------------------------------------
// Inventory feeds and jobs

/** The lock the snapshot import and the delta imports share. */
export const SNAPSHOT_LOCK = 'inventory-snapshot';

export const snapshotLock = (r: Root) => new LeaseLock(r.dynamo, r.tables.control, SNAPSHOT_LOCK);

/** The settle step's dependencies (docs/inventory.md, "When a hold ends"). */
export function settleDeps(r: Root, overrides: Partial<SettleDeps> = {}): SettleDeps {
  const { service, positions } = orderRuntime(r);
  return {
    entries: reflectStore(r),
    service,
    holds: positions.holds,
    lagMs: netsuiteReflectLagMinutes(r.env) * 60_000,
    ...overrides,
  };
}

export function deltaImporterDeps(
  r: Root,
  feedId: DeltaFeedId,
  overrides: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
): DeltaImporterDeps {
  return {
    feedId,
    deltas: inventoryDeltaStore(r),
    facilities: facilityStore(r),
    products: productStore(r),
    includeOms: feedId === 'inventory-adjustment-import' && adjustmentDeltasIncludeOms(r.env),
    lagMs: netsuiteReflectLagMinutes(r.env) * 60_000,
    lock: snapshotLock(r),
    leaseMs: importLeaseMs(),
    lockWaitMs: 10 * 60_000,
    ...overrides,
  };
}

export const deltaImporter = (
  r: Root,
  feedId: DeltaFeedId,
  overrides: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
) => inventoryDeltaImporter(deltaImporterDeps(r, feedId, overrides));

export function snapshotImporterDeps(
  r: Root,
  overrides: Partial<SnapshotImporterDeps> = {},
): SnapshotImporterDeps {
  return {
    inventory: inventoryStore(r),
    deltas: inventoryDeltaStore(r),
    lagMs: netsuiteReflectLagMinutes(r.env) * 60_000,
    // The settle step: promises the file's figures reflect stop counting (docs/inventory.md).
    onFileImported: async (file) => {
      await settleReflected(file, settleDeps(r));
    },
    facilities: facilityStore(r),
    state: stateObjects(r),
    lock: snapshotLock(r),
    staleKeys: staleKeys(r),
    listing: snapshotListing(r),
    leaseMs: importLeaseMs(),
    lockWaitMs: 10 * 60_000,
    ...overrides,
  };
}

export const snapshotImporter = (r: Root, overrides: Partial<SnapshotImporterDeps> = {}) =>
  inventorySnapshotImporter(snapshotImporterDeps(r, overrides));

export function productImporterDeps(
  r: Root,
  overrides: Partial<ProductImporterDeps> = {},
): ProductImporterDeps {
  return { products: productStore(r), state: stateObjects(r), ...overrides };
}

export const productImporter = (r: Root, overrides: Partial<ProductImporterDeps> = {}) =>
  buildProductImporter(productImporterDeps(r, overrides));

export const purchaseOrderImporter = (r: Root) =>
  buildPurchaseOrderImporter({
    purchaseOrders: purchaseOrderStore(r),
    facilities: facilityStore(r),
  });

/** The reader of adjustment-hold ages the reconcile job reports from. */
export const holdAgeReader = (r: Root) => new HoldAgeReader(r.dynamo, r.tables.inventory);
