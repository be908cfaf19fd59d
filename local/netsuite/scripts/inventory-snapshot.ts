/**
 * The inventory snapshot (HotWax `HC_generateCSV_InventoryItems` / `HC_uploadCSV_InventoryItems`,
 * a SearchTask; plan rule 2): NetSuite's available quantity (on hand − committed, books.ts) for
 * every location × item of the books at the moment the search runs, 0s included, written to
 * `inventoryitem/csv` when a test or the demo asks (`exportInventorySnapshot`), optionally as
 * several files (the upload moves up to 20 a run).
 *
 * Header `Item,externalFacilityId,availableQty,idValue`: `Item` the SKU (the item id when the item
 * has none), `externalFacilityId` the location, `idValue` the item internal id. Unescaped. Names
 * `<Date.toString()>-InventoryItemExport.csv`, parts `<Date.toString()>-InventoryItemExport-<i>.csv`
 * (1-based). Each file is written atomically.
 */
import { bookRows, bookSettings } from '../books.ts';
import { CONTRACT } from '../contract.ts';
import type { ScriptContext } from '../context.ts';
import { claimFileTime, netsuiteFileName } from '../file-names.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';

const SCRIPT = 'inventory-snapshot';
const FEED = CONTRACT.inventorySnapshot;
export const SNAPSHOT_SUFFIX = 'InventoryItemExport';

export interface SnapshotRequest {
  /** How many files (default 1). */
  readonly files?: number;
  /** The time in the names (default: the clock, never the same second twice). */
  readonly at?: Date;
}

/** The snapshot's data rows, from the books as they are now. */
export function snapshotRows(ctx: Pick<ScriptContext, 'state' | 'options'>): string[][] {
  return bookRows(ctx.state, bookSettings(ctx.options)).map((r) => [
    r.sku,
    r.location,
    String(r.available),
    r.itemId,
  ]);
}

/** `rows` in `parts` near-equal consecutive slices. */
export function splitRows<T>(rows: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, i) =>
    rows.slice(Math.floor((i * rows.length) / parts), Math.floor(((i + 1) * rows.length) / parts)),
  );
}

/** Writes the snapshot; returns the file names. */
export async function exportSnapshot(
  ctx: ScriptContext,
  request: SnapshotRequest = {},
): Promise<string[]> {
  const files = request.files ?? 1;
  if (!(Number.isInteger(files) && files >= 1))
    throw new Error(`files ${files} is not a whole number ≥ 1`);
  const rows = snapshotRows(ctx);
  const cursor = (ctx.state.exports[FEED.omsFeed] ??= { rev: 0 });
  const time = request.at ?? claimFileTime(cursor, ctx.now());
  const names: string[] = [];
  for (const [i, part] of splitRows(rows, files).entries()) {
    const suffix = files === 1 ? `${SNAPSHOT_SUFFIX}.csv` : `${SNAPSHOT_SUFFIX}-${i + 1}.csv`;
    const name = netsuiteFileName(time, suffix);
    await writeFileForOms(ctx, FEED.folder, name, unescapedCsv(FEED.required, part));
    names.push(name);
  }
  ctx.log({
    script: SCRIPT,
    kind: 'exported',
    file: names[0],
    message: `${FEED.folder}: ${rows.length} row(s) in ${files} file(s)`,
  });
  return names;
}
