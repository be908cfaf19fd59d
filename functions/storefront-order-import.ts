/** Imports storefront order files (`storefront/orders`, a JSON array of orders). */
import { orderRuntime } from '../shared/orders/runtime.ts';
import { sqsJsonFeedImportHandler } from '../shared/jobs/sqs-json-feed-import-handler.ts';
import { storefrontOrderImporter } from '../shared/jobs/storefront-order-importer.ts';

export const handler = sqsJsonFeedImportHandler('storefront-order-import', () =>
  storefrontOrderImporter(orderRuntime().intake),
);
