/** Scheduled feed `customer-export`: writes the records waiting for their NetSuite id. */
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import { customerExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(customerExport, exportWiring(root));
