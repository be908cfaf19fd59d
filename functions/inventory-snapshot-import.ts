/** Imports NetSuite's inventory snapshot files (`inventoryitem/csv`). */
import { root, snapshotImporter } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('inventory-snapshot-import', () =>
  snapshotImporter(root()),
);
