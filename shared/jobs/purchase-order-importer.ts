/**
 * The open purchase orders importer (`purchaseorder/fulfillment`): upserts each PO line (quantity,
 * arrival date; its ATP follows), marks its PO as listed now, and refuses rows for unknown
 * facilities or POs cancelled in the OMS. Every write is an idempotent upsert, so a resumed or
 * repeated file changes nothing more.
 *
 * NetSuite exports each PO once, when it is created, and again only when asked: the feed is
 * incremental, and a PO missing from a file is not closed for it. A row with quantity 0 (a
 * re-exported line's open quantity: received in full, closed or cancelled) closes its line; a PO
 * whose lines are all closed is closed (`closed` on the file's log line counts such lines).
 */
import {
  parsePurchaseOrderRow,
  type PurchaseOrderRecord,
} from '../domain/preorder/purchase-order.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import type { FacilityStore } from '../store/facility-store.ts';
import type { PurchaseOrderStore } from '../store/purchase-order-store.ts';

export interface PurchaseOrderImporterDeps {
  readonly purchaseOrders: PurchaseOrderStore;
  readonly facilities: FacilityStore;
  readonly now?: () => string;
}

export function purchaseOrderImporter(deps: PurchaseOrderImporterDeps): CsvImporter {
  return {
    async open({ fileName }): Promise<CsvImportSession> {
      const facilities = await deps.facilities.byExternalId();
      const at = deps.now?.() ?? new Date().toISOString();
      const meta = { file: fileName, at };
      const touched = new Map<string, boolean>();
      const counts = { new: 0, changed: 0, same: 0, closed: 0 };
      /** POs with a line closed by this file: closed themselves once every line is. */
      const closing = new Set<string>();
      return {
        async row(record) {
          const parsed = parsePurchaseOrderRow(record as PurchaseOrderRecord);
          if (!parsed.ok) return { field: parsed.field, reason: parsed.reason };
          const row = parsed.row;
          const facilityId = facilities.get(row.externalFacilityId);
          if (!facilityId) {
            return {
              field: 'external-facility-id',
              reason:
                facilities.size === 0
                  ? `unknown facility "${row.externalFacilityId}": no facilities are configured (npx oms facility load)`
                  : `unknown facility "${row.externalFacilityId}"`,
            };
          }
          let open = touched.get(row.poId);
          if (open === undefined) {
            open = await deps.purchaseOrders.touchHeader(row.poId, facilityId, meta);
            touched.set(row.poId, open);
          }
          const outcome = open
            ? await deps.purchaseOrders.upsertLine({ ...row, facilityId }, meta)
            : 'cancelled';
          if (outcome === 'cancelled') {
            return {
              field: 'external-id',
              reason: `purchase order ${row.poId} was cancelled in the OMS; its lines are not reopened`,
            };
          }
          counts[outcome]++;
          if (row.quantity === 0) closing.add(row.poId);
          return undefined;
        },
        async checkpoint() {},
        async finish() {
          let closedPurchaseOrders = 0;
          for (const poId of closing) {
            if (await deps.purchaseOrders.closeIfEveryLineClosed(poId, at)) closedPurchaseOrders++;
          }
          return { ...counts, purchaseOrders: touched.size, closedPurchaseOrders };
        },
      };
    },
  };
}
