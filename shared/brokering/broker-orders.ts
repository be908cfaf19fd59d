/**
 * A brokering run: takes the orders waiting in the queues a product store's routings read (the
 * brokering queue by default), oldest first, asks the engine where each item goes, and makes it so
 * through the order core's atomic moves — 1100/1300/1400 → 1200 with a reservation at the facility,
 * in the same transaction as (a) the allocation-update outbox entry when NetSuite fulfils there,
 * or (b) the store fulfillment queue item when a store does. What no rule can place is backordered
 * (→ 1300) and stays in the brokering queue for the next run; what a rule moves to another queue
 * waits there.
 *
 * Never oversells: every reservation is conditioned in DynamoDB on NetSuite's figure and the
 * position (see docs/order-core.md). The engine reads ATP once per SKU per run and subtracts what
 * this run placed; a reservation refused because stock moved meanwhile (`OUT_OF_STOCK`) re-reads
 * that SKU and decides the order again, at most twice.
 *
 * Over 400 lines: the phases of one run (read the queues, decide, allocate, backorder, explain)
 * share the run's state and counters; splitting brokering by capability is part 3 of issue 17.
 */
import { randomBytes } from 'node:crypto';
import {
  BROKERING_QUEUE,
  brokerOrder,
  facilityView,
  runFor,
  type BrokerOrder,
  type BrokeringDecision,
  type BrokeringRun,
  type RoutingConfig,
} from '../domain/brokering/index.ts';
import type { Facility } from '../domain/facility.ts';
import { CommandError } from '../domain/lifecycle/errors.ts';
import { blockingHolds } from '../domain/lifecycle/holds.ts';
import type { LifecycleEvent } from '../domain/lifecycle/events.ts';
import { reservedAt, type LineState } from '../domain/lifecycle/line.ts';
import { STATUS, type StatusCode } from '../domain/lifecycle/status.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { atpOf } from '../domain/reservations/availability.ts';
import {
  allocationEntryId,
  isNetsuiteFulfilled,
  type AllocationPayload,
} from '../domain/sync/allocation-rows.ts';
import type { LineMove, OrderService } from '../orders/order-service.ts';
import type { StateCache } from '../orders/state-cache.ts';
import type { BrokeringStore, QueueEntry } from '../store/brokering-store.ts';
import type { OrderRecords, OrderStore } from '../store/order-store.ts';
import type { PositionStore } from '../store/position-store.ts';
import { releaseQueuePutItems } from '../store/release-queue-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import type { LinkedWrite } from '../store/transactions.ts';

export interface BrokerDeps {
  readonly brokering: BrokeringStore;
  readonly orders: OrderStore;
  readonly positions: PositionStore;
  readonly service: OrderService;
  readonly sync: SyncStore;
  readonly facilities: () => Promise<Facility[]>;
  readonly config: RoutingConfig;
  readonly now?: () => Date;
  /** Orders brokered at once (each order's moves run one after another). */
  readonly concurrency?: number;
  /**
   * The order service's state cache: what the run reads (lines, NetSuite figures and positions) is
   * put there, so the moves skip reading it again. Safe: every move is conditioned on the versions
   * it assumes, and a stale entry only makes it re-read (docs/order-core.md).
   */
  readonly cache?: StateCache;
  /** Backorder (1100 → 1300) what nothing can place; default true. */
  readonly backorder?: boolean;
  /**
   * How long a facility that rejected a line stays excluded for it, in days (default: forever).
   * `OMS_REJECTION_EXCLUDE_DAYS` in the handler's environment.
   */
  readonly rejectionExcludeDays?: number;
}

export interface BrokeringReport {
  readonly runId: string;
  readonly productStoreId: string;
  readonly orders: number;
  /** Units reserved at facilities. */
  readonly allocatedUnits: number;
  readonly allocatedLines: number;
  readonly queuedUnits: number;
  readonly backorderedUnits: number;
  readonly skipped: { orderId: string; reason: string }[];
  readonly raced: number;
  readonly failed: { orderId: string; error: string }[];
  readonly ms: number;
}

