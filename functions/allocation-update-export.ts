/** Scheduled feed `allocation-update-export`: allocations at NetSuite-fulfilled facilities, once each. */
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import { allocationExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(allocationExport, exportWiring(root));
