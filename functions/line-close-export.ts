/** Scheduled feed `line-close-export`: cancelled lines closed in NetSuite, once each. */
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import { lineCloseExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(lineCloseExport, exportWiring(root));
