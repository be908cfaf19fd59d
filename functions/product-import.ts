/** Imports NetSuite's product export (`product/csv`): SKU ↔ NetSuite item id. */
import { productImporter, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('product-import', () => productImporter(root()));
