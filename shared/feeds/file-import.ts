/**
 * Imports one inbound feed file: decide whether it is ours, claim it in the ledger (so a repeated
 * event changes nothing), stream and check its rows, hand good rows to the feed's importer, write
 * the error CSV for bad ones, and move the file to archive/ (or failed/ when its header is wrong).
 */
import type { FeedDefinition } from './catalog.ts';
import { EmptyFileError, HeaderMismatchError, mapHeader, openCsv } from './csv-reader.ts';
import { ErrorReport, errorFileName, type AtomicWrite } from './error-report.ts';
import { locateInbound, subfolderKey } from './paths.ts';
import type { ObjectRef } from './s3-event.ts';
import type { FeedFileStore } from '../files/feed-file-store.ts';
import type { ImportLedger } from '../store/import-ledger.ts';

export interface RowRejection {
  readonly field: string;
  readonly reason: string;
}

/** One file's worth of work for a feed; rows arrive keyed by the catalog's column names. */
export interface CsvImportSession {
  row(record: Readonly<Record<string, string>>, line: number): Promise<RowRejection | undefined>;
  /** Makes every accepted row durable; returns how many were applied. */
  finish(): Promise<{ applied: number }>;
}

export interface CsvImporter {
  open(file: { key: string; fileName: string }): Promise<CsvImportSession>;
}

export type FileImportResult =
  | { readonly status: 'ignored'; readonly key: string; readonly reason: string }
  | { readonly status: 'duplicate'; readonly key: string; readonly reason: string }
  | {
      readonly status: 'archived' | 'failed';
      readonly key: string;
      readonly feed: string;
      readonly rows: number;
      readonly applied: number;
      readonly rejected: number;
      readonly ms: number;
      readonly errorFile?: string;
      readonly reason?: string;
    };

export interface FileImportDeps {
  readonly files: FeedFileStore;
  readonly ledger: ImportLedger;
  readonly user: string;
  readonly importerFor: (feed: FeedDefinition) => CsvImporter | undefined;
  /** How long a claim holds before another delivery may take the file over. */
  readonly leaseMs: number;
  readonly feeds?: readonly FeedDefinition[];
}

export async function importFeedFile(
  ref: ObjectRef,
  deps: FileImportDeps,
): Promise<FileImportResult> {
  const started = Date.now();
  const where = locateInbound(ref.key, deps.user, deps.feeds);
  if (where.kind === 'ignored') return { status: 'ignored', key: ref.key, reason: where.reason };
  const { feed, fileName } = where;
  const importer = deps.importerFor(feed);
  if (!importer) return { status: 'ignored', key: ref.key, reason: `no importer for ${feed.id}` };

  const head = await deps.files.head(ref.key);
  if (!head) return { status: 'duplicate', key: ref.key, reason: 'file already moved (processed)' };
  if (head.size === 0) return { status: 'ignored', key: ref.key, reason: 'empty file' };

  const claim = await deps.ledger.claim(ref.key, head.eTag, deps.leaseMs);
  if (claim.outcome === 'done') {
    // The same bytes again (a repeated event, or NetSuite uploading the same file twice): nothing
    // to apply; tidy the copy away so the folder only holds work still to do.
    await deps.files.move(ref.key, subfolderKey(deps.user, feed, 'archive', fileName));
    return { status: 'duplicate', key: ref.key, reason: 'already imported' };
  }
  if (claim.outcome === 'busy') {
    return { status: 'duplicate', key: ref.key, reason: 'being imported by another worker' };
  }

  const write: AtomicWrite = (key, body) => deps.files.writeAtomically(key, body);
  const errors = new ErrorReport(
    subfolderKey(deps.user, feed, 'error', errorFileName(fileName)),
    fileName,
    write,
  );
  try {
    const stream = await deps.files.openRead(ref.key);
    if (!stream) return { status: 'duplicate', key: ref.key, reason: 'file vanished' };
    let rows = 0;
    let applied = 0;
    let failure: string | undefined;
    try {
      const csv = await openCsv(stream);
      const indexes = mapHeader(feed.columns, csv.header);
      const session = await importer.open({ key: ref.key, fileName });
      for await (const r of csv.rows) {
        rows++;
        if (r.values.length !== feed.columns.length) {
          errors.add({
            line: r.line,
            field: '*',
            reason: `expected ${feed.columns.length} columns, found ${r.values.length}${
              r.values.length > feed.columns.length ? ' (an unescaped comma in a value?)' : ''
            }`,
            raw: r.raw,
          });
          continue;
        }
        const record: Record<string, string> = {};
        feed.columns.forEach((c, i) => (record[c] = r.values[indexes[i]!] ?? ''));
        const rejection = await session.row(record, r.line);
        if (rejection) errors.add({ line: r.line, ...rejection, raw: r.raw });
      }
      applied = (await session.finish()).applied;
    } catch (err) {
      if (!(err instanceof HeaderMismatchError || err instanceof EmptyFileError)) throw err;
      failure = err.message;
      errors.add({ line: 1, field: 'header', reason: err.message, raw: '' });
    }
    const errorFile = await errors.close();
    const result = failure ? 'failed' : 'archived';
    await deps.files.move(
      ref.key,
      subfolderKey(deps.user, feed, result === 'failed' ? 'failed' : 'archive', fileName),
    );
    const summary = {
      result,
      rows,
      applied,
      rejected: failure ? rows : errors.count,
      ms: Date.now() - started,
    } as const;
    await deps.ledger.complete(ref.key, head.eTag, summary);
    return {
      status: result,
      key: ref.key,
      feed: feed.id,
      rows,
      applied,
      rejected: summary.rejected,
      ms: summary.ms,
      errorFile,
      reason: failure,
    };
  } catch (err) {
    await deps.ledger.fail(ref.key, head.eTag, String(err)).catch(() => undefined);
    throw err;
  }
}
