/** Imports NetSuite item receipts (`itemreceipt/csv`): signed deltas. */
import { deltaImporter } from '../shared/jobs/inventory-delta-wiring.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('item-receipt-import', () =>
  deltaImporter('item-receipt-import'),
);
