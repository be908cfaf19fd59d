/**
 * Pre-order allocation: the merchandiser's four actions on a PO line (review, allocate chosen
 * sales order lines, sync the promised date, remove allocations) and the automatic FIFO run.
 *
 * Every change of an order line goes through the order core (`OrderService.move`, with an
 * idempotency key), carrying the PO line's writes as linked items of the same transaction: the
 * PO line's ATP is taken under `atp >= q`, so no number of concurrent runs allocates more than a
 * PO line's quantity. Lines with a blocking hold (e.g. AWAITING_NETSUITE_IDS, until NetSuite's
 * ids are back) are not allocated: they keep their place in the queue.
 *
 * Over 400 lines: the four merchandiser actions and the FIFO run write the same PO-line linked
 * items through the order core; the seam if it grows is the FIFO run.
 */
import { createHash } from 'node:crypto';
import {
  CommandError,
  blockingHolds,
  bucketOf,
  checkEnvelope,
  isCommandError,
  type CommandEnvelope,
  type LineState,
} from '../domain/lifecycle/index.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { PreorderError } from '../domain/preorder/errors.ts';
import {
  byArrival,
  byCustomerOrder,
  planFifo,
  type QueueStatus,
  type Supply,
} from '../domain/preorder/fifo.ts';
import type { PurchaseOrderLine } from '../domain/preorder/purchase-order.ts';
import type { OrderStore } from '../store/order-store.ts';
import {
  customerNameOf,
  type PreorderQueueStore,
  type QueuedLine,
} from '../store/preorder-queue-store.ts';
import type { PurchaseOrderStore, StoredAllocation } from '../store/purchase-order-store.ts';
import { LinkedConditionFailed, type OrderService } from '../orders/order-service.ts';
import { retryOnLinkedChange } from '../orders/command-runner.ts';
import { STATUS } from '../domain/lifecycle/status.ts';
import { fieldsSchema, firstIssue } from '../domain/input/fields.ts';
import { describeIssue } from '../domain/input/issue.ts';

export interface PreorderDeps {
  readonly service: OrderService;
  readonly orders: OrderStore;
  readonly purchaseOrders: PurchaseOrderStore;
  readonly queue: PreorderQueueStore;
  readonly now?: () => string;
}

/** An order line chosen by the merchandiser; quantity defaults to all it has to give. */
export interface Choice {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly quantity?: number;
}

export interface EnvelopeInput {
  readonly idempotencyKey?: string;
  readonly actor?: string;
}

export interface LineOutcome {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly quantity: number;
  readonly outcome: 'allocated' | 'removed' | 'replayed' | 'refused';
  readonly reason?: string;
}

export interface FifoReport {
  readonly allocated: number;
  readonly lines: ReadonlyArray<{
    orderId: string;
    lineSeq: string;
    quantity: number;
    poId: string;
    lineId: string;
    promisedDate: string;
  }>;
  readonly held: ReadonlyArray<{ orderId: string; lineSeq: string; holds: readonly string[] }>;
  readonly unfilled: ReadonlyArray<{ orderId: string; lineSeq: string; quantity: number }>;
  readonly lostRaces: number;
}

const short = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);

const QUEUE: readonly QueueStatus[] = [STATUS.CREATED, STATUS.BACKORDERED];

const unallocatedOf = (line: LineState): number =>
  bucketOf(line.buckets, STATUS.CREATED) + bucketOf(line.buckets, STATUS.BACKORDERED);

const CHOICES = {
  type: 'object',
  properties: {
    orders: { type: 'array', items: fieldsSchema(['orderId', 'lineSeq'], ['quantity']) },
  },
} as const;

function checkChoices(input: unknown): Choice[] {
  if (!Array.isArray(input) || input.length === 0) {
    throw new PreorderError('INVALID_REQUEST', 'choose at least one order line (orders: [...])');
  }
  if (input.length > 100) {
    throw new PreorderError('INVALID_REQUEST', 'at most 100 order lines per request');
  }
  const issue = firstIssue(CHOICES, { orders: input });
  if (issue)
    throw new PreorderError('INVALID_REQUEST', describeIssue(issue), { field: issue.path });
  return (input as Array<Record<string, unknown>>).map((o) => ({
    orderId: o.orderId as string,
    lineSeq: o.lineSeq as string,
    quantity: o.quantity as number | undefined,
  }));
}

export class AllocationService {
  constructor(private readonly deps: PreorderDeps) {}

