/** Scheduled feed `allocation-update-export`: allocations at NetSuite-fulfilled facilities, once each. */
import { exportHandler } from '../shared/sync/export-handler.ts';
import { allocationExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(allocationExport);
