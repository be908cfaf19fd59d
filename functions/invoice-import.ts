/** Imports NetSuite's invoice report (`alc-audit-data`): each order marked invoiced once per invoice. */
import { invoiceImporter } from '../shared/fulfillment/invoice-import.ts';
import { invoiceImportDeps, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('invoice-import', () =>
  invoiceImporter(invoiceImportDeps(root())),
);
