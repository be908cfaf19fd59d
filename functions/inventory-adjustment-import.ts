/** Imports NetSuite inventory adjustments (`inventoryadjustment/import`): signed deltas. */
import { deltaImporter, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('inventory-adjustment-import', () =>
  deltaImporter(root(), 'inventory-adjustment-import'),
);