  private now(): string {
    return this.deps.now?.() ?? new Date().toISOString();
  }

  /** The PO line, or UNKNOWN_PO / UNKNOWN_PO_LINE. */
  async poLine(poId: string, lineId: string): Promise<PurchaseOrderLine> {
    const line = await this.deps.purchaseOrders.line(poId, lineId);
    if (line) return line;
    const header = await this.deps.purchaseOrders.header(poId);
    if (!header) throw new PreorderError('UNKNOWN_PO', `there is no purchase order ${poId}`);
    throw new PreorderError('UNKNOWN_PO_LINE', `purchase order ${poId} has no line ${lineId}`);
  }

  // ── Purchase orders ─────────────────────────────────────────────────────────────────────

  /** Every PO with a summary of its lines, earliest arrival first. */
  async listPurchaseOrders() {
    const headers = await this.deps.purchaseOrders.list();
    const out = [];
    for (const h of headers) {
      const po = await this.deps.purchaseOrders.get(h.poId);
      const lines = po?.lines ?? [];
      out.push({
        ...h,
        lines: lines.length,
        skus: [...new Set(lines.map((l) => l.sku))].sort(),
        quantity: lines.reduce((n, l) => n + l.quantity, 0),
        allocated: lines.reduce((n, l) => n + l.allocated, 0),
        atp: lines.reduce((n, l) => n + Math.max(0, l.atp), 0),
        earliestArrival: lines.map((l) => l.arrivalDate).sort()[0] ?? '',
      });
    }
    return out.sort(
      (a, b) =>
        (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1) ||
        a.earliestArrival.localeCompare(b.earliestArrival) ||
        a.poId.localeCompare(b.poId),
    );
  }

  /** A PO with its lines: quantity, arrival, allocated, ATP, orders allocated. */
  async purchaseOrder(poId: string) {
    const po = await this.deps.purchaseOrders.get(poId);
    if (!po) throw new PreorderError('UNKNOWN_PO', `there is no purchase order ${poId}`);
    return {
      ...po.header,
      lines: po.lines
        .sort((a, b) => a.lineId.localeCompare(b.lineId, undefined, { numeric: true }))
        .map((l) => {
          const mine = po.allocations.filter((a) => a.lineId === l.lineId);
          return {
            ...l,
            orders: mine.length,
            outOfSync: mine.filter((a) => a.promisedDate !== l.arrivalDate).length,
          };
        }),
    };
  }

  // ── Review ────────────────────────────────────────────────────────────────────────────────

  /** The sales order lines allocated to a PO line, oldest order first, with the totals. */
  async review(poId: string, lineId: string) {
    const poLine = await this.poLine(poId, lineId);
    const allocations = (await this.deps.purchaseOrders.allocations(poId, lineId)).sort(
      byCustomerOrder,
    );
    return {
      poLine,
      allocations: allocations.map((a) => ({
        orderId: a.orderId,
        lineSeq: a.lineSeq,
        orderName: a.orderName,
        customer: a.customerName,
        orderDate: a.orderDate,
        quantity: a.quantity,
        promisedDate: a.promisedDate,
        inSync: a.promisedDate === poLine.arrivalDate,
      })),
      totalOrdered: allocations.reduce((n, a) => n + a.quantity, 0),
      atpConsumed: poLine.allocated + poLine.released,
      atp: poLine.atp,
    };
  }

  /** The unallocated pre-order lines of the PO line's SKU, oldest order first. */
  async candidates(poId: string, lineId: string) {
    const poLine = await this.poLine(poId, lineId);
    const queued = (await this.deps.queue.unallocated(poLine.sku)).sort(byCustomerOrder);
    return {
      poLine,
      candidates: queued.map((q) => ({
        orderId: q.orderId,
        lineSeq: q.lineSeq,
        orderName: q.orderName,
        customer: q.customerName,
        orderDate: q.orderDate,
        quantity: q.quantity,
        unallocated: (q.open[STATUS.CREATED] ?? 0) + (q.open[STATUS.BACKORDERED] ?? 0),
        holds: q.blockingHolds,
      })),
    };
  }

  // ── Allocate ──────────────────────────────────────────────────────────────────────────────

