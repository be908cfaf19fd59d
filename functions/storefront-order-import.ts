/** Imports storefront order files (`storefront/orders`, a JSON array of orders). */
import { orderRuntime, root } from '../shared/app/root.ts';
import { sqsJsonFeedImportHandler } from '../shared/jobs/sqs-json-feed-import-handler.ts';
import { storefrontOrderImporter } from '../shared/jobs/storefront-order-importer.ts';

export const handler = sqsJsonFeedImportHandler('storefront-order-import', () =>
  storefrontOrderImporter(orderRuntime(root()).intake),
);
