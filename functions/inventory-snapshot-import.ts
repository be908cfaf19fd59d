/** Imports NetSuite's inventory snapshot files (`inventoryitem/csv`). */
import { snapshotImporter } from '../shared/jobs/inventory-snapshot-wiring.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('inventory-snapshot-import', () => snapshotImporter());
