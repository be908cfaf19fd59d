/**
 * Fulfillment and invoicing as a demo flow, after brokering:
 *
 * - `schedule-release` (core job, every 5 minutes at :04, :09, …) schedules the allocated lines and
 *   releases them through the release gates — store lines at once, warehouse lines once their
 *   allocation update was written, each once NetSuite has the customer deposit;
 * - the stores' associates (every half hour at :15 and :45) pick and ship what was released to
 *   their store, with a tracking number; about one pick in fifteen is not found and goes back to
 *   brokering, which places it elsewhere;
 * - `oms-fulfilled-export` (at :00 and :30) tells NetSuite what the stores shipped, and
 *   `line-close-export` (same times) closes the lines customer service cancelled;
 * - customer service (every quarter hour at :01) cancels one item of 2 % of the orders, some as
 *   soon as they came in, some once NetSuite had them;
 * - NetSuite's warehouses ship their open lines and NetSuite invoices the orders fully shipped
 *   (simulator options in `../netsuite.ts`); its fulfillment and invoice files are imported by the
 *   S3 events after each of its cycles.
 */
import type { ScheduleReleaseReport } from '../../../shared/fulfillment/schedule-release.ts';
import type { ExportReport } from '../../../shared/sync/export-run.ts';
import { DEMO_FULFILLMENT } from '../netsuite.ts';
import { omsJob } from '../oms-job.ts';
import type { DemoContext, DemoFlow, DemoJob } from '../types.ts';
import { cancelRequests, CustomerService, type CancelRequest } from './customer-service.ts';
import { renderFulfillment } from './render.ts';
import { StoreAssociates } from './store-associates.ts';
import { fulfillmentSummary, type FulfillmentSummary } from './summary.ts';
import { FulfillmentTally } from './tally.ts';

export function fulfillmentFlow(): DemoFlow<FulfillmentSummary> {
  const tally = new FulfillmentTally();
  let requests: CancelRequest[] = [];
  let stores: StoreAssociates | undefined;
  let desk: CustomerService | undefined;

  return {
    name: 'fulfillment',
    title: 'Fulfillment, cancellations and invoices',

    async setup(ctx) {
      requests = cancelRequests(ctx, ctx.seed);
    },

    jobs(ctx: DemoContext): DemoJob[] {
      stores = new StoreAssociates(ctx);
      desk = new CustomerService(ctx, requests);
      return [
        omsJob<ScheduleReleaseReport>(ctx, 'schedule-release', (r) =>
          tally.afterRelease(r, ctx.sim.written.length),
        ),
        stores.job,
        omsJob<ExportReport>(ctx, 'oms-fulfilled-export', (r) => tally.afterFulfilledExport(r)),
        omsJob<ExportReport>(ctx, 'line-close-export', (r) => tally.afterLineCloseExport(r)),
        desk.job,
      ];
    },

    progress: () => [
      ['NS shipped', tally.fulfillmentImports.stats.fulfilled ?? 0],
      ['store shipped', stores?.totals.shipments ?? 0],
      ['not found', stores?.totals.notFound.length ?? 0],
      ['cancelled', desk?.outcomes.filter((o) => o.outcome === 'cancelled').length ?? 0],
      ['invoiced', tally.invoiceImports.stats.recorded ?? 0],
    ],

    async summary(ctx) {
      await tally.refreshImports();
      return fulfillmentSummary(ctx, {
        release: { ...tally.release },
        stores: stores!.totals,
        fulfilledSent: { ...tally.fulfilledSent },
        closesSent: { ...tally.closesSent },
        fulfillmentImports: tally.fulfillmentImports,
        invoiceImports: tally.invoiceImports,
        cancelRequests: requests.length,
        cancelled: [...desk!.outcomes],
        cancelWaiting: [...desk!.waiting],
        shares: {
          fulfil: DEMO_FULFILLMENT.fulfilShare,
          partial: DEMO_FULFILLMENT.partialShare,
          comma: DEMO_FULFILLMENT.commaShare,
          multiTracking: DEMO_FULFILLMENT.multiTrackingShare,
        },
      });
    },
    render: renderFulfillment,
  };
}
