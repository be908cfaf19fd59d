/**
 * How every NetSuite import script treats its SFTP folder (`docs/netsuite-contract.md`, plan rule 7): list
 * every file (sorted by date, then name), skip directories, read each, check it, hand its rows to
 * the script, then move it to `archive/`.
 *
 * - A file the import cannot take (header not matching the import mapping, malformed CSV or JSON,
 *   not an array, more than 25,000 records, empty) moves to `failed/` with an exception file
 *   `error/<Date.toString()>-Error<Name>.csv`: `fileName,errorMessage`, one row `<name>,<message>`.
 * - Rows the import refuses (the script returns them): the file is still archived, the rest
 *   applied, and an error file of the same name lists one row per refused row:
 *   `<name>,line <n>: <message>` (n the 1-based line in the file, the header being line 1) or, for
 *   JSON, `<name>,record <n>: <message>` (n the 1-based array position). Unescaped, as NetSuite
 *   writes: a reader splits a row at its first comma.
 *
 * Incomplete files are noted in the journal: the OMS must never let NetSuite see one.
 */
import type { ScriptContext } from './context.ts';
import { headerProblemAny, readCsv, type ImportMapping } from './csv-file.ts';
import { MAX_IMPORT_RECORDS } from './contract.ts';
import { claimFileName } from './file-names.ts';
import type { RemoteFile } from './sftp-connection.ts';
import { unescapedCsv } from './unescaped-csv.ts';
import { writeFileForOms } from './written-file.ts';

export type Incoming =
  | {
      readonly format: 'csv';
      readonly name: string;
      readonly header: string[];
      readonly rows: string[][];
    }
  | { readonly format: 'json'; readonly name: string; readonly items: unknown[] };

export interface WatchedFolder {
  /** The SuiteScript's name, for the log. */
  readonly script: string;
  /** Folder below the NetSuite root. */
  readonly folder: string;
  /** `<date>-Error<errorName>.csv` */
  readonly errorName: string;
  readonly format: 'csv' | 'json';
  /** CSV only: the import mapping the header must match. */
  readonly mapping?: ImportMapping;
  /** CSV only, instead of `mapping`: the header must match one of these (exactly, case-sensitive). */
  readonly mappings?: readonly ImportMapping[];
  /** Read only the first non-empty file per run (the others wait for the next run). */
  readonly firstNonEmptyOnly?: boolean;
}

/** A row (CSV) or element (JSON) the import refused: `index` is its 0-based data position. */
export interface RowRefusal {
  readonly index: number;
  readonly message: string;
}

