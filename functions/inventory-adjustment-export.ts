/** Scheduled feed `inventory-adjustment-export`: store rejections' inventory adjustments, once each. */
import { log } from '../shared/log.ts';
import { runExport, type ExportReport } from '../shared/sync/export-run.ts';
import {
  INVENTORY_ADJUSTMENT_MAX_ROWS,
  inventoryAdjustmentExport,
} from '../shared/sync/inventory-adjustment-export.ts';
import { exportDeps, exportSources } from '../shared/sync/wiring.ts';

export async function handler(): Promise<ExportReport> {
  const report = await runExport(inventoryAdjustmentExport(exportSources()), {
    ...exportDeps(),
    maxRowsPerFile: INVENTORY_ADJUSTMENT_MAX_ROWS,
  });
  log.info('export run', {
    feed: report.feed,
    files: report.files.length,
    rows: report.rows,
    records: report.records,
    leftOutbox: report.done,
    heldBack: report.heldBack,
    ms: report.ms,
  });
  for (const h of report.held.slice(0, 5)) {
    log.warn('record held back', { feed: report.feed, id: h.id, reasons: h.reasons.join('; ') });
  }
  return report;
}
