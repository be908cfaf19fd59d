/** Core job `approve-orders`: approves orders whose NetSuite ids all came back. */
import { log } from '../shared/log.ts';
import { approveOrders, type ApprovalReport } from '../shared/sync/approval.ts';
import { approvalDeps, syncStore } from '../shared/sync/wiring.ts';

export async function handler(): Promise<ApprovalReport> {
  const report = await approveOrders(approvalDeps());
  log.info('approval run', {
    candidates: report.candidates,
    approved: report.approved.length,
    incomplete: report.incomplete,
    depositsConfirmed: report.depositsConfirmed.length,
    unknownOrders: report.unknownOrders,
    failed: report.failed.length,
    ms: report.ms,
  });
  await syncStore().recordRun({
    feed: 'approve-orders',
    runId: Math.random().toString(36).slice(2, 8),
    startedAt: new Date(Date.now() - report.ms).toISOString(),
    ms: report.ms,
    files: [],
    rows: 0,
    records: report.approved.length,
    heldBack: report.incomplete,
    errors: report.failed.map((f) => `${f.orderId}: ${f.error}`).slice(0, 20),
    details: {
      candidates: report.candidates,
      approved: report.approved.length,
      incomplete: report.incomplete,
      depositsConfirmed: report.depositsConfirmed.length,
      unknownOrders: report.unknownOrders,
    },
  });
  for (const f of report.failed.slice(0, 5)) {
    log.warn('approval failed; retried next run', { order: f.orderId, error: f.error });
  }
  return report;
}