/** The row of an error file for a refused row (module comment). */
export function refusalRow(
  name: string,
  format: 'csv' | 'json',
  refusal: RowRefusal,
): [string, string] {
  const where = format === 'csv' ? `line ${refusal.index + 2}` : `record ${refusal.index + 1}`;
  return [name, `${where}: ${oneLine(refusal.message)}`];
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Runs one pass over a folder; `apply` imports one checked file and returns the rows it refused
 * (reported in an error file beside the archived input).
 */
export async function watchFolder(
  ctx: ScriptContext,
  spec: WatchedFolder,
  apply: (file: Incoming) => readonly RowRefusal[] | void,
): Promise<void> {
  for (const remote of await ctx.sftp.listFiles(spec.folder)) {
    if (remote.size === 0) {
      // Nothing to read: a file still being written, or an empty one the OMS should not send.
      notePartial(ctx, spec, remote, 'empty file');
      if (spec.firstNonEmptyOnly) continue; // left where it is, as the deposit script does
      await fail(ctx, spec, remote.name, 'empty file');
      continue;
    }
    const text = (await ctx.sftp.read(spec.folder, remote.name)).toString('utf8');
    const checked = check(ctx, spec, remote, text);
    if (checked.ok) {
      let refused: readonly RowRefusal[];
      try {
        refused = apply(checked.file) ?? [];
      } catch (err) {
        await fail(ctx, spec, remote.name, `import failed: ${(err as Error).message}`);
        if (spec.firstNonEmptyOnly) return;
        continue;
      }
      await ctx.sftp.moveInto(spec.folder, remote.name, 'archive');
      ctx.log({
        script: spec.script,
        kind: 'archived',
        file: remote.name,
        message: refused.length ? `imported, ${refused.length} row(s) refused` : 'imported',
      });
      if (refused.length) {
        const rows = [...refused]
          .sort((a, b) => a.index - b.index)
          .map((r) => refusalRow(remote.name, checked.file.format, r));
        await writeErrorFile(ctx, spec, rows);
      }
    } else {
      await fail(ctx, spec, remote.name, checked.error);
    }
    if (spec.firstNonEmptyOnly) return;
  }
}

type Checked = { ok: true; file: Incoming } | { ok: false; error: string };

function check(ctx: ScriptContext, spec: WatchedFolder, remote: RemoteFile, text: string): Checked {
  const at = ctx.now().toISOString();
  if (spec.format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      notePartial(ctx, spec, remote, `JSON does not parse: ${(err as Error).message}`);
      return { ok: false, error: `malformed JSON: ${(err as Error).message}` };
    }
    if (!Array.isArray(data)) return { ok: false, error: 'JSON is not a top-level array' };
    ctx.journal.received.push({
      folder: spec.folder,
      name: remote.name,
      header: jsonKeys(data),
      rows: data,
      at,
    });
    return { ok: true, file: { format: 'json', name: remote.name, items: data } };
  }
  const read = readCsv(text);
  if (!read.ok) {
    notePartial(ctx, spec, remote, read.error);
    return { ok: false, error: read.error };
  }
  const { header, rows, incomplete } = read.file;
  if (incomplete) notePartial(ctx, spec, remote, incomplete);
  ctx.journal.received.push({ folder: spec.folder, name: remote.name, header, rows, at });
  const mappings = spec.mappings ?? (spec.mapping ? [spec.mapping] : []);
  const problem = mappings.length ? headerProblemAny(header, mappings) : undefined;
  if (problem) return { ok: false, error: problem };
  if (rows.length > MAX_IMPORT_RECORDS) {
    return {
      ok: false,
      error: `${rows.length} records: a CSV import takes at most ${MAX_IMPORT_RECORDS} a file`,
    };
  }
  return { ok: true, file: { format: 'csv', name: remote.name, header, rows } };
}

function jsonKeys(items: unknown[]): string[] {
  const keys = new Set<string>();
  for (const item of items) {
    if (item && typeof item === 'object' && !Array.isArray(item))
      for (const key of Object.keys(item)) keys.add(key);
  }
  return [...keys];
}

function notePartial(ctx: ScriptContext, spec: WatchedFolder, remote: RemoteFile, reason: string) {
  ctx.journal.partialFilesSeen.push({
    folder: spec.folder,
    name: remote.name,
    reason,
    at: ctx.now().toISOString(),
  });
}

/** Writes `error/<Date.toString()>-Error<Name>.csv` (`fileName,errorMessage`). */
async function writeErrorFile(
  ctx: ScriptContext,
  spec: WatchedFolder,
  rows: ReadonlyArray<readonly string[]>,
): Promise<string> {
  const cursor = (ctx.state.exports[`error:${spec.folder}`] ??= { rev: 0 });
  const errorFile = claimFileName(cursor, ctx.now(), `Error${spec.errorName}.csv`);
  await writeFileForOms(
    ctx,
    `${spec.folder}/error`,
    errorFile,
    unescapedCsv(['fileName', 'errorMessage'], rows),
  );
  return errorFile;
}

/** Moves the file to `failed/` and writes the exception file, the way the SuiteScripts do. */
async function fail(ctx: ScriptContext, spec: WatchedFolder, name: string, error: string) {
  await writeErrorFile(ctx, spec, [[name, oneLine(error)]]);
  await ctx.sftp.moveInto(spec.folder, name, 'failed');
  ctx.log({ script: spec.script, kind: 'failed-file', file: name, message: error });
}
