/**
 * Core job `schedule-release`: schedules (1200 → 1500) and releases (1500 → 3200, release gates)
 * the orders in the release queue; one run at a time (a lease lock). Event (optional):
 * `{ orderIds?: string[], force?: boolean }` — `force` looks at every queued order now.
 */
import {
  scheduleAndRelease,
  type ScheduleReleaseReport,
} from '../shared/fulfillment/schedule-release.ts';
import { root, scheduleReleaseDeps } from '../shared/app/root.ts';
import { appendKeys, lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';

export const handler = lambdaShell<
  { orderIds?: unknown; force?: unknown } | undefined,
  ScheduleReleaseReport
>(
  {
    name: 'schedule-release',
    kind: 'job',
    runRecord: (report) => ({
      records: report.releasedLines,
      heldBack: report.heldLines,
      errors: report.failed.map((f) => `${f.orderId}: ${f.error}`).slice(0, 20),
      details: {
        busy: !!report.busy,
        scheduled: report.scheduledLines,
        released: report.releasedLines,
        held: report.heldLines,
      },
    }),
    metrics: (report, add) => {
      if (report.busy) return;
      add('LinesScheduled', report.scheduledLines);
      add('LinesReleased', report.releasedLines);
      add('Holds', report.heldLines);
      add('ReleaseFailures', report.failed.length);
    },
  },
  async (event = {}) => {
    const orderIds = Array.isArray(event?.orderIds) ? event.orderIds.map(String) : undefined;
    const report = await scheduleAndRelease(scheduleReleaseDeps(root()), {
      orderIds,
      force: event?.force === true,
    });
    appendKeys({ runId: report.runId });
    if (report.busy) {
      log.info('schedule-release run skipped: another run is going', { runId: report.runId });
      return report;
    }
    log.info('schedule-release run', {
      runId: report.runId,
      queued: report.queued,
      orders: report.orders,
      notDue: report.notDue,
      scheduled: report.scheduledLines,
      scheduledUnits: report.scheduledUnits,
      released: report.releasedLines,
      releasedUnits: report.releasedUnits,
      held: report.heldLines,
      heldBy:
        Object.entries(report.held)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, n]) => `${code}:${n}`)
          .join(',') || undefined,
      onHold: report.onHold,
      awaitingAllocationSync: report.awaitingAllocationSync,
      stillAwaitingSync: report.stillAwaitingSync,
      dequeued: report.dequeued,
      failed: report.failed.length,
      ms: report.ms,
    });
    for (const f of report.failed.slice(0, 5)) {
      log.warn('schedule-release failed for an order; retried next run', {
        order: f.orderId,
        error: f.error,
      });
    }
    return report;
  },
);
