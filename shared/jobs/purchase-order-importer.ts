/**
 * The open purchase orders importer (`purchaseorder/fulfillment`): upserts each PO line (quantity,
 * arrival date; its ATP follows), marks its PO as listed now, and refuses rows for unknown
 * facilities or POs cancelled in the OMS. Every write is an idempotent upsert, so a resumed or
 * repeated file changes nothing more.
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
      const counts = { new: 0, changed: 0, same: 0 };
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
          return undefined;
        },
        async checkpoint() {},
        async finish() {
          return { ...counts, purchaseOrders: touched.size };
        },
      };
    },
  };
}
