/** Scheduled feed `customer-export`: writes the records waiting for their NetSuite id. */
import { exportHandler } from '../shared/sync/export-handler.ts';
import { customerExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(customerExport);