  /**
   * Allocates the chosen order lines to the PO line: refused as a whole (nothing changes) when
   * the PO is unknown or not open, a line is unknown, not a pre-order, of another SKU, held, has
   * nothing to allocate, or the total is beyond the PO line's ATP. Replaying the same key changes
   * nothing.
   */
  async allocate(poId: string, lineId: string, choicesInput: unknown, envInput: EnvelopeInput) {
    const env = checkEnvelope(envInput);
    const choices = checkChoices(choicesInput);
    const poLine = await this.poLine(poId, lineId);
    const keyFor = (c: Choice, from: QueueStatus) =>
      `${env.idempotencyKey}/${short(poId, lineId)}/${c.orderId}/${c.lineSeq}/${from}`;

    const plans: Array<{
      choice: Choice;
      line: LineState;
      header: OrderHeader;
      parts: Array<{ from: QueueStatus; quantity: number }>;
      replayed: boolean;
    }> = [];
    for (const choice of choices) {
      const read = await this.deps.orders.readForCommand(
        choice.orderId,
        choice.lineSeq,
        keyFor(choice, STATUS.CREATED),
        true,
      );
      const replayed =
        !!read.event ||
        !!(await this.deps.orders
          .getEvent(choice.orderId, keyFor(choice, STATUS.BACKORDERED))
          .catch(() => undefined));
      if (!read.header) {
        throw new CommandError('UNKNOWN_ORDER', `there is no order ${choice.orderId}`);
      }
      if (!read.line) {
        throw new CommandError(
          'UNKNOWN_LINE',
          `order ${choice.orderId} has no line ${choice.lineSeq}`,
        );
      }
      const line = read.line;
      if (replayed) {
        plans.push({ choice, line, header: read.header, parts: [], replayed });
        continue;
      }
      const name = `order line ${choice.orderId}/${choice.lineSeq}`;
      if (!line.preOrder) {
        throw new PreorderError('NOT_PREORDER', `${name} is not a pre-order line`, {
          orderId: choice.orderId,
          lineSeq: choice.lineSeq,
        });
      }
      if (line.sku !== poLine.sku) {
        throw new PreorderError(
          'WRONG_SKU',
          `${name} is for ${line.sku}, PO line ${poId}/${lineId} for ${poLine.sku}`,
        );
      }
      const open = unallocatedOf(line);
      const want = choice.quantity ?? open;
      if (open === 0 || want > open) {
        throw new PreorderError(
          'NOTHING_TO_ALLOCATE',
          `${name} has ${open} unallocated, ${open === 0 ? 'nothing to allocate' : `fewer than ${want}`}`,
        );
      }
      const holds = QUEUE.filter((s) => bucketOf(line.buckets, s) > 0).flatMap((s) =>
        blockingHolds(line, s, STATUS.PRE_ORDERED),
      );
      if (holds.length) {
        throw new CommandError(
          'ON_HOLD',
          `${name} is on hold (${[...new Set(holds.map((h) => `${h.code}: ${h.reason}`))].join('; ')}); it can be allocated once the hold is lifted`,
        );
      }
      const parts: Array<{ from: QueueStatus; quantity: number }> = [];
      let left = want;
      for (const from of QUEUE) {
        const q = Math.min(left, bucketOf(line.buckets, from));
        if (q > 0) parts.push({ from, quantity: q });
        left -= q;
      }
      plans.push({ choice, line, header: read.header, parts, replayed });
    }
    const total = plans.reduce((n, p) => n + p.parts.reduce((m, x) => m + x.quantity, 0), 0);
    if (total > 0 && poLine.status !== 'open') {
      throw new PreorderError('PO_NOT_OPEN', `PO line ${poId}/${lineId} is ${poLine.status}`);
    }
    if (total > poLine.atp) {
      throw new PreorderError(
        'BEYOND_ATP',
        `PO line ${poId}/${lineId} has ${Math.max(0, poLine.atp)} available to promise; ${total} asked`,
        { atp: Math.max(0, poLine.atp), asked: total },
      );
    }

    const results: LineOutcome[] = [];
    for (const p of plans) {
      if (p.replayed) {
        results.push({ ...p.choice, quantity: p.choice.quantity ?? 0, outcome: 'replayed' });
        continue;
      }
      let done = 0;
      let reason: string | undefined;
      for (const part of p.parts) {
        const r = await this.allocateOne(
          poLine,
          p.line,
          {
            orderDate: p.header.date,
            orderName: p.header.name,
            customerName: customerNameOf(p.header),
          },
          part.from,
          part.quantity,
          keyFor(p.choice, part.from),
          env,
        );
        if (r.ok) done += part.quantity;
        else reason = r.reason;
      }
      results.push({
        ...p.choice,
        quantity: done,
        outcome: reason ? 'refused' : 'allocated',
        reason,
      });
    }
    const after = await this.poLine(poId, lineId);
    return { poLine: after, results };
  }

