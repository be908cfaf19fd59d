/**
 * The inventory adjustment import (HotWax `HC_SC_ImportInventoryAdjustment`, CSV import mapping
 * `custimport_inventoryadjustment_hc`; plan rule 8): reads `inventoryadjustment/csv`, header
 * `Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,HC Inventory Adj Id,
 * Adjustment Location` (+ optional `Subsidiary`), exact and case-sensitive, any order.
 *
 * Rows with the same `Reference No` in one file form one adjustment (its external id). Refused,
 * with the whole adjustment its row belongs to (each row listed in the error file
 * `<file>,line <n>: <message>`, the rest of the file applied):
 *
 * - an empty `Reference No`, or one an earlier adjustment already has (duplicate external id);
 * - an `Adjustment Account` the account does not know (`adjustmentAccounts`, default `['58']`:
 *   NetSuite account internal ids);
 * - in a OneWorld account (`oneWorld`, default true) an empty `Subsidiary`, or one that is not the
 *   location's subsidiary (when the location was seeded with one);
 * - an unknown item (internal id) or location (`Location`, `Adjustment Location`);
 * - `Adjust Qty By` not a whole non-zero number, `Date` not `MM/dd/yyyy`.
 *
 * An applied adjustment changes on hand (books.ts) and is a transaction of source `oms`: the
 * adjustment delta search returns it only with `adjustmentSearchIncludesOms`.
 */
import { isAccountDate } from '../account-time.ts';
import { bookSettings, unknownLocation } from '../books.ts';
import { CONTRACT } from '../contract.ts';
import type { RecordContext, SuiteScript } from '../context.ts';
import { rowObjects } from '../csv-file.ts';
import { watchFolder, type RowRefusal } from '../folder-watcher.ts';
import { recordTransaction } from '../inventory.ts';
import type { SimState } from '../state.ts';

const SCRIPT = 'inventory-adjustment-import';
const FEED = CONTRACT.inventoryAdjustments;
export const DEFAULT_ADJUSTMENT_ACCOUNTS: readonly string[] = ['58'];

export const inventoryAdjustmentImport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) =>
    watchFolder(
      ctx,
      {
        script: SCRIPT,
        folder: FEED.folder,
        errorName: 'InventoryAdjustment',
        format: 'csv',
        mapping: { required: FEED.required, optional: FEED.optional },
      },
      (file) =>
        file.format === 'csv' ? applyAdjustmentRows(ctx, file.name, rowObjects(file)) : [],
    ),
};

type Row = Record<string, string>;

const findByReference = (state: SimState, referenceNo: string) =>
  Object.values(state.transactions).find(
    (t) => t.type === 'adjustment' && t.referenceNo === referenceNo,
  );

/** Why NetSuite refuses the row on its own, or undefined. */
function rowProblem(ctx: RecordContext, row: Row): string | undefined {
  const { state } = ctx;
  const inventory = ctx.options.inventory ?? {};
  const accounts = inventory.adjustmentAccounts ?? DEFAULT_ADJUSTMENT_ACCOUNTS;
  const account = row['Adjustment Account'] ?? '';
  if (!accounts.includes(account))
    return `Adjustment Account ${account || '(empty)'} is not an account internal id of this account`;
  const item = row.Item ?? '';
  if (!state.items[item]) return `item ${item || '(empty)'} does not exist`;
  const location = row.Location ?? '';
  if (!location) return 'Location is empty';
  const badLocation = unknownLocation(state, location);
  if (badLocation) return badLocation;
  const adjustmentLocation = row['Adjustment Location'] ?? '';
  const badAdjustmentLocation = adjustmentLocation
    ? unknownLocation(state, adjustmentLocation)
    : undefined;
  if (badAdjustmentLocation) return `Adjustment Location: ${badAdjustmentLocation}`;
  const qty = (row['Adjust Qty By'] ?? '').trim();
  if (!/^[+-]?\d+$/.test(qty) || Number(qty) === 0)
    return `Adjust Qty By ${qty || '(empty)'} is not a whole non-zero number`;
  const date = row.Date ?? '';
  if (!isAccountDate(date)) return `Date ${date || '(empty)'} is not MM/dd/yyyy`;
  if (inventory.oneWorld ?? true) {
    const subsidiary = row.Subsidiary ?? '';
    if (!subsidiary) return 'Subsidiary is required in a OneWorld account';
    const own = state.locations[location]?.subsidiary;
    if (own !== undefined && own !== subsidiary)
      return `Subsidiary ${subsidiary} is not location ${location}'s subsidiary ${own}`;
  }
  return undefined;
}

/** Imports the rows, one adjustment per `Reference No`; returns the rows refused. */
export function applyAdjustmentRows(
  ctx: RecordContext,
  file: string,
  rows: readonly Row[],
): RowRefusal[] {
  const { state } = ctx;
  const settings = bookSettings(ctx.options);
  const refusals: RowRefusal[] = [];
  const refuse = (index: number, key: string, message: string) => {
    refusals.push({ index, message });
    ctx.log({ script: SCRIPT, kind: 'rejected', file, key, message });
  };
  const groups = new Map<string, number[]>();
  for (const [index, row] of rows.entries()) {
    const ref = row['Reference No'] ?? '';
    if (!ref) {
      refuse(index, '', 'Reference No is empty');
      continue;
    }
    groups.set(ref, [...(groups.get(ref) ?? []), index]);
  }
  for (const [ref, indexes] of groups) {
    const earlier = findByReference(state, ref);
    const problems = indexes.map((i) =>
      earlier
        ? `Reference No ${ref} is already used by inventory adjustment ${earlier.internalId} (duplicate external id)`
        : rowProblem(ctx, rows[i]!),
    );
    if (problems.some((p) => p !== undefined)) {
      for (const [n, index] of indexes.entries()) {
        refuse(
          index,
          ref,
          problems[n] ?? `inventory adjustment ${ref} not created: another of its rows was refused`,
        );
      }
      continue;
    }
    const first = rows[indexes[0]!]!;
    const transaction = recordTransaction(state, settings, {
      type: 'adjustment',
      source: 'oms',
      lines: indexes.map((i) => ({
        location: rows[i]!.Location!,
        itemId: rows[i]!.Item!,
        delta: Number(rows[i]!['Adjust Qty By']),
      })),
      memo: first.Memo ?? '',
      at: ctx.now().toISOString(),
      referenceNo: ref,
      hcAdjustmentId: first['HC Inventory Adj Id'] ?? '',
      file,
    });
    ctx.log({
      script: SCRIPT,
      kind: 'created',
      file,
      key: ref,
      message: `inventory adjustment ${transaction.internalId} created: ${transaction.lines
        .map((l) => `${l.delta > 0 ? '+' : ''}${l.delta} of ${l.itemId} at ${l.location}`)
        .join(', ')}`,
    });
  }
  return refusals;
}
