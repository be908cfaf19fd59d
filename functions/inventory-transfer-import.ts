/** Imports NetSuite inventory transfers (`inventorytransfer/import`): signed deltas. */
import { deltaImporter, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('inventory-transfer-import', () =>
  deltaImporter(root(), 'inventory-transfer-import'),
);
