/** Imports NetSuite's id file of feed `deposit-id-import` (an upsert: rows repeated across files are harmless). */
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';
import { depositIdImporter } from '../shared/sync/id-imports.ts';
import { idImportDeps, root } from '../shared/app/root.ts';

export const handler = sqsFeedImportHandler('deposit-id-import', () =>
  depositIdImporter(idImportDeps(root())),
);
