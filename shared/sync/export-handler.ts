/**
 * The handler of a scheduled outbound feed, in the Lambda shell: one export run, one log line for
 * the run and one per record held back (the first five), the report as the result; metrics
 * `RecordsExported`, `RowsExported`, `FilesExported`, `RecordsHeldBack`, `RefusedByNetsuite`.
 */
import { lambdaShell } from '../lambda-shell/shell.ts';
import { appendKeys } from '../platform/invocation.ts';
import { log } from '../platform/log.ts';
import { runExport, type ExportDeps, type ExportFeed, type ExportReport } from './export-run.ts';
import type { ExportSources } from './exports.ts';

/** Where a run's sources and settings come from (the process's root builds them per run). */
export interface ExportWiring {
  readonly sources: () => ExportSources;
  readonly deps: () => ExportDeps;
}

export function exportHandler<P>(
  spec: (src: ExportSources) => ExportFeed<P>,
  wiring: ExportWiring,
  overrides: Partial<ExportDeps> = {},
) {
  // The feed's id names the handler (read once, at the first invocation).
  let name: string | undefined;
  const feedName = () => (name ??= spec(wiring.sources()).feed.id);
  return lambdaShell<unknown, ExportReport>(
    {
      get name() {
        return feedName();
      },
      kind: 'job',
      metrics: (report, add) => {
        add('RecordsExported', report.records);
        add('RowsExported', report.rows);
        add('FilesExported', report.files.length);
        add('RecordsHeldBack', report.heldBack);
        add('RefusedByNetsuite', report.refused);
      },
    },
    async () => {
      const feed = spec(wiring.sources());
      appendKeys({ feed: feed.feed.id });
      const report = await runExport(feed, { ...wiring.deps(), ...overrides });
      appendKeys({ runId: report.runId });
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
        log.warn('record held back', {
          feed: report.feed,
          id: h.id,
          reasons: h.reasons.join('; '),
        });
      }
      return report;
    },
  );
}
