/** Imports NetSuite's rejected items: released from the rejecting facility and brokered again. */
import { rejectedItemImporter } from '../shared/brokering/netsuite-rejections.ts';
import { rejectionImportDeps, root } from '../shared/app/root.ts';
import { sqsFeedImportHandler } from '../shared/jobs/sqs-feed-import-handler.ts';

export const handler = sqsFeedImportHandler('rejected-item-import', () =>
  rejectedItemImporter(rejectionImportDeps(root())),
);
