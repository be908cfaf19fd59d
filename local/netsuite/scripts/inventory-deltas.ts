/**
 * The three inventory delta exports (HotWax `HC_MR_ExportedInventoryAdjustmentCSV`,
 * `HC_MR_ExportedInventoryTransferCSV`, `HC_MR_ExportedItemReceiptCSV`; plan rule 1): each saved
 * search selects the transactions of its type not yet exported, writes one row per transaction
 * line, then checks the transaction's exported box, so each transaction is exported once.
 *
 * Header `externalFacilityId,idValue,idType,availableDelta,comments`; `externalFacilityId` the
 * location, `idValue` the item internal id, `idType` `NETSUITE_PRODUCT_ID`, `availableDelta` the
 * signed quantity, `comments` `Inventory Adjusted from <Inventory Adjustment Transaction | Inventory
 * Transfer | ItemReceipt> # <id> in NetSuite ` (with its trailing space). Unescaped, `\n` line
 * ends, `Date.toString()` names: `<date>-ExportInventoryAdjustment.csv` (`inventoryadjustment/
 * import`), `<date>-ExportInventoryTransfer.csv` (`inventorytransfer/import`),
 * `<date>-ItemReceipt.csv` (`itemreceipt/csv`). Nothing new, no file.
 *
 * A transfer exports two rows (−from, +to). The adjustment search returns the adjustments the OMS
 * pushed (imported from `inventoryadjustment/csv`) only with `adjustmentSearchIncludesOms`.
 */
import { CONTRACT, NETSUITE_PRODUCT_ID, type ContractName } from '../contract.ts';
import type { ScriptContext, SimulatorOptions, SuiteScript } from '../context.ts';
import { claimFileName } from '../file-names.ts';
import { TRANSACTION_NAMES } from '../inventory.ts';
import { byInternalId, type SimInventoryTransaction, type SimState } from '../state.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';

const SCRIPT = 'inventory-delta-export';

interface DeltaSearch {
  readonly type: SimInventoryTransaction['type'];
  readonly contract: ContractName;
  readonly suffix: string;
}

export const DELTA_SEARCHES: readonly DeltaSearch[] = [
  {
    type: 'adjustment',
    contract: 'inventoryAdjustmentDeltas',
    suffix: 'ExportInventoryAdjustment.csv',
  },
  { type: 'transfer', contract: 'inventoryTransferDeltas', suffix: 'ExportInventoryTransfer.csv' },
  { type: 'receipt', contract: 'itemReceiptDeltas', suffix: 'ItemReceipt.csv' },
];

/** `Inventory Adjusted from ItemReceipt # 60003 in NetSuite ` */
export const deltaComments = (t: SimInventoryTransaction): string =>
  `Inventory Adjusted from ${TRANSACTION_NAMES[t.type]} # ${t.internalId} in NetSuite `;

/** What the search returns now: unexported transactions of its type, oldest first. */
export function selectTransactions(
  state: SimState,
  search: DeltaSearch,
  options: SimulatorOptions,
): SimInventoryTransaction[] {
  const includeOms = options.inventory?.adjustmentSearchIncludesOms ?? false;
  return Object.values(state.transactions)
    .filter((t) => t.type === search.type && t.exportedIn === undefined)
    .filter((t) => t.source === 'netsuite' || includeOms)
    .sort(byInternalId);
}

export const deltaRows = (t: SimInventoryTransaction): string[][] =>
  t.lines.map((l) => [
    l.location,
    l.itemId,
    NETSUITE_PRODUCT_ID,
    String(l.delta),
    deltaComments(t),
  ]);

async function runSearch(ctx: ScriptContext, search: DeltaSearch): Promise<void> {
  const selected = selectTransactions(ctx.state, search, ctx.options);
  if (selected.length === 0) return;
  const feed = CONTRACT[search.contract];
  const cursor = (ctx.state.exports[`delta:${feed.folder}`] ??= { rev: 0 });
  const timing = { lastFileMs: cursor.lastFileMs };
  const name = claimFileName(timing, ctx.now(), search.suffix);
  const rows = selected.flatMap(deltaRows);
  await writeFileForOms(ctx, feed.folder, name, unescapedCsv(feed.required, rows));
  cursor.lastFileMs = timing.lastFileMs;
  for (const t of selected) t.exportedIn = name;
  ctx.log({
    script: SCRIPT,
    kind: 'exported',
    file: name,
    message: `${feed.folder}: ${rows.length} row(s) of ${selected.length} transaction(s)`,
  });
}

export const inventoryDeltaExports: SuiteScript = {
  name: SCRIPT,
  async run(ctx) {
    for (const search of DELTA_SEARCHES) await runSearch(ctx, search);
  },
};
