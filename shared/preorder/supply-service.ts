/**
 * What happens to pre-ordered lines when their supply changes: a PO cancelled (by hand), a PO line
 * NetSuite closed (a re-exported row with open quantity 0: received in full, closed or cancelled),
 * a PO missing from the open-PO files for too long (only when that is switched on:
 * `OMS_PO_ABSENT_HOURS`; NetSuite exports each PO once, so absence alone proves nothing), a PO line
 * arriving (release to fulfilment), an earlier PO appearing (re-promise), a quantity lowered below
 * what is allocated (give back the newest).
 */
import { createHash } from 'node:crypto';
import { checkEnvelope, isCommandError } from '../domain/lifecycle/index.ts';
import { PreorderError } from '../domain/preorder/errors.ts';
import {
  byArrival,
  byCustomerOrder,
  planOverAllocation,
  planRepromise,
  type Supply,
} from '../domain/preorder/fifo.ts';
import type { PurchaseOrderLine } from '../domain/preorder/purchase-order.ts';
import type { StoredAllocation } from '../store/purchase-order-store.ts';
import { LinkedConditionFailed } from '../orders/order-service.ts';
import type {
  AllocationService,
  EnvelopeInput,
  FifoReport,
  PreorderDeps,
} from './allocation-service.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

const short = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);

const allocationKey = (a: StoredAllocation) =>
  short(a.poId, a.lineId, a.orderId, a.lineSeq, a.allocatedAt, String(a.quantity));

export interface ReleaseReport {
  readonly released: ReadonlyArray<{
    orderId: string;
    lineSeq: string;
    quantity: number;
    facilityId: string;
    poId: string;
    lineId: string;
  }>;
  /** FIFO stops at the first line the facility cannot cover yet: these wait. */
  readonly waiting: ReadonlyArray<{
    orderId: string;
    lineSeq: string;
    quantity: number;
    reason: string;
  }>;
}

export interface CancelReport {
  readonly poId: string;
  readonly status: 'cancelled' | 'closed';
  readonly unallocated: ReadonlyArray<{ orderId: string; lineSeq: string; quantity: number }>;
  readonly released?: ReleaseReport;
  /** The FIFO run that re-allocated the orders to other POs where ATP allows. */
  readonly reallocated: FifoReport;
  /** Lines of this PO's orders still waiting for supply. */
  readonly stillUnallocated: ReadonlyArray<{ orderId: string; lineSeq: string; quantity: number }>;
}

/** A PO line NetSuite closed, settled: released where the stock arrived, the rest re-queued. */
export interface ClosedLineReport {
  readonly poId: string;
  readonly lineId: string;
  readonly released: ReleaseReport;
  readonly unallocated: CancelReport['unallocated'];
  readonly reallocated: FifoReport;
  readonly stillUnallocated: CancelReport['stillUnallocated'];
}

export class SupplyService {
  constructor(
    private readonly deps: PreorderDeps,
    private readonly allocation: AllocationService,
  ) {}

  private now(): string {
    return this.deps.now?.() ?? new Date().toISOString();
  }

  /**
   * Cancels a PO by hand: no new allocations; its orders go back to the queue (1250 → 1300) and
   * FIFO re-allocates them to other POs where ATP allows; the rest are reported.
   */
  async cancel(poId: string, envInput: EnvelopeInput): Promise<CancelReport> {
    const env = checkEnvelope(envInput);
    const header = await this.deps.purchaseOrders.header(poId);
    if (!header) throw new PreorderError('UNKNOWN_PO', `there is no purchase order ${poId}`);
    await this.deps.purchaseOrders.setStatus(
      poId,
      'cancelled',
      `cancelled by ${env.actor}`,
      this.now(),
    );
    return this.requeue(poId, 'cancelled', env.actor, `PO ${poId} cancelled`);
  }

  /**
   * POs that no open-PO file listed for `hours` — **only when switched on** (`hours` set: the
   * setting `OMS_PO_ABSENT_HOURS`): NetSuite exports each PO once, when it is created, so a PO
   * missing from later files is still open, and `hours` undefined closes nothing. When on: what
   * the facility now has is released to its allocations (FIFO); the rest go back to the queue and
   * are re-allocated elsewhere where ATP allows.
   */
  async closeAbsent(
    hours: number | undefined,
    actor = 'job:preorder-release',
  ): Promise<CancelReport[]> {
    if (hours === undefined) return [];
    const cutoff = new Date(Date.parse(this.now()) - hours * 3_600_000).toISOString();
    const out: CancelReport[] = [];
    for (const h of await this.deps.purchaseOrders.list()) {
      if (h.status !== 'open' || !h.lastSeenAt || h.lastSeenAt >= cutoff) continue;
      await this.deps.purchaseOrders.setStatus(
        h.poId,
        'closed',
        `not in NetSuite's open list since ${h.lastSeenAt}`,
        this.now(),
      );
      const released = await this.release({ poId: h.poId, actor });
      const report = await this.requeue(h.poId, 'closed', actor, `PO ${h.poId} left the open list`);
      out.push({ ...report, released });
    }
    return out;
  }

