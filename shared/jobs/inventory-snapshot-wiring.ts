/** Builds the inventory snapshot importer from the process-wide clients and configuration. */
import { config, netsuiteReflectLagMinutes } from '../platform/config.ts';
import { s3 } from '../files/s3-client.ts';
import { StateObjects } from '../files/state-objects.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { InventoryStore } from '../store/inventory-store.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import { SnapshotListing } from '../store/snapshot-listing.ts';
import { StaleKeys } from '../store/stale-keys.ts';
import { settleReflected } from '../inventory/settle.ts';
import { importLeaseMs } from './sqs-feed-import-handler.ts';
import {
  inventorySnapshotImporter,
  type SnapshotImporterDeps,
} from './inventory-snapshot-importer.ts';

export const SNAPSHOT_LOCK = 'inventory-snapshot';

export function snapshotImporterDeps(
  overrides: Partial<SnapshotImporterDeps> = {},
): SnapshotImporterDeps {
  return {
    inventory: new InventoryStore(dynamo(), table('inventory')),
    deltas: new InventoryDeltaStore(dynamo(), table('inventory'), table('control')),
    lagMs: netsuiteReflectLagMinutes() * 60_000,
    // The settle step: promises the file's figures reflect stop counting (docs/inventory.md).
    onFileImported: async (file) => {
      await settleReflected(file);
    },
    facilities: new FacilityStore(dynamo(), table('control')),
    state: new StateObjects(s3(), config().bucket),
    lock: new LeaseLock(dynamo(), table('control'), SNAPSHOT_LOCK),
    staleKeys: new StaleKeys(dynamo(), table('control')),
    listing: new SnapshotListing(dynamo(), table('control')),
    leaseMs: importLeaseMs(),
    lockWaitMs: 10 * 60_000,
    ...overrides,
  };
}

export const snapshotImporter = (overrides: Partial<SnapshotImporterDeps> = {}) =>
  inventorySnapshotImporter(snapshotImporterDeps(overrides));
