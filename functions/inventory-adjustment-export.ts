/** Scheduled feed `inventory-adjustment-export`: store rejections' inventory adjustments, once each. */
import { exportWiring, root } from '../shared/app/root.ts';
import { exportHandler } from '../shared/sync/export-handler.ts';
import {
  INVENTORY_ADJUSTMENT_MAX_ROWS,
  inventoryAdjustmentExport,
} from '../shared/sync/inventory-adjustment-export.ts';

export const handler = exportHandler(inventoryAdjustmentExport, exportWiring(root), {
  maxRowsPerFile: INVENTORY_ADJUSTMENT_MAX_ROWS,
});
