/**
 * The rejected items export (HotWax `HC_MR_ExportedRejectedSalesOrderItemCSV`, a saved search on lines checked rejected, run after the imports):
 * writes `salesorder/rejectedorderitem` with `orderId` the OMS order id (`HCOrderId`),
 * `orderItemSeqId` the OMS line seq id (the `orderLineId` the sales order export gave),
 * `rejectionComments` and `rejectionReason` (often empty). NetSuite's habits, as the id exports:
 * unescaped values (comments with commas shift the columns), `Date.toString()` names, the previous
 * file's last row repeated first, no file when nothing is new.
 */
import type { SuiteScript } from '../context.ts';
import { runExport, type IdExport } from './id-exports.ts';

const SCRIPT = 'rejected-item-export';

export const REJECTED_ITEMS: IdExport = {
  feed: 'rejected-item-import',
  contract: 'rejectedItems',
  suffix: 'RejectedOrderItemExport.csv',
  rows: (state) =>
    Object.values(state.salesOrders).flatMap((order) =>
      order.lines.flatMap((line) =>
        line.rejected && line.rejection
          ? [
              {
                rev: line.rejection.rev,
                row: [
                  order.hcOrderId,
                  line.orderLineId,
                  line.rejection.comments,
                  line.rejection.reason,
                ],
              },
            ]
          : [],
      ),
    ),
};

export const rejectedItemExport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) => runExport(ctx, REJECTED_ITEMS, SCRIPT),
};
