/** Core job `reconcile-reservations`: repairs reserved quantities from the reservation rows. */
import {
  reconcileReservations,
  type ReconcileReport,
} from '../shared/jobs/reconcile-reservations.ts';
import { log } from '../shared/log.ts';
import { orderRuntime } from '../shared/orders/runtime.ts';

export async function handler(event: { skus?: string[] } = {}): Promise<ReconcileReport> {
  const report = await reconcileReservations(orderRuntime().positions, {
    skus: Array.isArray(event?.skus) ? event.skus.map(String) : undefined,
  });
  log.info('reservations reconciled', {
    checked: report.checked,
    fixed: report.fixed.length,
    atpRefreshed: report.atpRefreshed,
    busy: report.busy.length,
    ms: report.ms,
  });
  for (const f of report.fixed) {
    log.warn('reservation drift repaired', {
      sku: f.sku,
      facility: f.facilityId,
      was: f.was,
      now: f.now,
      rows: f.rows,
    });
  }
  return report;
}
