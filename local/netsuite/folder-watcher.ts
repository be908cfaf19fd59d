/**
 * How every NetSuite import script treats its SFTP folder: list every file (sorted by date, then
 * name), skip directories, read each, check it, hand its rows to the script, then move it to
 * `archive/`. A file the import cannot take (header not matching the import mapping, malformed
 * JSON, not an array) moves to `failed/` with an exception file `error/<date>-Error<Name>.csv`.
 * Incomplete files are noted in the journal: the OMS must never let NetSuite see one.
 */
import type { ScriptContext } from './context.ts';
import { headerProblemAny, readCsv, type ImportMapping } from './csv-file.ts';
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

/** Runs one pass over a folder; `apply` imports one checked file (row-level outcomes are its own). */
export async function watchFolder(
  ctx: ScriptContext,
  spec: WatchedFolder,
  apply: (file: Incoming) => void,
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
      try {
        apply(checked.file);
      } catch (err) {
        await fail(ctx, spec, remote.name, `import failed: ${(err as Error).message}`);
        if (spec.firstNonEmptyOnly) return;
        continue;
      }
      await ctx.sftp.moveInto(spec.folder, remote.name, 'archive');
      ctx.log({ script: spec.script, kind: 'archived', file: remote.name, message: 'imported' });
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

/** Moves the file to `failed/` and writes the exception file, the way the SuiteScripts do. */
async function fail(ctx: ScriptContext, spec: WatchedFolder, name: string, error: string) {
  const cursor = (ctx.state.exports[`error:${spec.folder}`] ??= { rev: 0 });
  const errorFile = claimFileName(cursor, ctx.now(), `Error${spec.errorName}.csv`);
  await writeFileForOms(
    ctx,
    `${spec.folder}/error`,
    errorFile,
    unescapedCsv(['fileName', 'errorMessage'], [[name, error]]),
  );
  await ctx.sftp.moveInto(spec.folder, name, 'failed');
  ctx.log({ script: spec.script, kind: 'failed-file', file: name, message: error });
}
