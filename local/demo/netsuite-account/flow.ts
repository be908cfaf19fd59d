/**
 * NetSuite's own account as a demo flow: the simulator keeps NetSuite's books (on hand, committed,
 * available per location; item fulfillments lower on hand), and the OMS's `netsuite-exceptions`
 * job (every quarter hour) reads what NetSuite did with each file the OMS sent: taken (archive/),
 * failed whole (failed/), rows refused (error/). The summary shows NetSuite's books at the end of
 * the day — units NetSuite could not commit (`backordered`) are units the OMS promised beyond what
 * NetSuite holds — and every record NetSuite refused, every file it failed, every OMS-fulfilled
 * line its item fulfillment script left, with NetSuite's reason.
 */
import type { LineState } from '../../../shared/domain/lifecycle/line.ts';
import { promisedAt, reflectedAt } from '../../../shared/domain/lifecycle/promises.ts';
import { orderRuntime, root, syncStore } from '../../../shared/app/root.ts';
import { exceptionsStatus } from '../../../shared/sync/netsuite-exceptions.ts';
import type { ExceptionsReport } from '../../../shared/sync/netsuite-exceptions.ts';
import { omsJob } from '../oms-job.ts';
import type { DemoContext, DemoFlow, DemoJob } from '../types.ts';
import { oversoldOf, trulyAvailable, type Oversold } from '../inventory/truth.ts';
import { STATUS } from '../../../shared/domain/lifecycle/status.ts';

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
  /**
   * The night: units the OMS counts against availability by cause before NetSuite's night
   * snapshot, how many stopped counting when it was imported (NetSuite's figure reflects them),
   * and what was truly available (inventory/truth.ts) at the end of the day.
   */
  readonly night: {
    readonly holdsBefore: HoldsByCause;
    readonly holdsAfter: HoldsByCause;
    readonly endedAtSnapshot: number;
    /** Pairs (and units) promised beyond what was truly there: must be 0. */
    readonly oversold: Oversold;
    /** Pairs where the OMS's availability was above truly available − safety: must be 0. */
    readonly omsAboveTruth: number;
  };
}

/** Units counted against availability (promised, not reflected in NetSuite's figure), by cause. */
export interface HoldsByCause {
  /** Allocated or scheduled (1200, 1500). */
  readonly reserved: number;
  /** Released or being picked (3200, 3350). */
  readonly released: number;
  /** Shipped, NetSuite's figure not reflecting it yet (3700). */
  readonly shipped: number;
  /** Store rejections' inventory adjustments not in NetSuite's figure yet. */
  readonly adjustments: number;
  readonly total: number;
}

/** Counted units split by cause: the reflected ones are the oldest (shipped first). */
function holdsByCause(lines: readonly LineState[], positionsTotal: number): HoldsByCause {
  let reserved = 0;
  let released = 0;
  let shipped = 0;
  for (const l of lines) {
    const facilities = new Set([
      ...Object.keys(l.alloc),
      ...Object.values(l.releases).map((r) => r.facilityId),
      ...Object.values(l.shipments).map((s) => s.facilityId),
    ]);
    for (const f of facilities) {
      let reflected = reflectedAt(l, f);
      const a = l.alloc[f];
      const parts = {
        shipped: Object.values(l.shipments)
          .filter((s) => s.facilityId === f)
          .reduce((n, s) => n + s.quantity, 0),
        released: Object.values(l.releases)
          .filter((r) => r.facilityId === f)
          .reduce((n, r) => n + r.statusQuantity, 0),
        reserved: (a?.[STATUS.ALLOCATED] ?? 0) + (a?.[STATUS.SCHEDULED] ?? 0),
      };
      const take = (n: number) => {
        const t = Math.min(n, reflected);
        reflected -= t;
        return n - t;
      };
      shipped += take(parts.shipped);
      released += take(parts.released);
      reserved += take(parts.reserved);
      if (parts.shipped + parts.released + parts.reserved !== promisedAt(l, f))
        throw new Error(`holds by cause: ${l.orderId}/${l.lineSeq} at ${f} does not add up`);
    }
  }
  const lineTotal = reserved + released + shipped;
  return {
    reserved,
    released,
    shipped,
    adjustments: Math.max(0, positionsTotal - lineTotal),
    total: Math.max(positionsTotal, lineTotal),
  };
}

async function omsLines(ctx: DemoContext): Promise<LineState[]> {
  const orders = await Promise.all(
    [...ctx.orders.values()].map((id) => orderRuntime(root()).orders.order(id)),
  );
  return orders.flatMap((o) => o.lines);
}

/** Σ counted units (`reserved` of every position) and the OMS's availability per pair. */
async function positionsOf(ctx: DemoContext) {
  const out = new Map<string, { counted: number; figureLessCounted: number }>();
  let total = 0;
  for (const p of ctx.sample.products) {
    const { figures, positions } = await orderRuntime(root()).positions.stock(p.sku);
    for (const f of ctx.sample.facilities) {
      const pos = positions.get(f.facilityId);
      const counted = pos?.reserved ?? 0;
      total += counted;
      out.set(`${p.sku}|${f.facilityId}`, {
        counted,
        figureLessCounted: (figures.get(f.facilityId) ?? 0) - counted,
      });
    }
  }
  return { total, byPair: out };
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
      // The night: what the OMS counts, what was truly there, then NetSuite's night snapshot.
      const linesBefore = await omsLines(ctx);
      const before = await positionsOf(ctx);
      const truth = trulyAvailable(ctx, linesBefore);
      // OMS availability (figure − counted − safety) above truly available − safety?
      const omsAboveTruth = truth.filter((t) => {
        const oms = before.byPair.get(`${t.sku}|${t.facilityId}`);
        return oms !== undefined && oms.figureLessCounted > t.trulyAvailable;
      }).length;
      await ctx.sim.exportInventorySnapshot();
      await ctx.cloud.dispatcher.idle();
      const after = await positionsOf(ctx);
      const night = {
        holdsBefore: holdsByCause(linesBefore, before.total),
        holdsAfter: holdsByCause(await omsLines(ctx), after.total),
        endedAtSnapshot: before.total - after.total,
        oversold: oversoldOf(truth),
        omsAboveTruth,
      };
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
      const status = await exceptionsStatus(syncStore(root()));
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
        night,
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
      const h = s.night.holdsBefore;
      lines.push(
        `holds at the end of the day (units promised that NetSuite's figure does not reflect yet): ${h.total} — allocated ${h.reserved}, released/picking ${h.released}, shipped ${h.shipped}, adjustments ${h.adjustments}`,
        `NetSuite's night snapshot ended ${s.night.endedAtSnapshot} of them; ${s.night.holdsAfter.total} still held (files NetSuite had not taken before its search)`,
        `oversold against NetSuite's books: ${s.night.oversold.pairs} SKU × facility pair(s), ${s.night.oversold.units} unit(s); OMS availability above what was truly there: ${s.night.omsAboveTruth} pair(s)`,
      );
      return lines;
    },
  };
}
