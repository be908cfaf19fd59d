/** Scheduled feed `oms-fulfilled-export`: what stores shipped, once each (`tags`=`hotwax-fulfilled`). */
import { OMS_FULFILLED_MAX_ROWS } from '../shared/domain/sync/oms-fulfilled-rows.ts';
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import { omsFulfilledExport } from '../shared/sync/exports.ts';

export const handler = exportHandler(omsFulfilledExport, exportWiring(root), {
  maxRowsPerFile: OMS_FULFILLED_MAX_ROWS,
});
