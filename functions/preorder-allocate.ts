/** Core job `preorder-allocate`: FIFO pre-order allocation (every 15 minutes, or on demand). */
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { log } from '../shared/platform/log.ts';
import { preorderRuntime, root } from '../shared/app/root.ts';

export const handler = lambdaShell(
  {
    name: 'preorder-allocate',
    kind: 'job',
    runRecord: (report: { allocated: number; held: readonly unknown[] }) => ({
      records: report.allocated,
      heldBack: report.held.length,
    }),
    metrics: (report: { allocated: number; held: readonly unknown[] }, add) => {
      add('PreorderAllocations', report.allocated);
      add('Holds', report.held.length);
    },
  },
  async (event: { sku?: string } | undefined = {}) => {
    const started = Date.now();
    const report = await preorderRuntime(root()).allocation.runFifo({
      sku: typeof event?.sku === 'string' ? event.sku : undefined,
    });
    log.info('job preorder-allocate', {
      allocated: report.allocated,
      lines: report.lines.length,
      held: report.held.length,
      unfilled: report.unfilled.length,
      lostRaces: report.lostRaces,
      ms: Date.now() - started,
    });
    return report;
  },
);
