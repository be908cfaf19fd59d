/**
 * Imports one inbound feed file: decide whether it is ours, claim it in the ledger (so a repeated
 * event changes nothing), stream and check its rows, hand good rows to the feed's importer, write
 * the error CSV for bad ones, and move the file to archive/ (or failed/ when its header is wrong).
 *
 * Long files are checkpointed: every `checkpointEveryRows` rows the importer makes its work durable
 * and the ledger records the byte offset reached. A run that crashes is resumed from there by the
 * next delivery; a run that is running out of time (`shouldYield`) stops at a checkpoint and
 * returns `continued`, for its caller to hand the rest to a continuation.
 */
import type { Readable } from 'node:stream';
import {
  EmptyFileError,
  HeaderMismatchError,
  HeaderTooLongError,
  matchLayout,
  openCsv,
  type CsvRow,
} from './csv-reader.ts';
import { count, maxLineBytesSetting } from './limits.ts';
import type { ErrorReportStore } from './error-report.ts';
import {
  claimInboundFile,
  fileSizeProblem,
  finishInboundFile,
  isClaimed,
  type InboundDeps,
} from './inbound-file.ts';
import { feedLayouts } from './catalog.ts';
import type { ObjectRef } from './s3-event.ts';
import type { ImportCheckpoint } from '../store/import-ledger.ts';
import type { ObjectVersion, VersionedOutcome } from '../files/feed-file-store.ts';

export interface RowRejection {
  readonly field: string;
  readonly reason: string;
}

/** One file's worth of work for a feed; rows arrive keyed by the catalog's column names. */
export interface CsvImportSession {
  /** Applies (or queues) one row, or says why it cannot (a promise only when it must wait). */
  row(
    record: Readonly<Record<string, string>>,
    line: number,
  ): RowRejection | undefined | Promise<RowRejection | undefined>;
  /**
   * Batch mode, instead of `row`: applies a batch of rows (a few hundred to a few thousand, in file
   * order) and returns, per row, its rejection or undefined. For importers that look rows up in bulk.
   */
  rows?(
    batch: readonly { readonly record: Readonly<Record<string, string>>; readonly line: number }[],
  ): Promise<readonly (RowRejection | undefined)[]>;
  /**
   * Batch mode: `rows` may be called for the next batch before the call for this one returned
   * (two at most; verdicts are still taken in file order, and every call has returned before a
   * checkpoint): the next batch's lookups run while this one's writes go out.
   */
  readonly overlapBatches?: boolean;
  /** Makes every row accepted so far durable (before a checkpoint is recorded). */
  checkpoint(): Promise<void>;
  /** Makes every accepted row durable; returns figures for the log line. */
  finish(): Promise<Record<string, number>>;
  /** Gives up resources after a failure (the run will be retried). */
  abort?(): Promise<void>;
}

export interface CsvImporter {
  /** Longest line of this feed's files (bytes; default `OMS_MAX_LINE_BYTES`, 64 KiB). */
  readonly maxLineBytes?: number;
  /**
   * The one column whose values may contain commas NetSuite did not escape (e.g. rejection
   * comments): a row with more values than columns is read with the surplus joined back into it.
   * Shorthand for a `recover` that does that (ignored when `recover` is given).
   */
  readonly freeTextColumn?: string;
  /**
   * Re-reads a row whose value count differs from the header's (NetSuite does not escape commas):
   * `values` as split at every comma, `header` the file's columns in file order. Returns the
   * row's values in file order (as many as the header has), or why it cannot be read (that goes
   * to the error file). Rows with the right count never come here.
   */
  recover?(values: readonly string[], header: readonly string[]): readonly string[] | RowRejection;
  open(file: {
    key: string;
    fileName: string;
    eTag: string;
    /** Set when this run continues an interrupted one. */
    resumed: boolean;
    /** The file's size in bytes (to size per-file structures), when known. */
    size?: number;
    /** When the file was written (S3's LastModified), when known. */
    lastModified?: Date;
    /**
     * Which of the feed's layouts (catalog `layouts`) the file's header is: `main` for the feed's
     * own `columns` (also when absent). Rows arrive keyed by that layout's column names.
     */
    layout?: string;
  }): Promise<CsvImportSession>;
}

interface Counted {
  readonly feed: string;
  readonly rows: number;
  readonly applied: number;
  readonly rejected: number;
  readonly ms: number;
}

export type FileImportResult =
  | { readonly status: 'ignored'; readonly key: string; readonly reason: string }
  | { readonly status: 'duplicate'; readonly key: string; readonly reason: string }
  /** A newer version replaced this one under the same name; the newer one is imported instead. */
  | { readonly status: 'superseded'; readonly key: string; readonly reason: string }
  /** Another worker's lease holds the file: deliver the message again after `leaseUntil`. */
  | {
      readonly status: 'busy';
      readonly key: string;
      readonly reason: string;
      readonly leaseUntil: number;
    }
  | ({ readonly status: 'continued'; readonly key: string } & Counted)
  | ({
      readonly status: 'archived' | 'failed';
      readonly key: string;
      readonly errorFile?: string;
      readonly reason?: string;
      readonly stats?: Record<string, number>;
      readonly resumed: boolean;
    } & Counted);

