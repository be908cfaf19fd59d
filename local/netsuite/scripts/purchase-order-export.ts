/**
 * The open purchase order export (HotWax `HC_MR_ExportedPurchaseOrderCSV`, saved search
 * `customsearch_open_purchaserorder`; plan rule 5): writes each purchase order **once**, the first
 * run after it was created, then checks its exported box (`custbody_hc_order_exported`). Later
 * receipts, closes and cancellations are not exported again unless the PO is flagged for it
 * (`reexportPurchaseOrder`, as an admin unchecking the box): the next run lists it again, each line
 * with its open (unreceived) quantity — 0 once received in full or closed.
 *
 * `purchaseorder/fulfillment/<Date.toString()>-PurchaseOrder.csv`, header
 * `external-id,product-sku,quantity,external-facility-id,item-external-id,arrival-date`:
 * `external-id` the PO's tranid, `product-sku` the item's SKU (its id when it has none),
 * `external-facility-id` the line's location, `item-external-id` the PO line (`<poId>-<n>`,
 * unique per line), `arrival-date` `MM/DD/YYYY`. Unescaped; nothing to export, no file.
 */
import { CONTRACT } from '../contract.ts';
import type { SuiteScript } from '../context.ts';
import { claimFileName } from '../file-names.ts';
import {
  byInternalId,
  type SimPurchaseOrder,
  type SimPurchaseOrderLine,
  type SimState,
} from '../state.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';

const SCRIPT = 'purchase-order-export';
const FEED = CONTRACT.openPurchaseOrders;
export const PURCHASE_ORDER_SUFFIX = 'PurchaseOrder.csv';

/** What is left to receive on the line (0 once received in full, or the line or PO closed). */
export const openPoQuantity = (po: SimPurchaseOrder, line: SimPurchaseOrderLine): number =>
  po.closed || line.closed ? 0 : Math.max(0, line.quantity - line.received);

export function purchaseOrderRows(state: SimState, po: SimPurchaseOrder): string[][] {
  return po.lines.map((line) => [
    po.externalId,
    state.items[line.itemId]?.sku ?? line.itemId,
    String(openPoQuantity(po, line)),
    line.location,
    line.lineId,
    line.arrivalDate,
  ]);
}

/** The POs the next run writes: never exported, or flagged for re-export; oldest first. */
export const purchaseOrdersToExport = (state: SimState): SimPurchaseOrder[] =>
  Object.values(state.purchaseOrders)
    .filter((po) => po.exportedIn === undefined || po.reexport === true)
    .sort(byInternalId);

export const purchaseOrderExport: SuiteScript = {
  name: SCRIPT,
  async run(ctx) {
    const selected = purchaseOrdersToExport(ctx.state);
    if (selected.length === 0) return;
    const cursor = (ctx.state.exports[FEED.omsFeed] ??= { rev: 0 });
    const timing = { lastFileMs: cursor.lastFileMs };
    const name = claimFileName(timing, ctx.now(), PURCHASE_ORDER_SUFFIX);
    const rows = selected.flatMap((po) => purchaseOrderRows(ctx.state, po));
    await writeFileForOms(ctx, FEED.folder, name, unescapedCsv(FEED.required, rows));
    cursor.lastFileMs = timing.lastFileMs;
    for (const po of selected) {
      po.exportedIn ??= name;
      po.reexport = false;
    }
    ctx.log({
      script: SCRIPT,
      kind: 'exported',
      file: name,
      message: `${FEED.folder}: ${selected.length} purchase order(s), ${rows.length} line(s)`,
    });
  },
};
