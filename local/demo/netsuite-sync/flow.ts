/**
 * The NetSuite order sync as a demo flow: customers, sales orders and customer deposits go out on
 * their catalog schedules, NetSuite's ids come back, and the approval job approves the orders whose
 * ids are all known and confirms their deposits.
 */
import type { ApprovalReport } from '../../../shared/sync/approval.ts';
import type { ExportReport } from '../../../shared/sync/export-run.ts';
import { omsJob } from '../oms-job.ts';
import type { DemoContext, DemoFlow, DemoJob } from '../types.ts';
import { renderNetsuiteSync } from './render.ts';
import { netsuiteSyncSummary, type NetsuiteSyncSummary, type SentTally } from './summary.ts';

export function netsuiteSyncFlow(): DemoFlow<NetsuiteSyncSummary> {
  const sent: SentTally = { customers: 0, salesOrders: 0, lines: 0, deposits: 0, files: 0 };
  // Sets, not sums: an approval report can name again an order an earlier run approved.
  const approved = new Set<string>();
  const paid = new Set<string>();
  let idFiles = 0;
  const exported =
    (count: (r: ExportReport) => void) =>
    (r: ExportReport): void => {
      count(r);
      sent.files += r.files.length;
    };

  return {
    name: 'netsuiteSync',
    title: 'NetSuite order sync',

    async setup(ctx) {
      // NetSuite's account before the day: its items, and the customers it already has.
      ctx.sim.seedItems(ctx.sample.products.map((p) => ({ itemId: p.itemId, sku: p.sku })));
      ctx.sim.seedCustomers(
        ctx.sample.customers
          .filter((c) => c.existingNetsuiteId)
          .map((c) => ({
            externalId: c.shopCustomerId,
            internalId: c.existingNetsuiteId,
            email: c.email,
            firstName: c.firstName,
            lastName: c.lastName,
          })),
      );
    },

    jobs(ctx: DemoContext): DemoJob[] {
      return [
        omsJob<ExportReport>(
          ctx,
          'customer-export',
          exported((r) => (sent.customers += r.records)),
        ),
        omsJob<ExportReport>(
          ctx,
          'sales-order-export',
          exported((r) => {
            sent.salesOrders += r.records;
            sent.lines += r.rows;
          }),
        ),
        omsJob<ExportReport>(
          ctx,
          'customer-deposit-export',
          exported((r) => (sent.deposits += r.records)),
        ),
        omsJob<ApprovalReport>(ctx, 'approve-orders', (r) => {
          for (const id of r.approved) approved.add(id);
          for (const id of r.depositsConfirmed) paid.add(id);
          idFiles = ctx.sim.log.filter(
            (e) => e.kind === 'exported' && e.script === 'id-export',
          ).length;
        }),
      ];
    },

    progress: () => [
      ['customers→', sent.customers],
      ['orders→', sent.salesOrders],
      ['deposits→', sent.deposits],
      ['id files←', idFiles],
      ['approved', approved.size],
      ['paid', paid.size],
    ],

    summary: (ctx) => netsuiteSyncSummary(ctx, { ...sent }),
    render: renderNetsuiteSync,
  };
}
