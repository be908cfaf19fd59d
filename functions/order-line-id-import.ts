/** Imports NetSuite's id file of feed `order-line-id-import` (an upsert: rows repeated across files are harmless). */
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';
import { lineIdImporter } from '../shared/sync/id-imports.ts';
import { idImportDeps, root } from '../shared/app/root.ts';

export const handler = sqsFeedImportHandler('order-line-id-import', () =>
  lineIdImporter(idImportDeps(root())),
);
