/** Imports NetSuite's item fulfillments (CSV): the quantities shipped go to 3700 at their facility. */
import { fulfillmentCsvImporter } from '../shared/fulfillment/netsuite-fulfillment-import.ts';
import { fulfillmentImportDeps, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('fulfillment-csv-import', () =>
  fulfillmentCsvImporter(fulfillmentImportDeps(root())),
);
