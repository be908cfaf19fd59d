/**
 * Core job `reconcile-reservations`: repairs reserved quantities from the reservation rows and
 * adjustment holds, and lists holds older than `OMS_HOLD_MAX_AGE_HOURS` with an error line
 * (`StaleInventoryHolds`, watched by an alarm).
 */
import { holdMaxAgeHours } from '../shared/platform/config.ts';
import { describeHold } from '../shared/inventory/stale-holds.ts';
import { STALE_HOLDS_ALARM } from '../shared/jobs/core-jobs.ts';
import {
  reconcileReservations,
  type ReconcileReport,
} from '../shared/jobs/reconcile-reservations.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import { holdAgeReader, positionStore, root } from '../shared/app/root.ts';

/** Old holds written one per line (the rest are counted in the error line). */
const LISTED = 20;

export const handler = lambdaShell<{ skus?: string[] } | undefined, ReconcileReport>(
  {
    name: 'reconcile-reservations',
    kind: 'job',
    runRecord: (report) => ({
      records: report.fixed.length,
      rows: report.checked,
      ...(report.staleHolds && report.staleHolds.count > 0
        ? {
            alarm: STALE_HOLDS_ALARM,
            alarmReason: `${report.staleHolds.count} inventory holds (${report.staleHolds.units} units) older than ${report.staleHolds.maxAgeHours} h`,
          }
        : {}),
      details: {
        checked: report.checked,
        driftRepaired: report.fixed.length,
        driftUnits: report.fixed.reduce((n, f) => n + Math.abs(f.now - f.was), 0),
        atpRefreshed: report.atpRefreshed,
        busy: report.busy.length,
        staleHolds: report.staleHolds?.count ?? 0,
        staleHeldUnits: report.staleHolds?.units ?? 0,
      },
    }),
    metrics: (report, add) => {
      add('ReservationsRepaired', report.fixed.length);
      if (report.staleHolds) {
        add('StaleHolds', report.staleHolds.count);
        add('StaleHeldUnits', report.staleHolds.units);
      }
    },
  },
  async (event = {}) => {
    const report = await reconcileReservations(positionStore(root()), {
      skus: Array.isArray(event?.skus) ? event.skus.map(String) : undefined,
      holdAges: {
        reader: holdAgeReader(root()),
        maxAgeHours: holdMaxAgeHours(),
      },
    });
    log.info('reservations reconciled', {
      checked: report.checked,
      fixed: report.fixed.length,
      atpRefreshed: report.atpRefreshed,
      busy: report.busy.length,
      staleHolds: report.staleHolds?.count,
      ms: report.ms,
    });
    for (const f of report.fixed) {
      log.warn('reservation drift repaired', {
        sku: f.sku,
        facility: f.facilityId,
        was: f.was,
        now: f.now,
        rows: f.rows,
        holds: f.holds,
      });
    }
    const stale = report.staleHolds;
    if (stale && stale.count > 0) {
      const oldest = stale.holds[0]!;
      log.error('inventory holds outlive their maximum age', {
        alarm: STALE_HOLDS_ALARM,
        holds: stale.count,
        units: stale.units,
        maxAgeHours: stale.maxAgeHours,
        oldest: describeHold(oldest),
      });
      for (const h of stale.holds.slice(0, LISTED)) {
        log.warn('old inventory hold', {
          sku: h.sku,
          facility: h.facilityId,
          ...(h.kind === 'adjustment'
            ? { adjustment: h.adjustmentId }
            : { order: h.orderId, line: h.lineSeq }),
          units: h.units,
          ageHours: h.ageHours,
          since: h.since,
        });
      }
    }
    return report;
  },
);
