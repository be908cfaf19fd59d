/**
 * The handler of a scheduled outbound feed: one export run, one log line for the run and one per
 * record held back (the first five), the report as the result.
 */
import { log } from '../log.ts';
import { runExport, type ExportDeps, type ExportFeed, type ExportReport } from './export-run.ts';
import { exportDeps, exportSources } from './wiring.ts';
import type { ExportSources } from './exports.ts';

export function exportHandler<P>(
  spec: (src: ExportSources) => ExportFeed<P>,
  overrides: Partial<ExportDeps> = {},
): () => Promise<ExportReport> {
  return async () => {
    const report = await runExport(spec(exportSources()), { ...exportDeps(), ...overrides });
    log.info('export run', {
      feed: report.feed,
      files: report.files.length,
      rows: report.rows,
      records: report.records,
      waiting: report.waiting,
      heldBack: report.heldBack,
      missingFields: report.missingFields,
      refusedByNetsuite: report.refused,
      resent: report.resent,
      leftOutbox: report.done,
      ms: report.ms,
    });
    for (const h of report.held.slice(0, 5)) {
      log.warn('record held back', { feed: report.feed, id: h.id, reasons: h.reasons.join('; ') });
    }
    return report;
  };
}
