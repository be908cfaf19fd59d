import { STATUS } from '../lifecycle/status.ts'; /**
 * First in, first out: which unallocated pre-order lines take which purchase-order (PO) line's
 * ATP. Customers who ordered first are served first (order date, then order id — OMS ids grow with
 * time — then line); each takes the PO line of its SKU that arrives first and still has ATP. Pure:
 * the service executes the plan through the order core, whose conditions have the last word.
 */

/** Where unallocated pre-order quantity waits: Created (never allocated) or Backordered. */
export type QueueStatus = typeof STATUS.CREATED | typeof STATUS.BACKORDERED;

/** An order line with unallocated pre-order quantity. */
export interface Demand {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly sku: string;
  /** The customer's order date (ISO 8601). */
  readonly orderDate: string;
  /** Unallocated quantity per queue status. */
  readonly open: Readonly<Partial<Record<QueueStatus, number>>>;
  /** Holds that block allocation (1100/1300 → 1250); such lines wait. */
  readonly blockingHolds: readonly string[];
}

/** A PO line's supply as last read. */
export interface Supply {
  readonly poId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly arrivalDate: string;
  readonly atp: number;
  readonly open: boolean;
}

export interface PlannedAllocation {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly sku: string;
  readonly from: QueueStatus;
  readonly quantity: number;
  readonly poId: string;
  readonly lineId: string;
  readonly arrivalDate: string;
}

export interface FifoPlan {
  readonly allocations: readonly PlannedAllocation[];
  /** Lines skipped because a hold blocks them (they keep their place once it is lifted). */
  readonly held: ReadonlyArray<{ orderId: string; lineSeq: string; holds: readonly string[] }>;
  /** Quantity no PO line could cover. */
  readonly unfilled: ReadonlyArray<{ orderId: string; lineSeq: string; quantity: number }>;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Customer order: order date, then order id, then line. */
export const byCustomerOrder = (
  a: Pick<Demand, 'orderDate' | 'orderId' | 'lineSeq'>,
  b: Pick<Demand, 'orderDate' | 'orderId' | 'lineSeq'>,
): number =>
  cmp(a.orderDate, b.orderDate) || cmp(a.orderId, b.orderId) || cmp(a.lineSeq, b.lineSeq);

/** Supply order: earliest arrival first, then PO id, then PO line. */
export const byArrival = (
  a: Pick<Supply, 'arrivalDate' | 'poId' | 'lineId'>,
  b: Pick<Supply, 'arrivalDate' | 'poId' | 'lineId'>,
): number => cmp(a.arrivalDate, b.arrivalDate) || cmp(a.poId, b.poId) || cmp(a.lineId, b.lineId);

const QUEUE_ORDER: readonly QueueStatus[] = [STATUS.CREATED, STATUS.BACKORDERED];

/** Plans FIFO allocations of demand to supply (any SKUs; each demand takes its own SKU's supply). */
export function planFifo(demands: readonly Demand[], supplies: readonly Supply[]): FifoPlan {
  const left = new Map<Supply, number>();
  const bySku = new Map<string, Supply[]>();
  for (const s of [...supplies].sort(byArrival)) {
    if (!s.open || s.atp <= 0) continue;
    left.set(s, s.atp);
    const list = bySku.get(s.sku) ?? [];
    list.push(s);
    bySku.set(s.sku, list);
  }
  const allocations: PlannedAllocation[] = [];
  const held: Array<{ orderId: string; lineSeq: string; holds: readonly string[] }> = [];
  const unfilled: Array<{ orderId: string; lineSeq: string; quantity: number }> = [];
  for (const d of [...demands].sort(byCustomerOrder)) {
    const wanted = QUEUE_ORDER.reduce((n, s) => n + (d.open[s] ?? 0), 0);
    if (wanted <= 0) continue;
    if (d.blockingHolds.length) {
      held.push({ orderId: d.orderId, lineSeq: d.lineSeq, holds: d.blockingHolds });
      continue;
    }
    let short = 0;
    for (const from of QUEUE_ORDER) {
      let need = d.open[from] ?? 0;
      for (const s of bySku.get(d.sku) ?? []) {
        if (need <= 0) break;
        const atp = left.get(s) ?? 0;
        if (atp <= 0) continue;
        const q = Math.min(need, atp);
        left.set(s, atp - q);
        need -= q;
        allocations.push({
          orderId: d.orderId,
          lineSeq: d.lineSeq,
          sku: d.sku,
          from,
          quantity: q,
          poId: s.poId,
          lineId: s.lineId,
          arrivalDate: s.arrivalDate,
        });
      }
      short += need;
    }
    if (short > 0) unfilled.push({ orderId: d.orderId, lineSeq: d.lineSeq, quantity: short });
  }
  return { allocations, held, unfilled };
}

/** An allocation as stored: order line × PO line. */
export interface Allocation {
  readonly poId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly orderDate: string;
  readonly quantity: number;
  readonly promisedDate: string;
}

/** A move of allocated quantity from one PO line to another (the order line stays pre-ordered). */
export interface Transfer<A extends Allocation = Allocation> {
  readonly allocation: A;
  readonly quantity: number;
  readonly to: Supply;
}

/**
 * Re-promise: when a PO line of the same SKU arrives earlier than the one a customer is promised
 * on and has ATP, the earliest customers move onto it (their promised date improves).
 */
export function planRepromise<A extends Allocation>(
  allocations: readonly A[],
  supplies: readonly Supply[],
): Transfer<A>[] {
  const left = new Map(supplies.map((s) => [s, s.atp] as const));
  const arrivalOf = new Map(supplies.map((s) => [`${s.poId}#${s.lineId}`, s.arrivalDate]));
  const out: Transfer<A>[] = [];
  for (const a of [...allocations].sort(byCustomerOrder)) {
    const current = arrivalOf.get(`${a.poId}#${a.lineId}`) ?? a.promisedDate;
    let need = a.quantity;
    for (const s of [...supplies].sort(byArrival)) {
      if (need <= 0 || s.sku !== a.sku || !s.open) continue;
      if (s.arrivalDate >= current) break;
      const atp = left.get(s) ?? 0;
      if (atp <= 0) continue;
      const q = Math.min(need, atp);
      left.set(s, atp - q);
      need -= q;
      out.push({ allocation: a, quantity: q, to: s });
    }
  }
  return out;
}

/**
 * A PO line whose quantity dropped below what is allocated to it gives back the newest
 * allocations (last customer first) until its ATP is 0 again.
 */
export function planOverAllocation<A extends Allocation>(
  supply: Pick<Supply, 'atp'>,
  allocations: readonly A[],
): Array<{ allocation: A; quantity: number }> {
  let excess = -supply.atp;
  const out: Array<{ allocation: A; quantity: number }> = [];
  for (const a of [...allocations].sort(byCustomerOrder).reverse()) {
    if (excess <= 0) break;
    const q = Math.min(excess, a.quantity);
    excess -= q;
    out.push({ allocation: a, quantity: q });
  }
  return out;
}
