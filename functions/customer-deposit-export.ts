/** Scheduled feed `customer-deposit-export`: writes the records waiting for their NetSuite id. */
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import { depositExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(depositExport, exportWiring(root));
