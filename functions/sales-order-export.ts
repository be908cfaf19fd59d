/** Scheduled feed `sales-order-export`: writes the records waiting for their NetSuite id. */
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import { salesOrderExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(salesOrderExport, exportWiring(root));
