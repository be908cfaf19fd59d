/**
 * The brokering flow's running totals for the progress line, kept up to date after each of its
 * job runs with a few cheap reads: the brokering runs' reports, the stores' fulfillment queues,
 * the allocation export's reports, the rejected-item import's ledger, the lines NetSuite
 * rejected and the orders left in the brokering queue, as the OMS holds them now.
 */
import type { BrokeringReport } from '../../../shared/brokering/broker-orders.ts';
import { padLineSeq } from '../../../shared/domain/lifecycle/line.ts';
import { isNetsuiteFulfilled } from '../../../shared/domain/sync/allocation-rows.ts';
import { orderRuntime, root } from '../../../shared/app/root.ts';
import { BROKERING_QUEUE, BrokeringStore } from '../../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../../shared/store/dynamo-client.ts';
import { ImportLedger } from '../../../shared/store/import-ledger.ts';
import type { ExportReport } from '../../../shared/sync/export-run.ts';
import type { NetsuiteSimulator } from '../../netsuite/index.ts';
import type { DemoContext, ProgressFigure } from '../types.ts';
import { STATUS } from '../../../shared/domain/lifecycle/status.ts';

export interface RunTotals {
  runs: number;
  /** Placements (a line at a facility) and their units. */
  allocatedLines: number;
  allocatedUnits: number;
  /** Units moved to backordered (1300) because nothing could take them then. */
  backorderedUnits: number;
  raced: number;
  failed: number;
}

export interface SentTotals {
  rows: number;
  files: number;
}

/** Statuses of a line placed at a facility (or shipped from one). */
const PLACED = [
  STATUS.ALLOCATED,
  STATUS.SCHEDULED,
  STATUS.RELEASED,
  STATUS.INCLUDED_IN_SHIPMENT,
  STATUS.SHIPPED,
] as const;

/** A line NetSuite rejected, as `orderId|lineSeq` (the OMS's keys). */
const lineKey = (orderId: string, lineSeq: string) => `${orderId}|${lineSeq}`;

/** The OMS lines NetSuite's locations rejected so far (from the simulator's account). */
export function rejectedByNetsuite(sim: NetsuiteSimulator): { orderId: string; lineSeq: string }[] {
  return sim.rejectedLines().map((l) => ({
    orderId: l.hcOrderId,
    lineSeq: padLineSeq(Number(l.orderLineId)),
  }));
}

export class BrokeringTally {
  readonly runs: RunTotals = {
    runs: 0,
    allocatedLines: 0,
    allocatedUnits: 0,
    backorderedUnits: 0,
    raced: 0,
    failed: 0,
  };
  readonly sent: SentTotals = { rows: 0, files: 0 };
  /** Store queue items seen (`facility|order|line`): placements at stores. */
  private readonly storeItems = new Set<string>();
  private rejectionsReceived = 0;
  private rebrokered = 0;
  private backorderedLines = 0;
  private lastRejections = -1;

  constructor(private readonly ctx: DemoContext) {}

  private get brokering() {
    return new BrokeringStore(dynamo(), table('control'));
  }

  async afterBrokering(result: { runs: readonly BrokeringReport[] }): Promise<void> {
    for (const r of result.runs) {
      this.runs.runs++;
      this.runs.allocatedLines += r.allocatedLines;
      this.runs.allocatedUnits += r.allocatedUnits;
      this.runs.backorderedUnits += r.backorderedUnits;
      this.runs.raced += r.raced;
      this.runs.failed += r.failed.length;
    }
    const stores = this.ctx.sample.facilities.filter((f) => !isNetsuiteFulfilled(f));
    for (const f of stores) {
      for (const item of await this.brokering.storeQueue(f.facilityId)) {
        this.storeItems.add(`${f.facilityId}|${lineKey(item.orderId, item.lineSeq)}`);
      }
    }
    // What waits in the brokering queue after a run is what no facility could take.
    const waiting = [
      ...new Set((await this.brokering.queue(BROKERING_QUEUE)).map((e) => e.orderId)),
    ];
    const { orders } = orderRuntime(root());
    let backordered = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let id = waiting.shift(); id; id = waiting.shift()) {
          // The header and lines only: the whole partition (every event) grows with each move.
          const lines = (await orders.headerAndLines(id))?.lines ?? [];
          backordered += lines.filter((l) => (l.buckets[STATUS.BACKORDERED] ?? 0) > 0).length;
        }
      }),
    );
    this.backorderedLines = backordered;
    await this.refreshRejections(true);
  }

  async afterExport(report: ExportReport): Promise<void> {
    this.sent.rows += report.rows;
    this.sent.files += report.files.length;
    await this.refreshRejections(false);
  }

  /** Rejections the OMS imported, and how many of those lines are placed again. */
  private async refreshRejections(brokered: boolean): Promise<void> {
    const runs = await new ImportLedger(dynamo(), table('control')).recentFeedRuns(
      'rejected-item-import',
      1000,
    );
    this.rejectionsReceived = runs.reduce((n, r) => n + (r.stats?.released ?? 0), 0);
    // Not `snapshot()`: it copies NetSuite's whole account, after every brokering and export run.
    const count = this.ctx.sim.lineRejections;
    if (!brokered && count === this.lastRejections) return;
    this.lastRejections = count;
    const rejected = rejectedByNetsuite(this.ctx.sim);
    if (!rejected.length) return;
    const { lines } = await orderRuntime(root()).orders.linesWithHeaders(rejected);
    // Placed again: allocated, scheduled, released, being picked or shipped since.
    this.rebrokered = [...lines.values()].filter(
      (l) => l.rejectedBy.length && PLACED.some((st) => (l.buckets[st] ?? 0) > 0),
    ).length;
  }

  /** Placements at warehouses and at stores. */
  get placements(): { warehouses: number; stores: number } {
    const stores = this.storeItems.size;
    return { warehouses: this.runs.allocatedLines - stores, stores };
  }

  figures(): ProgressFigure[] {
    const { warehouses, stores } = this.placements;
    return [
      ['→wh', warehouses],
      ['→store', stores],
      ['alloc→', this.sent.rows],
      ['rejected←', this.rejectionsReceived],
      ['re-brokered', this.rebrokered],
      ['backordered', this.backorderedLines],
    ];
  }
}
