/**
 * Core job `preorder-release` (daily): pre-ordered lines whose PO line's arrival date has come
 * move on to fulfilment as far as the facility's stock allows (FIFO); PO lines NetSuite closed
 * (re-exported with quantity 0) are settled (released where stock arrived, re-queued otherwise);
 * POs missing from the open-PO files are closed the same way only when OMS_PO_ABSENT_HOURS is set.
 */
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import { preorderRuntime, root } from '../shared/app/root.ts';
import { poAbsentHours } from '../shared/preorder/services.ts';

export const handler = lambdaShell(
  {
    name: 'preorder-release',
    kind: 'job',
    runRecord: (r: { released: readonly unknown[]; waiting: readonly unknown[] }) => ({
      records: r.released.length,
      heldBack: r.waiting.length,
    }),
    metrics: (r: { released: readonly unknown[]; waiting: readonly unknown[] }, add) => {
      add('PreorderLinesReleased', r.released.length);
      add('PreorderLinesWaiting', r.waiting.length);
    },
  },
  async (event: { dueBy?: string } | undefined = {}) => {
    const started = Date.now();
    const { supply } = preorderRuntime(root());
    const dueBy =
      typeof event?.dueBy === 'string' ? event.dueBy : new Date().toISOString().slice(0, 10);
    const released = await supply.release({ dueBy });
    const closedLines = await supply.settleClosedLines();
    const closed = await supply.closeAbsent(poAbsentHours());
    log.info('job preorder-release', {
      dueBy,
      released: released.released.length,
      waiting: released.waiting.length,
      closedLines: closedLines.map((c) => `${c.poId}/${c.lineId}`).join(', '),
      closed: closed.map((c) => c.poId).join(', '),
      ms: Date.now() - started,
    });
    return { dueBy, ...released, closedLines, closed };
  },
);