/** Buckets brokering takes quantity from, in this order. */
const SOURCES: readonly StatusCode[] = [
  STATUS.BACKORDERED_FROM_NODE,
  STATUS.BACKORDERED,
  STATUS.CREATED,
];

/** Moves per order write (DynamoDB takes 100 items a transaction; a move writes up to 6). */
const MOVES_PER_WRITE = 15;

const placeable = (l: LineState): number => SOURCES.reduce((n, s) => n + (l.buckets[s] ?? 0), 0);

/** The product store of an order: the run configured for its sales channel, else the first run. */
export const productStoreOf = (config: RoutingConfig, header: OrderHeader): string | undefined =>
  (runFor(config, header.salesChannel) ?? config.runs[0])?.productStoreId;

export async function brokerOrders(
  deps: BrokerDeps,
  opts: { productStoreId?: string; orderIds?: readonly string[] } = {},
): Promise<BrokeringReport> {
  const started = Date.now();
  const now = deps.now?.() ?? new Date();
  const day = now.toISOString().slice(0, 10);
  const runId = randomBytes(4).toString('hex');
  const run = opts.productStoreId ? runFor(deps.config, opts.productStoreId) : deps.config.runs[0];
  if (!run)
    throw new Error(
      `no brokering run configured for ${opts.productStoreId ?? 'any product store'}`,
    );

  const [facilities, counts] = await Promise.all([
    deps.facilities(),
    deps.brokering.dailyCounts(day),
  ]);
  const byId = new Map(facilities.map((f) => [f.facilityId, f]));
  const queues = queuesOf(run);
  const entries = (await Promise.all(queues.map((q) => deps.brokering.queue(q)))).flat();
  const wanted = opts.orderIds ? new Set(opts.orderIds) : undefined;
  const work = entries.filter((e) => !wanted || wanted.has(e.orderId));

  /** ATP per SKU × facility as this run sees it (read once per SKU, less what it placed). */
  const stock = new Map<string, Map<string, number>>();
  /** Decisions and dequeues, written in batches at the end (a crash leaves orders queued: harmless). */
  const later = deps.brokering.batch();
  /** Orders this run sent to each facility, added to the day's counts at the end. */
  const addedToday = new Map<string, number>();
  const readStock = async (sku: string) => {
    const { figures, positions } = await deps.positions.stock(sku);
    const atp = new Map<string, number>();
    for (const [facilityId, nsQty] of figures) {
      const p = positions.get(facilityId);
      deps.cache?.putFacility({
        sku,
        facilityId,
        nsQty,
        position: p ?? { sku, facilityId, reserved: 0, safety: 0, atp: 0, nsQtySeen: 0, v: 0 },
      });
      atp.set(facilityId, atpOf({ nsQty, reserved: p?.reserved ?? 0, safety: p?.safety ?? 0 }));
    }
    stock.set(sku, atp);
  };

  const report = {
    orders: 0,
    allocatedUnits: 0,
    allocatedLines: 0,
    queuedUnits: 0,
    backorderedUnits: 0,
    raced: 0,
    skipped: [] as { orderId: string; reason: string }[],
    failed: [] as { orderId: string; error: string }[],
  };

  const brokerOne = async (entry: QueueEntry) => {
    const { header, lines, events } = await loadOrder(entry.orderId);
    const excluded = exclusionsOf(events, now, deps.rejectionExcludeDays);
    for (const l of lines) deps.cache?.putLine(l);
    if (!header)
      return void report.skipped.push({ orderId: entry.orderId, reason: 'unknown order' });
    if (productStoreOf(deps.config, header) !== run.productStoreId) return;
    const open = lines.filter((l) => placeable(l) > 0);
    const queueForRelease = (reason: string) =>
      releaseQueuePutItems({
        orderId: entry.orderId,
        orderDate: entry.orderDate,
        enqueuedAt: now.toISOString(),
        reason,
      }).forEach((item) => later.put(item));
    if (!open.length) {
      // Placed by an earlier run that stopped before its batch: make sure it is scheduled.
      if (lines.some((l) => (l.buckets[STATUS.ALLOCATED] ?? 0) > 0))
        queueForRelease('allocated earlier');
      await later.dequeue(entry.queue, entry.orderId, entry.orderDate);
      return;
    }
    const held = open.filter((l) => blockingHolds(l, STATUS.CREATED, STATUS.ALLOCATED).length);
    if (held.length) {
      const codes = [
        ...new Set(
          held.flatMap((l) =>
            blockingHolds(l, STATUS.CREATED, STATUS.ALLOCATED).map((h) => h.code),
          ),
        ),
      ];
      return void report.skipped.push({
        orderId: entry.orderId,
        reason: `on hold: ${codes.join(', ')}`,
      });
    }
    report.orders++;
    for (let attempt = 0; attempt < 3; attempt++) {
      await Promise.all(
        [...new Set(open.map((l) => l.sku))].filter((sku) => !stock.has(sku)).map(readStock),
      );
      const order = brokerOrderOf(header, open, entry.queue, excluded, byId);
      const decision = brokerOrder({
        order,
        run,
        facilities: facilities.map((f) => facilityView(f, counts.get(f.facilityId) ?? 0)),
        stock: (sku, facilityId) => stock.get(sku)?.get(facilityId) ?? 0,
        now,
      });
      // Each attempt's moves get their own idempotency keys: a retry may move the same line to the
      // same facility again (what the lost race left), which must not replay the earlier move.
      const outcome = await apply(
        deps,
        decision,
        open,
        byId,
        entry,
        `${runId}-${attempt}`,
        now,
        later,
      );
      if (outcome.placed.some(([, , q]) => q > 0)) queueForRelease(`allocated by run ${runId}`);
      for (const [sku, facilityId, q] of outcome.placed) {
        const atp = stock.get(sku);
        atp?.set(facilityId, Math.max(0, (atp.get(facilityId) ?? 0) - q));
        report.allocatedUnits += q;
        report.allocatedLines++;
      }
      for (const f of outcome.facilitiesUsed) {
        counts.set(f, (counts.get(f) ?? 0) + 1);
        addedToday.set(f, (addedToday.get(f) ?? 0) + 1);
      }
      if (!outcome.raced.size) {
        report.queuedUnits += outcome.queuedUnits;
        report.backorderedUnits += outcome.backorderedUnits;
        await later.explanation(entry.orderId, now.toISOString(), decision);
        return;
      }
      // Stock moved under us: fresh figures for those SKUs, then decide the rest again.
      report.raced++;
      await Promise.all([...outcome.raced].map(readStock));
      const reread = await deps.orders.order(entry.orderId);
      open.splice(0, open.length, ...reread.lines.filter((l) => placeable(l) > 0));
      if (!open.length) return;
    }
  };

  const queue = [...work];
  const loadOrder = orderLoader(
    deps,
    work.map((e) => e.orderId),
  );
  await Promise.all(
    Array.from({ length: deps.concurrency ?? 8 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        try {
          await brokerOne(e);
        } catch (err) {
          report.failed.push({
            orderId: e.orderId,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
    }),
  );
  await later.flush();
  for (const [facilityId, n] of addedToday) await deps.brokering.addDailyCount(day, facilityId, n);
  return { runId, productStoreId: run.productStoreId, ...report, ms: Date.now() - started };
}

/** The queues a run's routings take orders from (the brokering queue by default). */
function queuesOf(run: BrokeringRun): string[] {
  const qs = new Set<string>();
  for (const r of run.routings.filter((x) => x.active)) {
    const include = r.orderFilters.queue?.include;
    if (include?.length) include.forEach((q) => qs.add(String(q)));
    else qs.add(BROKERING_QUEUE);
  }
  return [...qs];
}

const shipToOf = (header: OrderHeader): BrokerOrder['shipTo'] => {
  const { latitude, longitude } = header.customer.shippingAddress;
  return latitude !== undefined && longitude !== undefined ? { lat: latitude, lon: longitude } : {};
};

/**
 * The facilities each line must not go to: every facility that rejected it (`rejectedBy`), or,
 * with a number of days, those whose last rejection of it (a move to 1400 there) is that recent.
 */
export function exclusionsOf(
  events: readonly LifecycleEvent[],
  now: Date,
  days: number | undefined,
): (line: LineState) => string[] {
  if (days === undefined) return (line) => [...line.rejectedBy];
  const since = now.getTime() - days * 86_400_000;
  const last = new Map<string, number>();
  for (const e of events) {
    // A move to 1400 on its own, or among the steps of a hand-back (`backorderFromNode`).
    const moves = e.steps?.length ? e.steps : [e];
    for (const m of moves) {
      const lineSeq = m.lineSeq ?? e.lineSeq;
      if (m.to !== STATUS.BACKORDERED_FROM_NODE || !m.facilityId || !lineSeq) continue;
      const key = `${lineSeq}|${m.facilityId}`;
      last.set(key, Math.max(last.get(key) ?? 0, Date.parse(e.at)));
    }
  }
  return (line) =>
    line.rejectedBy.filter((f) => (last.get(`${line.lineSeq}|${f}`) ?? Infinity) >= since);
}

/** Orders read ahead per BatchGetItem pair (headers, then lines). */
const ORDERS_PER_READ = 32;

/**
 * How a run reads its orders. Without a rejection window it needs only headers and lines: those of
 * the run's orders are read in bulk, `ORDERS_PER_READ` at a time in queue order, the next group
 * as soon as a group is first asked for (workers take orders in queue order). With a window it
 * needs the rejection events too: one Query per order.
 */
function orderLoader(
  deps: BrokerDeps,
  orderIds: readonly string[],
): (orderId: string) => Promise<Pick<OrderRecords, 'header' | 'lines' | 'events'>> {
  if (deps.rejectionExcludeDays !== undefined) return (id) => deps.orders.order(id);
  const index = new Map(orderIds.map((id, i) => [id, i]));
  const groups = new Map<
    number,
    { read: ReturnType<OrderStore['headersAndLines']>; left: number }
  >();
  const group = (g: number) => {
    let got = groups.get(g);
    if (!got && g * ORDERS_PER_READ < orderIds.length) {
      const ids = orderIds.slice(g * ORDERS_PER_READ, (g + 1) * ORDERS_PER_READ);
      got = { read: deps.orders.headersAndLines(ids), left: ids.length };
      groups.set(g, got);
    }
    return got;
  };
  return async (orderId) => {
    const i = index.get(orderId);
    if (i === undefined) return deps.orders.order(orderId);
    const g = Math.floor(i / ORDERS_PER_READ);
    const mine = group(g)!;
    group(g + 1);
    const found = (await mine.read).get(orderId);
    if (--mine.left === 0) groups.delete(g);
    return { header: found?.header, lines: found?.lines ?? [], events: [] };
  };
}

function brokerOrderOf(
  header: OrderHeader,
  lines: readonly LineState[],
  queue: string,
  excluded: (line: LineState) => string[],
  facilities: ReadonlyMap<string, Facility>,
): BrokerOrder {
  return {
    orderId: header.orderId,
    orderDate: header.date,
    salesChannel: header.salesChannel,
    shipTo: shipToOf(header),
    queue,
    lines: lines.map((l) => ({
      lineSeq: l.lineSeq,
      sku: l.sku,
      quantity: placeable(l),
      price: l.price,
      shippingMethod: l.shippingMethod ?? '',
      excludedFacilities: excluded(l),
      ...oneLocationOf(l, facilities),
    })),
  };
}

/**
 * Where a line already is, for NetSuite's one location per line: the NetSuite-fulfilled facility
 * it holds quantity at (`oneLocationAt`: no other such facility may take the rest), or a facility
 * NetSuite does not fulfil (a store) holding or having shipped units of it (`otherKindAt`: no
 * NetSuite-fulfilled facility may take the rest — the allocation update sends the line's whole
 * quantity, which NetSuite would commit and ship there).
 */
export function oneLocationOf(
  line: LineState,
  facilities: ReadonlyMap<string, Facility>,
): { oneLocationAt?: string; otherKindAt?: string } {
  // Quantity allocated, scheduled, released or being picked there holds NetSuite's location.
  const held = (id: string) =>
    reservedAt(line, id) > 0 ||
    Object.values(line.releases).some((r) => r.facilityId === id && r.statusQuantity > 0);
  const shipped = (id: string) =>
    Object.values(line.shipments).some((s) => s.facilityId === id && s.quantity > 0);
  const candidates = [
    ...new Set([
      ...Object.keys(line.alloc),
      ...Object.values(line.releases).map((r) => r.facilityId),
      ...Object.values(line.shipments).map((s) => s.facilityId),
    ]),
  ].sort();
  const at = candidates.find((id) => {
    const f = facilities.get(id);
    return f && isNetsuiteFulfilled(f) && held(id);
  });
  const other = candidates.find((id) => {
    const f = facilities.get(id);
    return f && !isNetsuiteFulfilled(f) && (held(id) || shipped(id));
  });
  return { ...(at ? { oneLocationAt: at } : {}), ...(other ? { otherKindAt: other } : {}) };
}

interface Applied {
  readonly placed: [sku: string, facilityId: string, quantity: number][];
  readonly facilitiesUsed: Set<string>;
  readonly raced: Set<string>;
  readonly queuedUnits: number;
  readonly backorderedUnits: number;
}

async function apply(
  deps: BrokerDeps,
  decision: BrokeringDecision,
  lines: readonly LineState[],
  facilities: ReadonlyMap<string, Facility>,
  entry: QueueEntry,
  runId: string,
  now: Date,
  later: ReturnType<BrokeringStore['batch']>,
): Promise<Applied> {
  const at = now.toISOString();
  const bySeq = new Map(lines.map((l) => [l.lineSeq, l]));
  const left = new Map(lines.map((l) => [l.lineSeq, { ...l.buckets }]));
  const moves: LineMove[] = [];
  /** What the committed moves placed: per line × facility, its SKU, the facility and the units. */
  const placedBy = (done: readonly LineMove[]) => {
    const out = new Map<string, [sku: string, facilityId: string, quantity: number]>();
    for (const m of done) {
      if (m.to !== STATUS.ALLOCATED) continue;
      const k = `${m.lineSeq}\u0000${m.facilityId!}`;
      const p = out.get(k);
      if (p) p[2] += m.quantity;
      else out.set(k, [bySeq.get(m.lineSeq)!.sku, m.facilityId!, m.quantity]);
    }
    return [...out.values()];
  };

  /** Moves q of a line out of its placeable buckets (1400 first) into 1200 at the facility. */
  const allocate = (
    line: LineState,
    q: number,
    facilityId: string,
    linked: LinkedWrite[],
  ): void => {
    let moved = 0;
    const buckets = left.get(line.lineSeq)!;
    for (const from of SOURCES) {
      const n = Math.min(q - moved, buckets[from] ?? 0);
      if (n <= 0) continue;
      // What commits with the allocation goes with its first move only.
      moves.push({
        lineSeq: line.lineSeq,
        from,
        to: STATUS.ALLOCATED,
        quantity: n,
        facilityId,
        linked: moved === 0 ? linked : undefined,
      });
      buckets[from] = (buckets[from] ?? 0) - n;
      moved += n;
    }
  };

  for (const a of decision.allocations) {
    const line = bySeq.get(a.lineSeq)!;
    const facility = facilities.get(a.facilityId);
    if (!facility) continue;
    allocate(line, a.quantity, a.facilityId, linkedFor(deps, line, facility, a.quantity, at));
  }
  let backorderedUnits = 0;
  if (deps.backorder !== false) {
    for (const u of decision.unplaced.filter((x) => x.reason === 'not-available')) {
      const line = bySeq.get(u.lineSeq)!;
      const n = Math.min(u.quantity, left.get(line.lineSeq)![STATUS.CREATED] ?? 0);
      if (n > 0) {
        moves.push({
          lineSeq: line.lineSeq,
          from: STATUS.CREATED,
          to: STATUS.BACKORDERED,
          quantity: n,
        });
        left.get(line.lineSeq)![STATUS.CREATED] =
          (left.get(line.lineSeq)![STATUS.CREATED] ?? 0) - n;
        backorderedUnits += n;
      }
    }
  }
  // The whole decision commits as one write per 15 moves (one for almost every order): an order
  // is placed as decided or not at all. Each attempt has its own key (see brokerOne).
  for (let i = 0; i < moves.length; i += MOVES_PER_WRITE) {
    try {
      await deps.service.moveLines({
        orderId: entry.orderId,
        moves: moves.slice(i, i + MOVES_PER_WRITE),
        idempotencyKey: `broker-${runId}-${i / MOVES_PER_WRITE}`,
        actor: 'brokering',
        reason: `brokering run ${runId.split('-')[0]}`,
        // A run places many orders at once, often of the same SKUs: reservations that meet one
        // in flight at a facility share one position write; alone, the plain path
        // (shared/orders/group-commit.ts, adaptive).
        groupCommit: true,
      });
    } catch (err) {
      if (err instanceof CommandError && err.code === 'OUT_OF_STOCK') {
        // Earlier writes of this order (more than 15 moves) did commit; this one did not.
        const placed = placedBy(moves.slice(0, i));
        return {
          placed,
          facilitiesUsed: new Set(placed.map(([, f]) => f)),
          raced: new Set([String(err.details.sku)]),
          queuedUnits: 0,
          backorderedUnits: 0,
        };
      }
      throw err;
    }
  }

  let queuedUnits = 0;
  for (const q of decision.queued) {
    queuedUnits += q.quantity;
    if (q.queue !== entry.queue) {
      await deps.brokering.enqueue({
        queue: q.queue,
        orderId: entry.orderId,
        orderDate: entry.orderDate,
        enqueuedAt: at,
        autoCancelAt: q.autoCancelAt,
        reason: `${q.routing} / ${q.rule}`,
      });
    }
  }
  // The order leaves the queue when nothing of it is left to place there.
  const unplacedHere = decision.unplaced.reduce((n, u) => n + u.quantity, 0);
  const queuedHere = decision.queued
    .filter((q) => q.queue === entry.queue)
    .reduce((n, q) => n + q.quantity, 0);
  if (unplacedHere + queuedHere === 0) {
    await later.dequeue(entry.queue, entry.orderId, entry.orderDate);
  }
  const placed = placedBy(moves);
  return {
    placed,
    facilitiesUsed: new Set(placed.map(([, f]) => f)),
    raced: new Set(),
    queuedUnits,
    backorderedUnits,
  };
}

/** What commits with an allocation: the allocation update for NetSuite, or the store's queue item. */
function linkedFor(
  deps: BrokerDeps,
  line: LineState,
  facility: Facility,
  quantity: number,
  at: string,
): LinkedWrite[] {
  if (isNetsuiteFulfilled(facility)) {
    const payload: AllocationPayload = {
      orderId: line.orderId,
      lineSeq: line.lineSeq,
      facilityId: facility.facilityId,
      afterRejection: line.rejectedBy.length > 0,
    };
    const id = allocationEntryId(payload);
    return [deps.sync.linkedOutboxPut('allocation-outbox', 'allocation', id, payload, at)];
  }
  return [
    deps.brokering.linkedStoreQueuePut({
      facilityId: facility.facilityId,
      orderId: line.orderId,
      lineSeq: line.lineSeq,
      sku: line.sku,
      quantity,
      allocatedAt: at,
    }),
  ];
}
