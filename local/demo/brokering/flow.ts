/**
 * Brokering as a demo flow: approved orders wait in the brokering queue; `broker-orders` (core
 * job, every quarter hour at :02) places them at the warehouses NetSuite fulfils from, else at the
 * stores; `allocation-update-export` (feed, at :00) sends the warehouse allocations to NetSuite;
 * the East warehouse rejects a share of them, which come back in NetSuite's rejected-item export
 * (imported by `rejected-item-import` on the S3 event, as the id files are) and are brokered again
 * — never to East. Store items wait in the stores' fulfillment queues.
 */
import type { BrokeringReport } from '../../../shared/brokering/broker-orders.ts';
import type { ExportReport } from '../../../shared/sync/export-run.ts';
import { omsJob } from '../oms-job.ts';
import type { DemoContext, DemoFlow, DemoJob } from '../types.ts';
import { renderBrokering } from './render.ts';
import { loadInventory, PRODUCT_STORE, saveRouting, type InventoryLoaded } from './setup.ts';
import { brokeringSummary, type BrokeringSummary } from './summary.ts';
import { BrokeringTally } from './tally.ts';

export function brokeringFlow(): DemoFlow<BrokeringSummary> {
  let tally: BrokeringTally | undefined;
  let inventory: InventoryLoaded | undefined;
  const tallyOf = (ctx: DemoContext) => (tally ??= new BrokeringTally(ctx));

  return {
    name: 'brokering',
    title: 'Brokering, allocations and NetSuite rejections',

    async setup(ctx) {
      inventory = await loadInventory(ctx);
      await saveRouting();
      tallyOf(ctx);
    },

    jobs(ctx: DemoContext): DemoJob[] {
      const t = tallyOf(ctx);
      // The totals read the tables after each run; the run ends when they are read.
      return [
        omsJob<{ runs: BrokeringReport[] }>(ctx, 'broker-orders', (r) => t.afterBrokering(r)),
        omsJob<ExportReport>(ctx, 'allocation-update-export', (r) => t.afterExport(r)),
      ];
    },

    progress: () => tally?.figures() ?? [],

    summary: (ctx) =>
      brokeringSummary(ctx, {
        productStore: PRODUCT_STORE,
        inventory: inventory!,
        runs: { ...tallyOf(ctx).runs },
        sent: { ...tallyOf(ctx).sent },
      }),
    render: renderBrokering,
  };
}
