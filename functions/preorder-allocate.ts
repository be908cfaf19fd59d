/** Core job `preorder-allocate`: FIFO pre-order allocation (every 15 minutes, or on demand). */
import { log } from '../shared/log.ts';
import { preorderRuntime } from '../shared/preorder/runtime.ts';

export async function handler(event: { sku?: string } = {}) {
  const started = Date.now();
  const report = await preorderRuntime().allocation.runFifo({
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
}
