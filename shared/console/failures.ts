/**
 * The operator console's second view, "failures you can act on": files in the inbound feeds'
 * `failed/` folders and the error reports in `error/` (each refused row with its line, field and
 * reason), NetSuite's own exception files as the `netsuite-exceptions` job recorded them, and the
 * dead letters with their error. What was fixed from the console (a corrected file re-imported)
 * moves from the open lists to `fixed`, with the new file's outcome from the import ledger.
 */
import { parse } from 'csv-parse/sync';
import { ERROR_COLUMNS, type RowError } from '../feeds/error-report.ts';
import { implementedFeeds, type FeedDefinition } from '../feeds/catalog.ts';
import { feedPrefix } from '../feeds/paths.ts';
import type { FeedFileStore, StoredObject } from '../files/feed-file-store.ts';
import type { DeadLetterQueue, DeadLetterView } from '../queue/dead-letter-queue.ts';
import type { Resolution, ResolutionStore } from '../store/audit-store.ts';
import type { FeedFileRun, ImportLedger } from '../store/import-ledger.ts';
import type { SyncStore } from '../store/sync-store.ts';
import { exceptionsStatus, type ExceptionsStatus } from '../sync/netsuite-exceptions.ts';
import { originalName, reportedName } from './files.ts';

export interface FailuresDeps {
  readonly user: string;
  readonly files: Pick<FeedFileStore, 'list' | 'openRead'>;
  readonly ledger: Pick<ImportLedger, 'recentFeedRuns'>;
  readonly sync: SyncStore;
  readonly deadLetters: Pick<DeadLetterQueue, 'list'>;
  readonly resolutions: Pick<ResolutionStore, 'all'>;
}

export interface FileOutcome {
  readonly result: 'archived' | 'failed' | 'waiting';
  readonly at?: string;
  readonly applied?: number;
  readonly rejected?: number;
  readonly reason?: string;
}

export interface FailedFileView {
  readonly kind: 'failed-file';
  readonly key: string;
  readonly feed: string;
  readonly feedTitle: string;
  readonly name: string;
  /** The name it came under (and is re-imported under). */
  readonly originalName: string;
  readonly size: number;
  readonly at?: string;
  readonly reason: string;
  readonly errorReport?: string;
  readonly resolved?: Resolution & { readonly outcome: FileOutcome };
}

export interface ErrorReportView {
  readonly kind: 'error-report';
  readonly key: string;
  readonly feed: string;
  readonly feedTitle: string;
  readonly name: string;
  /** The kept file the report describes (archive/). */
  readonly sourceKey: string;
  readonly originalName: string;
  readonly at?: string;
  /** Rows refused in all (the import's count), and the first ones with line, field, reason. */
  readonly refusedRows: number;
  readonly rows: readonly RowError[];
  /** Whether the refused rows may be re-imported on their own (not for a snapshot feed). */
  readonly rowsReimportable: boolean;
  readonly resolved?: Resolution & { readonly outcome: FileOutcome };
}

export interface FailuresView {
  readonly at: string;
  readonly failedFiles: readonly FailedFileView[];
  readonly errorReports: readonly ErrorReportView[];
  /** Fixed from the console, newest first. */
  readonly fixed: ReadonlyArray<FailedFileView | ErrorReportView>;
  readonly netsuite: ExceptionsStatus;
  readonly deadLetters: readonly DeadLetterView[];
}

/** Error reports listed: those of the last 14 days, at most 25, newest first. */
const REPORT_DAYS = 14;
const REPORTS = 25;
/** Rows shown of each report (the whole report is a download away). */
export const REPORT_ROWS = 50;
/** Bytes read of a report to show its first rows. */
const REPORT_HEAD_BYTES = 256 * 1024;

/** Feeds whose files replace a whole picture: a file of a few corrected rows would not do. */
export const SNAPSHOT_FEEDS: ReadonlySet<string> = new Set(['inventory-snapshot-import']);

/** The first rows of an error report (bounded read). */
export async function reportRows(
  files: Pick<FeedFileStore, 'openRead'>,
  key: string,
  limit = REPORT_ROWS,
  maxBytes = REPORT_HEAD_BYTES,
): Promise<RowError[]> {
  const stream = await files.openRead(key);
  if (!stream) return [];
  const chunks: Buffer[] = [];
  let bytes = 0;
  let complete = true;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    if (bytes >= maxBytes) {
      complete = false;
      break;
    }
  }
  stream.destroy();
  let text = Buffer.concat(chunks).toString('utf8');
  if (!complete) text = text.slice(0, text.lastIndexOf('\n') + 1);
  const records = parse(text, {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
    to: limit,
  }) as Array<Record<(typeof ERROR_COLUMNS)[number], string>>;
  return records.map((r) => ({
    line: Number(r.line),
    field: r.field ?? '',
    reason: r.reason ?? '',
    raw: r.raw ?? '',
  }));
}

