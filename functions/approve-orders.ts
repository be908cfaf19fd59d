/** Core job `approve-orders`: approves orders whose NetSuite ids all came back. */
import { log } from '../shared/log.ts';
import { approveOrders, type ApprovalReport } from '../shared/sync/approval.ts';
import { approvalDeps } from '../shared/sync/wiring.ts';

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
  for (const f of report.failed.slice(0, 5)) {
    log.warn('approval failed; retried next run', { order: f.orderId, error: f.error });
  }
  return report;
}
