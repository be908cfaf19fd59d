/** Imports NetSuite's product export (`product/csv`): SKU ↔ NetSuite item id. */
import { productImporter } from '../shared/jobs/product-wiring.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('product-import', () => productImporter());
