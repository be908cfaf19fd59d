/** Imports NetSuite's item fulfillments (JSON): the quantities shipped go to 3700 at their facility. */
import { fulfillmentJsonImporter } from '../shared/fulfillment/netsuite-fulfillment-import.ts';
import { fulfillmentImportDeps, root } from '../shared/app/root.ts';
import { sqsJsonFeedImportHandler } from '../shared/jobs/sqs-json-feed-import-handler.ts';

export const handler = sqsJsonFeedImportHandler('fulfillment-json-import', () =>
  fulfillmentJsonImporter(fulfillmentImportDeps(root())),
);