  /** One move into 1250 with the PO line's linked writes; false (and why) when refused. */
  private async allocateOne(
    poLine: Pick<PurchaseOrderLine, 'poId' | 'lineId' | 'arrivalDate'>,
    line: Pick<LineState, 'orderId' | 'lineSeq' | 'sku'>,
    order: { orderDate: string; orderName?: string; customerName?: string },
    from: QueueStatus,
    quantity: number,
    idempotencyKey: string,
    env: CommandEnvelope,
  ): Promise<{ ok: true; replayed: boolean } | { ok: false; reason: string; code: string }> {
    const now = this.now();
    try {
      const r = await this.deps.service.move({
        orderId: line.orderId,
        lineSeq: line.lineSeq,
        from,
        to: STATUS.PRE_ORDERED,
        quantity,
        idempotencyKey,
        actor: env.actor,
        reason: `pre-order allocation to PO ${poLine.poId} line ${poLine.lineId}, promised ${poLine.arrivalDate}`,
        linked: this.deps.purchaseOrders.allocateItems(
          poLine,
          {
            sku: line.sku,
            orderId: line.orderId,
            lineSeq: line.lineSeq,
            orderDate: order.orderDate,
            quantity,
            orderName: order.orderName,
            customerName: order.customerName,
          },
          now,
        ),
      });
      return { ok: true, replayed: r.replayed };
    } catch (err) {
      if (err instanceof LinkedConditionFailed) {
        return {
          ok: false,
          code: 'BEYOND_ATP',
          reason: `PO line ${poLine.poId}/${poLine.lineId} no longer has ${quantity} available (taken meanwhile)`,
        };
      }
      if (isCommandError(err)) return { ok: false, code: err.code, reason: err.message };
      throw err;
    }
  }

  // ── Sync date with SO ─────────────────────────────────────────────────────────────────────

  /** Copies the PO line's arrival date to every allocated line's promised date. */
  async syncDates(poId: string, lineId: string) {
    const poLine = await this.poLine(poId, lineId);
    let changed = 0;
    let unchanged = 0;
    for (const a of await this.deps.purchaseOrders.allocations(poId, lineId)) {
      if (a.promisedDate === poLine.arrivalDate) unchanged++;
      else if (await this.deps.purchaseOrders.setPromisedDate(a, poLine.arrivalDate)) changed++;
    }
    return { poId, lineId, arrivalDate: poLine.arrivalDate, changed, unchanged };
  }

  // ── Remove ────────────────────────────────────────────────────────────────────────────────

  /**
   * Releases the chosen order lines from the PO line: 1250 → 1300 (back in the unallocated
   * queue; the lifecycle has no 1250 → 1100), freeing the PO line's ATP in the same transaction.
   */
  async remove(poId: string, lineId: string, choicesInput: unknown, envInput: EnvelopeInput) {
    const env = checkEnvelope(envInput);
    const choices = checkChoices(choicesInput);
    await this.poLine(poId, lineId);
    const allocations = await this.deps.purchaseOrders.allocations(poId, lineId);
    const keyFor = (c: Choice) =>
      `${env.idempotencyKey}/${short(poId, lineId)}/${c.orderId}/${c.lineSeq}/remove`;
    const plans: Array<{ choice: Choice; allocation?: StoredAllocation; replayed: boolean }> = [];
    for (const choice of choices) {
      const replayed = !!(await this.deps.orders.getEvent(choice.orderId, keyFor(choice)));
      const allocation = allocations.find(
        (a) => a.orderId === choice.orderId && a.lineSeq === choice.lineSeq,
      );
      if (!replayed && !allocation) {
        throw new PreorderError(
          'NOT_ALLOCATED',
          `order line ${choice.orderId}/${choice.lineSeq} is not allocated to PO line ${poId}/${lineId}`,
        );
      }
      if (!replayed && allocation && (choice.quantity ?? 0) > allocation.quantity) {
        throw new PreorderError(
          'NOT_ALLOCATED',
          `order line ${choice.orderId}/${choice.lineSeq} has ${allocation.quantity} allocated to PO line ${poId}/${lineId}, fewer than ${choice.quantity}`,
        );
      }
      plans.push({ choice, allocation, replayed });
    }
    const results: LineOutcome[] = [];
    for (const p of plans) {
      if (p.replayed || !p.allocation) {
        results.push({ ...p.choice, quantity: p.choice.quantity ?? 0, outcome: 'replayed' });
        continue;
      }
      const q = p.choice.quantity ?? p.allocation.quantity;
      const r = await this.unallocate(p.allocation, q, keyFor(p.choice), env, 'removed by hand');
      results.push({
        ...p.choice,
        quantity: r.ok ? q : 0,
        outcome: r.ok ? 'removed' : 'refused',
        reason: r.ok ? undefined : r.reason,
      });
    }
    return { poLine: await this.poLine(poId, lineId), results };
  }

