/** Scheduled feed `line-close-export`: cancelled lines closed in NetSuite, once each. */
import { exportHandler } from '../shared/sync/export-handler.ts';
import { lineCloseExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(lineCloseExport);