/**
 * The outcome of the corrected file: the first import of its key that finished after the
 * re-import (an earlier file under the same name, such as the one that failed, is not it).
 */
function outcomeOf(runs: readonly FeedFileRun[], key: string, since: string): FileOutcome {
  const run = runs
    .filter((r) => r.key === key && r.finishedAt >= since)
    .sort((a, b) => (a.finishedAt < b.finishedAt ? -1 : 1))[0];
  if (!run) return { result: 'waiting' };
  return {
    result: run.result,
    at: run.finishedAt,
    applied: run.applied,
    rejected: run.rejected,
    reason: run.reason,
  };
}

const lastModified = (o: StoredObject) => o.lastModified?.toISOString();

async function feedFailures(
  deps: FailuresDeps,
  feed: FeedDefinition,
  resolutions: ReadonlyMap<string, Resolution>,
  since: number,
): Promise<{ failed: FailedFileView[]; reports: Array<{ o: StoredObject; run?: FeedFileRun }> }> {
  const prefix = feedPrefix(deps.user, feed);
  const [failed, errors, runs] = await Promise.all([
    deps.files.list(`${prefix}failed/`),
    deps.files.list(`${prefix}error/`),
    deps.ledger.recentFeedRuns(feed.id, 50),
  ]);
  const resolved = (key: string) => {
    const r = resolutions.get(key);
    return r ? { ...r, outcome: outcomeOf(runs, r.reimportedAs, r.at) } : undefined;
  };
  const failedViews = failed.map((o): FailedFileView => {
    const run = runs.find((r) => r.keptAs === o.key);
    const name = o.key.slice(`${prefix}failed/`.length);
    return {
      kind: 'failed-file',
      key: o.key,
      feed: feed.id,
      feedTitle: feed.title,
      name,
      originalName: originalName(name),
      size: o.size,
      at: lastModified(o),
      reason: run?.reason ?? 'the file could not be imported (see its error report)',
      errorReport: run?.errorFile,
      resolved: resolved(o.key),
    };
  });
  const reports = errors
    .filter((o) => o.key.endsWith('.errors.csv') && (o.lastModified?.getTime() ?? 0) >= since)
    // A failed file's report is shown with the file.
    .filter((o) => !failedViews.some((f) => f.errorReport === o.key))
    .map((o) => ({ o, run: runs.find((r) => r.errorFile === o.key) }));
  return { failed: failedViews, reports };
}

export async function consoleFailures(deps: FailuresDeps, now = new Date()): Promise<FailuresView> {
  const feeds = implementedFeeds().filter((f) => f.trigger.kind === 'object-created');
  const since = now.getTime() - REPORT_DAYS * 86_400_000;
  const resolutions = await deps.resolutions.all();
  const [perFeed, netsuite, deadLetters] = await Promise.all([
    Promise.all(feeds.map((f) => feedFailures(deps, f, resolutions, since))),
    exceptionsStatus(deps.sync, { limit: 50 }),
    deps.deadLetters.list(),
  ]);
  const failedFiles = perFeed.flatMap((p) => p.failed);
  const newest = perFeed
    .flatMap((p, i) => p.reports.map((r) => ({ ...r, feed: feeds[i]! })))
    .sort((a, b) => (b.o.lastModified?.getTime() ?? 0) - (a.o.lastModified?.getTime() ?? 0))
    .slice(0, REPORTS);
  const errorReports = await Promise.all(
    newest.map(async ({ o, run, feed }): Promise<ErrorReportView> => {
      const prefix = feedPrefix(deps.user, feed);
      const name = o.key.slice(`${prefix}error/`.length);
      const runs = await deps.ledger.recentFeedRuns(feed.id, 50);
      const r = resolutions.get(o.key);
      return {
        kind: 'error-report',
        key: o.key,
        feed: feed.id,
        feedTitle: feed.title,
        name,
        sourceKey: run?.keptAs ?? `${prefix}archive/${reportedName(name)}`,
        originalName: originalName(name),
        at: lastModified(o),
        refusedRows: run?.rejected ?? 0,
        rows: await reportRows(deps.files, o.key),
        rowsReimportable: !SNAPSHOT_FEEDS.has(feed.id),
        resolved: r ? { ...r, outcome: outcomeOf(runs, r.reimportedAs, r.at) } : undefined,
      };
    }),
  );
  const open = <T extends { resolved?: unknown }>(xs: readonly T[]) =>
    xs.filter((x) => !x.resolved);
  const fixed = [...failedFiles, ...errorReports]
    .filter((x) => x.resolved)
    .sort((a, b) => (b.resolved!.at < a.resolved!.at ? -1 : 1));
  return {
    at: now.toISOString(),
    failedFiles: open(failedFiles),
    errorReports: open(errorReports),
    fixed,
    netsuite,
    deadLetters,
  };
}