  /**
   * PO lines NetSuite closed (a row with open quantity 0) that still hold allocations, the same
   * way as a closed PO: what arrived at the facility is released to the allocations (FIFO, as far
   * as the stock goes), the rest go back to the queue and FIFO re-allocates them to other PO lines
   * where ATP allows. A PO whose lines are all closed is closed.
   */
  async settleClosedLines(actor = 'job:preorder-release'): Promise<ClosedLineReport[]> {
    const pos = this.deps.purchaseOrders;
    const out: ClosedLineReport[] = [];
    for (const h of await pos.list()) {
      if (h.status === 'cancelled') continue;
      const po = await pos.get(h.poId);
      const closed = (po?.lines ?? []).filter((l) => l.status === 'closed');
      for (const line of closed.filter((l) => l.allocated > 0).sort(byArrival)) {
        const released = await this.releaseLines([line], { actor });
        const allocations = await pos.allocations(line.poId, line.lineId);
        const report = await this.requeueAllocations(
          allocations,
          actor,
          `PO ${line.poId} line ${line.lineId} closed in NetSuite`,
        );
        out.push({ poId: line.poId, lineId: line.lineId, released, ...report });
      }
      if (closed.length && h.status === 'open')
        await pos.closeIfEveryLineClosed(h.poId, this.now());
    }
    return out;
  }

  private async requeue(
    poId: string,
    status: 'cancelled' | 'closed',
    actor: string,
    why: string,
  ): Promise<CancelReport> {
    const allocations = await this.deps.purchaseOrders.allocations(poId);
    return { poId, status, ...(await this.requeueAllocations(allocations, actor, why)) };
  }

  /** Puts allocations back in the queue (1250 → 1300), oldest order first, then FIFO again. */
  private async requeueAllocations(
    found: StoredAllocation[],
    actor: string,
    why: string,
  ): Promise<Omit<CancelReport, 'poId' | 'status'>> {
    const allocations = [...found].sort(byCustomerOrder);
    const unallocated: CancelReport['unallocated'][number][] = [];
    for (const a of allocations) {
      const key = `requeue/${allocationKey(a)}`;
      const r = await this.allocation.unallocate(
        a,
        a.quantity,
        key,
        { idempotencyKey: key, actor },
        why,
      );
      if (r.ok) unallocated.push({ orderId: a.orderId, lineSeq: a.lineSeq, quantity: a.quantity });
    }
    const skus = [...new Set(allocations.map((a) => a.sku))];
    const runs = [];
    for (const sku of skus) runs.push(await this.allocation.runFifo({ sku, actor }));
    const reallocated: FifoReport = {
      allocated: runs.reduce((n, r) => n + r.allocated, 0),
      lines: runs.flatMap((r) => r.lines),
      held: runs.flatMap((r) => r.held),
      unfilled: runs.flatMap((r) => r.unfilled),
      lostRaces: runs.reduce((n, r) => n + r.lostRaces, 0),
    };
    const mine = new Set(unallocated.map((u) => `${u.orderId}#${u.lineSeq}`));
    return {
      unallocated,
      reallocated,
      stillUnallocated: reallocated.unfilled.filter((u) => mine.has(`${u.orderId}#${u.lineSeq}`)),
    };
  }

  /**
   * Arrival: pre-ordered lines of the selected PO lines move on to fulfilment, oldest order first:
   * 1250 → 1200 at the PO's facility, reserving its inventory through the order core (so only as
   * far as what arrived covers; FIFO stops at the first line it cannot cover). Selected by PO,
   * SKU or order (by hand), or every PO line whose arrival date has come (`dueBy`, the job).
   */
  async release(sel: {
    poId?: string;
    sku?: string;
    orderId?: string;
    dueBy?: string;
    actor?: string;
  }): Promise<ReleaseReport> {
    return this.releaseLines(await this.selectLines(sel), sel);
  }

  private async releaseLines(
    poLines: PurchaseOrderLine[],
    sel: { orderId?: string; dueBy?: string; actor?: string },
  ): Promise<ReleaseReport> {
    const actor = sel.actor ?? 'job:preorder-release';
    const released: Array<ReleaseReport['released'][number]> = [];
    const waiting: Array<ReleaseReport['waiting'][number]> = [];
    for (const line of poLines.sort(byArrival)) {
      if (sel.dueBy !== undefined && line.arrivalDate > sel.dueBy) continue;
      const allocations = (await this.deps.purchaseOrders.allocations(line.poId, line.lineId))
        .filter((a) => sel.orderId === undefined || a.orderId === sel.orderId)
        .sort(byCustomerOrder);
      let blocked: string | undefined;
      for (const a of allocations) {
        if (blocked) {
          waiting.push({
            orderId: a.orderId,
            lineSeq: a.lineSeq,
            quantity: a.quantity,
            reason: blocked,
          });
          continue;
        }
        const key = `arrival/${allocationKey(a)}`;
        try {
          await this.deps.service.move({
            orderId: a.orderId,
            lineSeq: a.lineSeq,
            from: STATUS.PRE_ORDERED,
            to: STATUS.ALLOCATED,
            quantity: a.quantity,
            facilityId: line.facilityId,
            idempotencyKey: key,
            actor,
            reason: `PO ${a.poId} line ${a.lineId} arrived at ${line.facilityId}`,
            linked: this.deps.purchaseOrders.releaseItems(a, a.quantity, this.now(), 'arrived'),
          });
          released.push({
            orderId: a.orderId,
            lineSeq: a.lineSeq,
            quantity: a.quantity,
            facilityId: line.facilityId,
            poId: a.poId,
            lineId: a.lineId,
          });
        } catch (err) {
          if (err instanceof LinkedConditionFailed) continue; // changed meanwhile: next run
          if (!isCommandError(err)) throw err;
          const reason = `${err.code}: ${err.message}`;
          waiting.push({ orderId: a.orderId, lineSeq: a.lineSeq, quantity: a.quantity, reason });
          if (err.code === 'OUT_OF_STOCK') blocked = `an earlier order waits for stock (${reason})`;
        }
      }
    }
    return { released, waiting };
  }

