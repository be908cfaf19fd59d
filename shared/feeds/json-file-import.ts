/**
 * Imports one inbound JSON feed file (a top-level array of records): the JSON variant of
 * `file-import.ts`, on the same machinery — the import ledger (a repeated event changes nothing),
 * the error report (one row per rejected record: `line` is the record's 1-based position in the
 * array), and the archive/ and failed/ folders. A file that is not JSON, or not an array, moves to
 * failed/ with an error file; otherwise each record is accepted or rejected on its own.
 *
 * JSON feed files are small (orders, fulfilments): the file is read whole, no checkpoints. A run
 * that crashes is redone from the start by the next delivery, so importers must be idempotent
 * (the order importer is: an external id creates one order).
 */
import { maxFileBytes } from './catalog.ts';
import type { FileImportResult, RowRejection } from './file-import.ts';
import {
  claimInboundFile,
  fileSizeProblem,
  finishInboundFile,
  isClaimed,
  type InboundDeps,
} from './inbound-file.ts';
import { jsonDepthProblem, MAX_JSON_DEPTH } from './json-limits.ts';
import { count } from './limits.ts';
import type { ObjectRef } from './s3-event.ts';

export interface JsonImportSession {
  /** Applies (or queues) one record; returns why it cannot, or nothing when accepted. */
  record(value: unknown, position: number): Promise<readonly RowRejection[]>;
  /** Makes every accepted record durable; returns figures for the log line. */
  finish(): Promise<Record<string, number>>;
  /**
   * Records refused after `record` had accepted them (applied concurrently, refused when their
   * write answered), by position; read once `finish` has returned. They count as rejected.
   */
  lateRejections?(): ReadonlyArray<{
    readonly position: number;
    readonly problems: readonly RowRejection[];
  }>;
  abort?(): Promise<void>;
}

export interface JsonImporter {
  open(file: {
    key: string;
    fileName: string;
    eTag: string;
    /** When the file was written (S3's LastModified), when known. */
    lastModified?: Date;
  }): Promise<JsonImportSession>;
}

export interface JsonFileImportDeps extends InboundDeps<JsonImporter> {
  /** Larger files go to failed/ (default: the feed's `maxBytes` in the catalog). */
  readonly maxBytes?: number;
}

/** The raw text kept in the error file for a rejected record. */
const RAW_LIMIT = 2_000;

class FileProblem extends Error {}

async function readWhole(stream: AsyncIterable<unknown>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > max)
      throw new FileProblem(`the file is larger than ${count(max)} bytes (the feed's maxBytes)`);
    chunks.push(b);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

export async function importJsonFeedFile(
  ref: ObjectRef,
  deps: JsonFileImportDeps,
): Promise<FileImportResult> {
  const started = Date.now();
  const claimed = await claimInboundFile(ref, deps);
  if (!isClaimed(claimed)) return claimed;
  const { fileName, importer, head, source, errors } = claimed;
  let session: JsonImportSession | undefined;
  try {
    // The version's held copy: what a newer upload under the same name cannot change.
    const stream = await deps.files.openRead(source);
    if (!stream) return { status: 'duplicate', key: ref.key, reason: 'file vanished' };
    let rows = 0;
    let applied = 0;
    let rejected = 0;
    let failure: string | undefined;
    let stats: Record<string, number> | undefined;
    try {
      const tooLarge =
        deps.maxBytes === undefined ? fileSizeProblem(claimed.feed, head.size) : undefined;
      if (tooLarge) {
        stream.destroy();
        throw new FileProblem(tooLarge);
      }
      const text = await readWhole(stream, deps.maxBytes ?? maxFileBytes(claimed.feed));
      // Before parsing: 100,000 nested arrays would overflow the stack of the parser or of a
      // recursive walk after it (the import crashed, was retried and dead-lettered).
      const tooDeep = jsonDepthProblem(text, MAX_JSON_DEPTH);
      if (tooDeep) throw new FileProblem(`the file is refused: ${tooDeep}`);
      let records: unknown;
      try {
        records = JSON.parse(text);
      } catch (err) {
        throw new FileProblem(`the file is not valid JSON: ${(err as Error).message}`);
      }
      if (!Array.isArray(records)) {
        throw new FileProblem(
          `the top-level value must be an array of records, found ${records === null ? 'null' : typeof records}`,
        );
      }
      session = await importer.open({
        key: ref.key,
        fileName,
        eTag: head.eTag,
        lastModified: head.lastModified,
      });
      const reject = (position: number, problems: readonly RowRejection[]) => {
        const value = (records as unknown[])[position - 1];
        const raw = JSON.stringify(value) ?? String(value);
        for (const p of problems) {
          errors.add({
            line: position,
            field: p.field,
            reason: p.reason,
            raw: raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw,
          });
        }
      };
      for (const [i, value] of records.entries()) {
        rows++;
        const problems = await session.record(value, i + 1);
        if (problems.length === 0) {
          applied++;
          continue;
        }
        rejected++;
        reject(i + 1, problems);
      }
      stats = await session.finish();
      for (const late of session.lateRejections?.() ?? []) {
        if (!late.problems.length) continue;
        applied--;
        rejected++;
        reject(late.position, late.problems);
      }
    } catch (err) {
      if (!(err instanceof FileProblem)) throw err;
      failure = err.message;
      errors.add({ line: 0, field: 'file', reason: err.message, raw: '' });
    }
    return await finishInboundFile(ref, deps, claimed, {
      rows,
      applied,
      rejected,
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
