/** Builds the inventory delta importer from the process-wide clients and configuration. */
import { adjustmentDeltasIncludeOms, netsuiteReflectLagMinutes } from '../platform/config.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import { ProductStore } from '../store/product-store.ts';
import {
  inventoryDeltaImporter,
  type DeltaFeedId,
  type DeltaImporterDeps,
} from './inventory-delta-importer.ts';
import { SNAPSHOT_LOCK } from './inventory-snapshot-wiring.ts';
import { importLeaseMs } from './sqs-feed-import-handler.ts';

export function deltaImporterDeps(
  feedId: DeltaFeedId,
  overrides: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
): DeltaImporterDeps {
  return {
    feedId,
    deltas: new InventoryDeltaStore(dynamo(), table('inventory'), table('control')),
    facilities: new FacilityStore(dynamo(), table('control')),
    products: new ProductStore(dynamo(), table('control')),
    includeOms: feedId === 'inventory-adjustment-import' && adjustmentDeltasIncludeOms(),
    lagMs: netsuiteReflectLagMinutes() * 60_000,
    lock: new LeaseLock(dynamo(), table('control'), SNAPSHOT_LOCK),
    leaseMs: importLeaseMs(),
    lockWaitMs: 10 * 60_000,
    ...overrides,
  };
}

export const deltaImporter = (
  feedId: DeltaFeedId,
  overrides: Partial<Omit<DeltaImporterDeps, 'feedId'>> = {},
) => inventoryDeltaImporter(deltaImporterDeps(feedId, overrides));