  private async selectLines(sel: { poId?: string; sku?: string; orderId?: string }) {
    const pos = this.deps.purchaseOrders;
    if (sel.poId !== undefined) {
      const po = await pos.get(sel.poId);
      if (!po) throw new PreorderError('UNKNOWN_PO', `there is no purchase order ${sel.poId}`);
      return po.lines;
    }
    if (sel.sku !== undefined) return pos.linesOfSku(sel.sku);
    if (sel.orderId !== undefined) {
      const order = await this.deps.orders.order(sel.orderId);
      if (!order.header) {
        throw new PreorderError('INVALID_REQUEST', `there is no order ${sel.orderId}`);
      }
      const skus = [...new Set(order.lines.filter((l) => l.preOrder).map((l) => l.sku))];
      return (await Promise.all(skus.map((s) => pos.linesOfSku(s)))).flat();
    }
    const out: PurchaseOrderLine[] = [];
    for (const h of await pos.list()) {
      if (h.status === 'cancelled') continue;
      out.push(...((await pos.get(h.poId))?.lines ?? []));
    }
    return out;
  }

  /**
   * Hourly: (1) a PO line whose quantity dropped below what is allocated gives back its newest
   * allocations; (2) customers promised on a later PO line move onto an earlier one of the same
   * SKU with ATP, earliest customers first (their promised date improves); (3) FIFO re-allocates
   * what was given back.
   */
  async repromise(actor = 'job:preorder-repromise') {
    const pos = this.deps.purchaseOrders;
    const skus = new Set<string>();
    for (const h of await pos.list()) {
      if (h.status !== 'open') continue;
      for (const l of (await pos.get(h.poId))?.lines ?? []) skus.add(l.sku);
    }
    const givenBack: Array<{
      orderId: string;
      lineSeq: string;
      quantity: number;
      poId: string;
      lineId: string;
    }> = [];
    const moved: Array<{
      orderId: string;
      lineSeq: string;
      quantity: number;
      from: string;
      to: string;
      promisedDate: string;
    }> = [];
    let reallocated = 0;
    for (const sku of skus) {
      const givenBackBefore = givenBack.length;
      let lines = await pos.linesOfSku(sku);
      for (const l of lines.filter((x) => x.atp < 0)) {
        const allocations = await pos.allocations(l.poId, l.lineId);
        for (const { allocation: a, quantity } of planOverAllocation(l, allocations)) {
          const key = `overallocated/${allocationKey(a)}/${quantity}`;
          const r = await this.allocation.unallocate(
            a,
            quantity,
            key,
            { idempotencyKey: key, actor },
            `PO ${l.poId} line ${l.lineId} quantity lowered to ${l.quantity}`,
          );
          if (r.ok)
            givenBack.push({
              orderId: a.orderId,
              lineSeq: a.lineSeq,
              quantity,
              poId: l.poId,
              lineId: l.lineId,
            });
        }
      }
      lines = await pos.linesOfSku(sku);
      const open = lines.filter((l) => l.status === 'open');
      const supplies: Supply[] = open.map((l) => ({ ...l, open: true }));
      const allocations = (
        await Promise.all(open.map((l) => pos.allocations(l.poId, l.lineId)))
      ).flat();
      for (const t of planRepromise(allocations, supplies)) {
        const to = open.find((l) => l.poId === t.to.poId && l.lineId === t.to.lineId)!;
        const a = t.allocation;
        if (await pos.transfer(a, t.quantity, to, this.now())) {
          moved.push({
            orderId: a.orderId,
            lineSeq: a.lineSeq,
            quantity: t.quantity,
            from: `${a.poId}/${a.lineId}`,
            to: `${to.poId}/${to.lineId}`,
            promisedDate: to.arrivalDate,
          });
        }
      }
      if (givenBack.length > givenBackBefore) {
        reallocated += (await this.allocation.runFifo({ sku, actor })).allocated;
      }
    }
    return { givenBack, moved, reallocated };
  }
}