/** What the import needs from the file store (`FeedFileStore`). */
export interface ImportFileStore extends ErrorReportStore {
  head(
    key: string,
  ): Promise<{ size: number; eTag: string; lastModified?: Date; versionId?: string } | undefined>;
  metadata(key: string): Promise<Record<string, string> | undefined>;
  openRead(key: string, start?: number): Promise<Readable | undefined>;
  move(from: string, to: string): Promise<boolean>;
  copy(from: string, to: string): Promise<boolean>;
  copyVersion(
    from: string,
    to: string,
    version: ObjectVersion,
    metadata?: Record<string, string>,
  ): Promise<VersionedOutcome>;
  deleteIfMatch(key: string, eTag: string): Promise<VersionedOutcome>;
}

export interface FileImportDeps extends InboundDeps<CsvImporter> {
  readonly checkpointEveryRows?: number;
  /** Asked at each checkpoint: true stops the run there (time is running out). */
  readonly shouldYield?: () => boolean;
}

const DEFAULT_CHECKPOINT_ROWS = 100_000;

/** A file over its feed's size limit: refused whole, unread (it goes to failed/). */
class FileTooLargeError extends Error {}

export async function importFeedFile(
  ref: ObjectRef,
  deps: FileImportDeps,
): Promise<FileImportResult> {
  const started = Date.now();
  const claimed = await claimInboundFile(ref, deps);
  if (!isClaimed(claimed)) return claimed;
  const { feed, fileName, importer, head, source, checkpoint: cp, errors } = claimed;
  const maxLineBytes = importer.maxLineBytes ?? maxLineBytesSetting();
  const counted = (rows: number, applied: number) => ({
    feed: feed.id,
    rows,
    applied,
    rejected: errors.count,
    ms: Date.now() - started,
  });

  let session: CsvImportSession | undefined;
  try {
    // The version's held copy: what a newer upload under the same name cannot change.
    const stream = await deps.files.openRead(source, cp?.offset ?? 0);
    if (!stream) return { status: 'duplicate', key: ref.key, reason: 'file vanished' };
    let rows = cp?.rows ?? 0;
    let applied = cp?.applied ?? 0;
    let failure: string | undefined;
    let stats: Record<string, number> | undefined;
    try {
      const tooLarge = cp ? undefined : fileSizeProblem(feed, head.size);
      if (tooLarge) {
        stream.destroy();
        throw new FileTooLargeError(tooLarge);
      }
      const csv = await openCsv(
        stream,
        cp && { header: cp.header, offset: cp.offset, line: cp.line },
        { maxLineBytes },
      );
      const { layout, indexes } = matchLayout(feedLayouts(feed), csv.header);
      const columns = layout.columns;
      const recover = recoveryOf(importer);
      session = await importer.open({
        key: ref.key,
        fileName,
        eTag: head.eTag,
        resumed: !!cp,
        size: head.size,
        lastModified: head.lastModified,
        layout: layout.id,
      });
      const every = deps.checkpointEveryRows ?? DEFAULT_CHECKPOINT_ROWS;
      let sinceCheckpoint = 0;
      const active = session;
      /** Records a checkpoint after `last`; true when the run should stop there. */
      const checkpointAfter = async (last: CsvRow): Promise<boolean> => {
        await active.checkpoint();
        await errors.closePart();
        const checkpoint: ImportCheckpoint = {
          offset: last.endOffset,
          line: last.line,
          header: csv.header,
          rows,
          applied,
          rejected: errors.count,
          errorParts: errors.parts,
        };
        await deps.ledger.saveCheckpoint(ref.key, head.eTag, checkpoint, deps.leaseMs);
        return !!deps.shouldYield?.();
      };
      const yielded = async () => {
        stream.destroy();
        await deps.ledger.pause(ref.key, head.eTag);
        return { status: 'continued', key: ref.key, ...counted(rows, applied) } as const;
      };
      /**
       * The row as the catalog names its columns, or undefined (reported) when it cannot be
       * trusted: longer than the line limit, a last line without a line end (the file was cut:
       * NetSuite ends every line with one), or too few or too many values.
       */
      const recordOf = (r: CsvRow): Record<string, string> | undefined => {
        if (r.tooLong) {
          errors.add({
            line: r.line,
            field: '*',
            reason: `line is ${count(r.bytes)} bytes long; a line may have at most ${count(maxLineBytes)} bytes (only its beginning is shown)`,
            raw: r.raw,
          });
          return undefined;
        }
        if (!r.terminated) {
          errors.add({
            line: r.line,
            field: '*',
            reason:
              'last line has no line end: the file may have been cut short (NetSuite ends every line with one), so the row is not applied',
            raw: r.raw,
          });
          return undefined;
        }
        const read =
          r.values.length === columns.length || !recover ? r.values : recover(r.values, csv.header);
        if (!Array.isArray(read)) {
          errors.add({ line: r.line, ...(read as RowRejection), raw: r.raw });
          return undefined;
        }
        const values: readonly string[] = read;
        if (values.length !== columns.length) {
          errors.add({
            line: r.line,
            field: '*',
            reason: `expected ${columns.length} columns, found ${r.values.length}${
              r.values.length > columns.length ? ' (an unescaped comma in a value?)' : ''
            }`,
            raw: r.raw,
          });
          return undefined;
        }
        const record: Record<string, string> = {};
        columns.forEach((c, i) => (record[c] = values[indexes[i]!] ?? ''));
        return record;
      };
      /** The batch before this one, its verdicts not taken yet (`overlapBatches`). */
      let previous: Promise<void> | undefined;
      for await (const batch of csv.batches) {
        if (active.rows) {
          // Batch mode: the importer sees a whole batch at once (to look things up in bulk).
          const good: { row: CsvRow; record: Record<string, string> }[] = [];
          for (const r of batch) {
            rows++;
            const record = recordOf(r);
            if (record) good.push({ row: r, record });
          }
          const pending = active.rows(good.map((g) => ({ record: g.record, line: g.row.line })));
          const take = async () => {
            const verdicts = await pending;
            good.forEach((g, i) => {
              const rejection = verdicts[i];
              if (rejection) errors.add({ line: g.row.line, ...rejection, raw: g.row.raw });
              else applied++;
            });
          };
          if (active.overlapBatches) {
            // This batch is under way; the one before it is taken now (file order kept).
            pending.catch(() => undefined); // taken below; must not go unhandled meanwhile
            const before = previous;
            previous = undefined;
            await before;
            previous = take();
            previous.catch(() => undefined); // awaited before the next batch or a checkpoint
          } else await take();
          sinceCheckpoint += batch.length;
          if (sinceCheckpoint >= every && batch.length) {
            sinceCheckpoint = 0;
            const last = previous;
            previous = undefined;
            await last;
            if (await checkpointAfter(batch[batch.length - 1]!)) return await yielded();
          }
          continue;
        }
        for (const r of batch) {
          rows++;
          const record = recordOf(r);
          if (record) {
            let rejection = active.row(record, r.line);
            if (rejection instanceof Promise) rejection = await rejection;
            if (rejection) errors.add({ line: r.line, ...rejection, raw: r.raw });
            else applied++;
          }
          if (++sinceCheckpoint >= every) {
            sinceCheckpoint = 0;
            if (await checkpointAfter(r)) return await yielded();
          }
        }
      }
      const last = previous;
      previous = undefined;
      await last;
      stats = await session.finish();
    } catch (err) {
      if (err instanceof FileTooLargeError) {
        failure = err.message;
        errors.add({ line: 0, field: 'file', reason: err.message, raw: '' });
      } else {
        if (!(
          err instanceof HeaderMismatchError ||
          err instanceof EmptyFileError ||
          err instanceof HeaderTooLongError
        ))
          throw err;
        failure = err.message;
        errors.add({ line: 1, field: 'header', reason: err.message, raw: '' });
      }
    }
    return await finishInboundFile(ref, deps, claimed, {
      rows,
      applied,
      rejected: errors.count,
      started,
      failure,
      stats,
    });
  } catch (err) {
    await session?.abort?.().catch(() => undefined);
    await deps.ledger.fail(ref.key, head.eTag, String(err)).catch(() => undefined);
    throw err;
  }
}

/** The importer's way to re-read a row with the wrong value count, if it has one. */
function recoveryOf(importer: CsvImporter): CsvImporter['recover'] {
  if (importer.recover) return importer.recover.bind(importer);
  const freeText = importer.freeTextColumn;
  if (!freeText) return undefined;
  return (values, header) => recoverUnescaped(values, header.length, header.indexOf(freeText));
}

/**
 * A row with `surplus` more values than columns, read with the surplus joined back into the free
 * text column at `at` (NetSuite does not escape commas). Other rows are returned as they are.
 */
export function recoverUnescaped(
  values: readonly string[],
  columns: number,
  at: number,
): readonly string[] {
  const surplus = values.length - columns;
  if (surplus <= 0 || at < 0) return values;
  return [
    ...values.slice(0, at),
    values.slice(at, at + surplus + 1).join(','),
    ...values.slice(at + surplus + 1),
  ];
}
