/**
 * The id exports (NetSuite saved searches run by HotWax map/reduce scripts): after the imports,
 * each writes the ids of records created or modified since its last run to a folder the OMS
 * reads, with NetSuite's habits: unescaped values, `\n` line ends, `Date.toString()` file names,
 * and the previous file's last row repeated first (the inclusive minute cursor). Nothing new,
 * no file.
 */
import { CONTRACT, type ContractName } from '../contract.ts';
import type { ScriptContext, SuiteScript } from '../context.ts';
import { claimFileName } from '../file-names.ts';
import type { ExportCursor, SimState } from '../state.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';

export interface IdExport {
  /** The export's cursor key in the state (the OMS feed's id, as version-1 files saved it). */
  readonly feed: string;
  /** The contract entry whose folder and header the file has. */
  readonly contract: ContractName;
  /** File name suffix after the `Date.toString()` text. */
  readonly suffix: string;
  /** Rows with their modification stamps, for every record the search can select. */
  rows(state: SimState): Array<{ rev: number; row: string[] }>;
}

export const ID_EXPORTS: readonly IdExport[] = [
  {
    feed: 'customer-id-import',
    contract: 'customerIds',
    suffix: 'CustomerExport.csv',
    rows: (state) =>
      Object.values(state.customers).flatMap((c) =>
        c.hcCustomerId
          ? [{ rev: c.rev, row: [c.hcCustomerId, 'NETSUITE_CUSTOMER_ID', c.internalId] }]
          : [],
      ),
  },
  {
    feed: 'order-id-import',
    contract: 'orderIds',
    suffix: 'SalesOrderExport.csv',
    rows: (state) =>
      Object.values(state.salesOrders).map((o) => ({
        rev: o.rev,
        row: [o.hcOrderId, 'NETSUITE_ORDER_ID', o.internalId],
      })),
  },
  {
    feed: 'order-line-id-import',
    contract: 'orderLineIds',
    suffix: 'SalesOrderItemExport.csv',
    rows: (state) =>
      Object.values(state.salesOrders).flatMap((o) =>
        o.lines.map((l) => ({
          rev: l.rev,
          row: [
            o.hcOrderId,
            l.orderLineId,
            l.discount ? 'NetsuiteDiscountItemLineId' : 'NetsuiteItemLineId',
            l.lineId,
          ],
        })),
      ),
  },
  {
    feed: 'deposit-id-import',
    contract: 'depositIds',
    suffix: 'CustomerDepositExport.csv',
    rows: (state) =>
      Object.values(state.deposits).map((d) => ({
        rev: d.rev,
        row: [state.salesOrders[d.salesOrderId]?.hcOrderId ?? '', d.internalId, d.externalId],
      })),
  },
];

export interface ExportPlan {
  /** The file's data rows: the boundary row (if any) then the new rows. */
  readonly rows: string[][];
  /** The cursor once the file is written. */
  readonly next: ExportCursor;
}

/** What the next run of a search writes, or undefined when nothing is new. */
export function planExport(
  state: SimState,
  search: IdExport,
  cursor: ExportCursor,
): ExportPlan | undefined {
  const fresh = search
    .rows(state)
    .filter((r) => r.rev > cursor.rev)
    .sort((a, b) => a.rev - b.rev)
    .map((r) => r.row);
  if (fresh.length === 0) return undefined;
  return {
    rows: cursor.lastRow ? [cursor.lastRow, ...fresh] : fresh,
    next: { ...cursor, rev: state.counters.rev, lastRow: fresh.at(-1) },
  };
}

/** Runs one search: writes its file atomically, then moves its cursor. `script` names it in the log. */
export async function runExport(
  ctx: ScriptContext,
  search: IdExport,
  script = 'id-export',
): Promise<void> {
  const feed = {
    folder: CONTRACT[search.contract].folder,
    columns: CONTRACT[search.contract].required,
  };
  const cursor = (ctx.state.exports[search.feed] ??= { rev: 0 });
  const plan = planExport(ctx.state, search, cursor);
  if (!plan) return;
  const timing = { lastFileMs: cursor.lastFileMs };
  const name = claimFileName(timing, ctx.now(), search.suffix);
  await writeFileForOms(ctx, feed.folder, name, unescapedCsv(feed.columns, plan.rows));
  // Only once the file is in place does the search move its cursor.
  ctx.state.exports[search.feed] = { ...plan.next, lastFileMs: timing.lastFileMs };
  ctx.log({
    script,
    kind: 'exported',
    file: name,
    message: `${feed.folder}: ${plan.rows.length} row(s), ${plan.rows.length - (cursor.lastRow ? 1 : 0)} new`,
  });
}

export const idExports: SuiteScript = {
  name: 'id-export',
  async run(ctx) {
    for (const search of ID_EXPORTS) await runExport(ctx, search);
  },
};
