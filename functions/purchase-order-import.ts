/** Imports NetSuite's open purchase orders (`purchaseorder/fulfillment`) for pre-order allocation. */
import { purchaseOrderImporter, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('purchase-order-import', () =>
  purchaseOrderImporter(root()),
);
