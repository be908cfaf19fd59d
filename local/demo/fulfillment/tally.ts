/**
 * The fulfillment flow's running totals: the schedule-and-release runs' reports, the two exports'
 * reports, and — read again after a release run when NetSuite has written files since — what the
 * fulfillment and invoice imports recorded (their file ledgers).
 */
import type { ScheduleReleaseReport } from '../../../shared/fulfillment/schedule-release.ts';
import { dynamo, table } from '../../../shared/store/dynamo-client.ts';
import { ImportLedger, type FeedFileRun } from '../../../shared/store/import-ledger.ts';
import type { ExportReport } from '../../../shared/sync/export-run.ts';

export interface ReleaseTotals {
  runs: number;
  /** Runs that found another run under way and did nothing. */
  busy: number;
  scheduledLines: number;
  scheduledUnits: number;
  releasedLines: number;
  releasedUnits: number;
  failed: number;
}

export interface SentTotals {
  rows: number;
  files: number;
}

export interface ImportTotals {
  files: number;
  rows: number;
  applied: number;
  /** Rows to the error file. */
  rejected: number;
  /** The importer's own figures, summed (e.g. fulfilled, units, repeated; recorded, unchanged). */
  stats: Record<string, number>;
  /** Error files written, below the NetSuite root. */
  errorFiles: string[];
}

/** The ledger of a feed's imported files (the newest thousand), added up. */
export async function importTotals(feed: string): Promise<ImportTotals> {
  const runs: FeedFileRun[] = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(
    feed,
    1000,
  );
  const out: ImportTotals = {
    files: 0,
    rows: 0,
    applied: 0,
    rejected: 0,
    stats: {},
    errorFiles: [],
  };
  for (const r of runs) {
    out.files++;
    out.rows += r.rows;
    out.applied += r.applied;
    out.rejected += r.rejected;
    for (const [k, v] of Object.entries(r.stats ?? {})) out.stats[k] = (out.stats[k] ?? 0) + v;
    if (r.errorFile) out.errorFiles.push(r.errorFile);
  }
  return out;
}

const emptyImport = (): ImportTotals => ({
  files: 0,
  rows: 0,
  applied: 0,
  rejected: 0,
  stats: {},
  errorFiles: [],
});

export class FulfillmentTally {
  readonly release: ReleaseTotals = {
    runs: 0,
    busy: 0,
    scheduledLines: 0,
    scheduledUnits: 0,
    releasedLines: 0,
    releasedUnits: 0,
    failed: 0,
  };
  readonly fulfilledSent: SentTotals = { rows: 0, files: 0 };
  readonly closesSent: SentTotals = { rows: 0, files: 0 };
  fulfillmentImports: ImportTotals = emptyImport();
  invoiceImports: ImportTotals = emptyImport();

  /** Files NetSuite had written when the imports were last read. */
  private filesSeen = -1;

  /** `filesWritten`: the files NetSuite has written so far (the imports are read again only when it wrote more). */
  async afterRelease(r: ScheduleReleaseReport, filesWritten: number): Promise<void> {
    this.release.runs++;
    if (r.busy) this.release.busy++;
    this.release.scheduledLines += r.scheduledLines;
    this.release.scheduledUnits += r.scheduledUnits;
    this.release.releasedLines += r.releasedLines;
    this.release.releasedUnits += r.releasedUnits;
    this.release.failed += r.failed.length;
    if (filesWritten === this.filesSeen) return;
    this.filesSeen = filesWritten;
    await this.refreshImports();
  }

  afterFulfilledExport(r: ExportReport): void {
    this.fulfilledSent.rows += r.rows;
    this.fulfilledSent.files += r.files.length;
  }

  afterLineCloseExport(r: ExportReport): void {
    this.closesSent.rows += r.rows;
    this.closesSent.files += r.files.length;
  }

  /** What NetSuite's fulfillment and invoice files brought so far. */
  async refreshImports(): Promise<void> {
    [this.fulfillmentImports, this.invoiceImports] = await Promise.all([
      importTotals('fulfillment-csv-import'),
      importTotals('invoice-import'),
    ]);
  }
}
