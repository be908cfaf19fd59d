/** Imports NetSuite item receipts (`itemreceipt/csv`): signed deltas. */
import { deltaImporter, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('item-receipt-import', () =>
  deltaImporter(root(), 'item-receipt-import'),
);
