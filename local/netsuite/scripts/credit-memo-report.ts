/**
 * The credit memo report (HotWax `HC_MR_ExportOpenCreditMemoALCReport`; plan rule 6): beside the
 * invoice report, with the same habits as the simulator's invoice report (invoicing.ts) —
 * `alc-audit-data/Credit_Memo-<yyyy-MM-dd-HH-mm-ss>.csv` (account time), unescaped, each credit
 * memo reported once, nothing new no file. Header `CREDIT_MEMO_INTERNAL_ID,SHOPIFY_ORDER_NAME,
 * SHOPIFY_ORDER_ID,HC_LOOP_RETURN_ID,HC_LOOP_RETURN_TOTAL,HC_RETURN_ID,CREDIT_MEMO_DATE`:
 * `HC_LOOP_RETURN_TOTAL` the memo's amount (two decimals), `CREDIT_MEMO_DATE` `MM/dd/yyyy`.
 */
import { accountStamp } from '../account-time.ts';
import { CONTRACT } from '../contract.ts';
import type { SuiteScript } from '../context.ts';
import { claimFileTime } from '../file-names.ts';
import { byInternalId, type SimCreditMemo, type SimState } from '../state.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';

const SCRIPT = 'credit-memo-report';
const FEED = CONTRACT.creditMemoReport;

export const creditMemoRow = (memo: SimCreditMemo): string[] => [
  memo.internalId,
  memo.shopifyOrderName,
  memo.shopifyOrderId,
  memo.loopReturnId ?? '',
  memo.amount.toFixed(2),
  memo.returnId ?? '',
  memo.date,
];

export const unreportedCreditMemos = (state: SimState): SimCreditMemo[] =>
  Object.values(state.creditMemos)
    .filter((m) => m.reportedIn === undefined)
    .sort(byInternalId);

export const creditMemoReport: SuiteScript = {
  name: SCRIPT,
  async run(ctx) {
    const memos = unreportedCreditMemos(ctx.state);
    if (memos.length === 0) return;
    const utcOffset = ctx.options.fulfillment?.accountUtcOffset ?? 'Z';
    const cursor = (ctx.state.exports[SCRIPT] ??= { rev: 0 });
    const timing = { lastFileMs: cursor.lastFileMs };
    const name = `Credit_Memo-${accountStamp(claimFileTime(timing, ctx.now()), utcOffset)}.csv`;
    await writeFileForOms(
      ctx,
      FEED.folder,
      name,
      unescapedCsv(FEED.required, memos.map(creditMemoRow)),
    );
    cursor.lastFileMs = timing.lastFileMs;
    for (const memo of memos) memo.reportedIn = name;
    ctx.log({
      script: SCRIPT,
      kind: 'exported',
      file: name,
      message: `${FEED.folder}: ${memos.length} credit memo(s)`,
    });
  },
};
