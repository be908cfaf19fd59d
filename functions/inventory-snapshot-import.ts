/** Imports NetSuite's inventory snapshot files (`inventoryitem/csv`). */
import { inventorySnapshotImporter } from '../shared/jobs/inventory-snapshot-importer.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';
import { dynamo, table } from '../shared/store/dynamo-client.ts';
import { InventoryStore } from '../shared/store/inventory-store.ts';

export const handler = sqsFeedImportHandler('inventory-snapshot-import', () =>
  inventorySnapshotImporter(new InventoryStore(dynamo(), table('inventory'))),
);
