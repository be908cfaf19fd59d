/** Core job `approve-orders`: approves orders whose NetSuite ids all came back. */
import { appendKeys, lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import { approveOrders, type ApprovalReport } from '../shared/sync/approval.ts';
import { approvalDeps, root, syncStore } from '../shared/app/root.ts';

export const handler = lambdaShell<unknown, ApprovalReport>(
  {
    name: 'approve-orders',
    kind: 'job',
    metrics: (report, add) => {
      add('OrdersApproved', report.approved.length);
      add('DepositsConfirmed', report.depositsConfirmed.length);
      add('ApprovalFailures', report.failed.length);
    },
  },
  async () => {
    const runId = Math.random().toString(36).slice(2, 8);
    appendKeys({ runId });
    const report = await approveOrders(approvalDeps(root()));
    log.info('approval run', {
      candidates: report.candidates,
      approved: report.approved.length,
      incomplete: report.incomplete,
      depositsConfirmed: report.depositsConfirmed.length,
      unknownOrders: report.unknownOrders,
      failed: report.failed.length,
      ms: report.ms,
    });
    await syncStore(root()).recordRun({
      feed: 'approve-orders',
      runId,
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
  },
);