  /** Moves q of an allocation back to the queue (1250 → 1300), re-reading it on a lost race. */
  async unallocate(
    allocation: StoredAllocation,
    q: number,
    idempotencyKey: string,
    env: CommandEnvelope,
    why: string,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      const outcome = await retryOnLinkedChange(
        allocation,
        5,
        (a) =>
          this.deps.service.move({
            orderId: a.orderId,
            lineSeq: a.lineSeq,
            from: STATUS.PRE_ORDERED,
            to: STATUS.BACKORDERED,
            quantity: Math.min(q, a.quantity),
            idempotencyKey,
            actor: env.actor,
            reason: `pre-order allocation to PO ${a.poId} line ${a.lineId} released: ${why}`,
            linked: this.deps.purchaseOrders.releaseItems(
              a,
              Math.min(q, a.quantity),
              this.now(),
              'unallocate',
            ),
          }),
        // The PO line's allocation changed meanwhile: read it again (gone → nothing to release).
        async (a) =>
          (await this.deps.purchaseOrders.allocations(a.poId, a.lineId)).find(
            (x) => x.orderId === allocation.orderId && x.lineSeq === allocation.lineSeq,
          ),
      );
      return outcome.done
        ? { ok: true }
        : { ok: false, reason: 'the allocation changed meanwhile' };
    } catch (err) {
      if (isCommandError(err)) return { ok: false, reason: err.message };
      throw err;
    }
  }

  // ── Automatic FIFO ────────────────────────────────────────────────────────────────────────

  /**
   * Allocates unallocated pre-order lines (oldest order first) to the PO lines of their SKU
   * (earliest arrival first). Safe to run several times at once: the conditions decide, and a
   * lost race is planned again on fresh reads.
   */
  async runFifo(options: { sku?: string; actor?: string } = {}): Promise<FifoReport> {
    const actor = options.actor ?? 'job:preorder-allocate';
    const lines: Array<FifoReport['lines'][number]> = [];
    let held: FifoReport['held'] = [];
    let unfilled: FifoReport['unfilled'] = [];
    let lostRaces = 0;
    for (let pass = 0; pass < 4; pass++) {
      const queued = await this.deps.queue.unallocated(options.sku);
      const bySku = new Map<string, QueuedLine[]>();
      for (const q of queued) bySku.set(q.sku, [...(bySku.get(q.sku) ?? []), q]);
      const supplies: Supply[] = [];
      for (const sku of bySku.keys()) {
        for (const l of await this.deps.purchaseOrders.linesOfSku(sku)) {
          supplies.push({ ...l, open: l.status === 'open' });
        }
      }
      const plan = planFifo(queued, supplies.sort(byArrival));
      held = plan.held;
      unfilled = plan.unfilled;
      const version = new Map(queued.map((q) => [`${q.orderId}#${q.lineSeq}`, q]));
      let lost = 0;
      for (const p of plan.allocations) {
        const q = version.get(`${p.orderId}#${p.lineSeq}`)!;
        const key = `fifo/${short(p.poId, p.lineId)}/${p.orderId}/${p.lineSeq}/v${q.version}/${p.from}`;
        const r = await this.allocateOne(
          { poId: p.poId, lineId: p.lineId, arrivalDate: p.arrivalDate },
          { orderId: p.orderId, lineSeq: p.lineSeq, sku: p.sku },
          q,
          p.from,
          p.quantity,
          key,
          { idempotencyKey: key, actor },
        );
        if (r.ok && !r.replayed) {
          lines.push({
            orderId: p.orderId,
            lineSeq: p.lineSeq,
            quantity: p.quantity,
            poId: p.poId,
            lineId: p.lineId,
            promisedDate: p.arrivalDate,
          });
        } else if (!r.ok) {
          lost++;
        }
      }
      lostRaces += lost;
      if (lost === 0) break;
    }
    return {
      allocated: lines.reduce((n, l) => n + l.quantity, 0),
      lines,
      held,
      unfilled,
      lostRaces,
    };
  }
}
