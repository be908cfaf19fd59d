/** Imports NetSuite's open purchase orders (`purchaseorder/fulfillment`) for pre-order allocation. */
import { purchaseOrderImporter } from '../shared/jobs/purchase-order-wiring.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('purchase-order-import', () => purchaseOrderImporter());
