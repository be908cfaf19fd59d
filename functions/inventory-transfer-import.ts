/** Imports NetSuite inventory transfers (`inventorytransfer/import`): signed deltas. */
import { deltaImporter } from '../shared/jobs/inventory-delta-wiring.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('inventory-transfer-import', () =>
  deltaImporter('inventory-transfer-import'),
);
