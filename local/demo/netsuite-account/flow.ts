/**
 * NetSuite's own account as a demo flow: the simulator keeps NetSuite's books (on hand, committed,
 * available per location; item fulfillments lower on hand), and the OMS's `netsuite-exceptions`
 * job (every quarter hour) reads what NetSuite did with each file the OMS sent: taken (archive/),
 * failed whole (failed/), rows refused (error/). The summary shows NetSuite's books at the end of
 * the day — units NetSuite could not commit (`backordered`) are units the OMS promised beyond what
 * NetSuite holds — and every record NetSuite refused, every file it failed, every OMS-fulfilled
 * line its item fulfillment script left, with NetSuite's reason.
 */
import { exceptionsStatus } from '../../../shared/sync/netsuite-exceptions.ts';
import { syncStore } from '../../../shared/sync/wiring.ts';
import type { ExceptionsReport } from '../../../shared/sync/netsuite-exceptions.ts';
import { omsJob } from '../oms-job.ts';
import type { DemoContext, DemoFlow, DemoJob } from '../types.ts';

export interface LocationBooks {
  readonly location: string;
  readonly facilityId: string;
  readonly onHand: number;
  readonly committed: number;
  readonly available: number;
  readonly backordered: number;
}

export interface NetsuiteAccountSummary {
  /** The simulator keeps NetSuite's own books (not the OMS's figures). */
  readonly simulator: 'netsuite-books';
  readonly books: readonly LocationBooks[];
  /** SKU × location pairs where NetSuite holds open lines it has nothing left to commit to. */
  readonly backorderedPairs: number;
  readonly exceptions: {
    readonly filesTaken: number;
    readonly failedFiles: number;
    readonly refusedRecords: number;
    readonly waitingForFix: number;
    readonly unexplained: number;
    readonly details: readonly string[];
  };
  /** OMS-fulfilled lines NetSuite's item fulfillment script left, with its reason. */
  readonly notFulfilled: number;
}

export function netsuiteAccountFlow(): DemoFlow<NetsuiteAccountSummary> {
  let runs = 0;
  return {
    name: 'netsuiteAccount',
    title: "NetSuite's books and exception files",
    setup: async () => undefined,
    jobs(ctx: DemoContext): DemoJob[] {
      return [omsJob<ExceptionsReport>(ctx, 'netsuite-exceptions', () => void (runs += 1))];
    },
    progress: () => [],
    async summary(ctx) {
      await ctx.runJob('netsuite-exceptions');
      const facilityOf = new Map(ctx.sample.facilities.map((f) => [f.externalId, f.facilityId]));
      const rows = ctx.sim.books();
      const byLocation = new Map<string, LocationBooks>();
      for (const r of rows) {
        const b = byLocation.get(r.location) ?? {
          location: r.location,
          facilityId: facilityOf.get(r.location) ?? r.location,
          onHand: 0,
          committed: 0,
          available: 0,
          backordered: 0,
        };
        byLocation.set(r.location, {
          ...b,
          onHand: b.onHand + r.onHand,
          committed: b.committed + r.committed,
          available: b.available + r.available,
          backordered: b.backordered + r.backordered,
        });
      }
      const status = await exceptionsStatus(syncStore());
      const refused = status.refused.flatMap((f) => f.records.map((r) => ({ feed: f.feed, r })));
      return {
        simulator: 'netsuite-books',
        books: [...byLocation.values()].sort((a, b) => a.facilityId.localeCompare(b.facilityId)),
        backorderedPairs: rows.filter((r) => r.backordered > 0).length,
        exceptions: {
          filesTaken: status.taken.reduce((n, t) => n + t.count, 0),
          failedFiles: status.failedFiles.length,
          refusedRecords: refused.length,
          waitingForFix: status.refused.reduce((n, f) => n + f.waitingForFix, 0),
          unexplained: status.unexplainedTotal,
          details: [
            ...refused.map(
              ({ feed, r }) => `${feed} ${r.id}: ${r.message} (${r.file}, ${r.state})`,
            ),
            ...status.failedFiles.map((f) => `failed file ${JSON.stringify(f)}`),
            ...status.unexplained.map((u) => `unexplained ${JSON.stringify(u)}`),
          ],
        },
        notFulfilled: ctx.sim.notFulfilled().length,
      };
    },
    render(s) {
      const lines = [
        'NetSuite keeps its own books in the simulator (on hand − committed = available):',
        ...s.books.map(
          (b) =>
            `  ${b.facilityId.padEnd(10)} (${b.location}) on hand ${b.onHand}, committed ${b.committed}, available ${b.available}${b.backordered ? `, BACKORDERED ${b.backordered}` : ''}`,
        ),
        s.backorderedPairs
          ? `${s.backorderedPairs} SKU × location pair(s) where NetSuite has open lines it cannot commit`
          : 'NetSuite could commit every line it holds (nothing backordered)',
        `files NetSuite took: ${s.exceptions.filesTaken}; failed whole: ${s.exceptions.failedFiles}; records refused: ${s.exceptions.refusedRecords} (${s.exceptions.waitingForFix} waiting for a fix); unexplained: ${s.exceptions.unexplained}`,
        ...s.exceptions.details.map((d) => `  ${d}`),
      ];
      if (s.notFulfilled)
        lines.push(`OMS-fulfilled lines NetSuite's script left: ${s.notFulfilled}`);
      return lines;
    },
  };
}
