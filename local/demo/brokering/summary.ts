/**
 * What brokering did over the day and what each side holds at its end: per facility, the lines
 * brokered there (from the orders' history), still held there and rejected there; the allocation
 * updates sent and what NetSuite holds per location; every NetSuite rejection and where the item
 * went; the stores' fulfillment queues; what waits backordered. Then the reservation check: the
 * `reconcile-reservations` job (no drift), reserved = Σ reservation rows = Σ the lines'
 * allocations, nothing reserved beyond NetSuite's figure — and the figures both sides must agree on.
 */
import type { Facility } from '../../../shared/domain/facility.ts';
import type { LifecycleEvent } from '../../../shared/domain/lifecycle/events.ts';
import type { LineState } from '../../../shared/domain/lifecycle/line.ts';
import {
  allocationEntryId,
  isNetsuiteFulfilled,
} from '../../../shared/domain/sync/allocation-rows.ts';
import type { ReconcileReport } from '../../../shared/jobs/reconcile-reservations.ts';
import { storeFulfillment } from '../../../shared/brokering/store-fulfillment-wiring.ts';
import { orderRuntime } from '../../../shared/orders/runtime.ts';
import { BROKERING_QUEUE, BrokeringStore } from '../../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../../shared/store/dynamo-client.ts';
import { syncStore } from '../../../shared/sync/wiring.ts';
import { DEFAULT_REJECTED_LOCATION_ID } from '../../netsuite/index.ts';
import { DEMO_REJECT_SHARE, DEMO_REJECTING_FACILITY } from '../netsuite.ts';
import type { DemoContext } from '../types.ts';
import type { InventoryLoaded } from './setup.ts';
import type { RunTotals, SentTotals } from './tally.ts';

export interface FacilityFigures {
  readonly facilityId: string;
  readonly kind: Facility['kind'];
  /** NetSuite location id. */
  readonly location: string;
  readonly netsuiteFulfilled: boolean;
  /** NetSuite's units there at the start of the day. */
  readonly stock: number;
  /** Lines brokered there over the day (some since rejected or moved on) and their units. */
  readonly brokeredLines: number;
  readonly brokeredUnits: number;
  /** Lines allocated there now, and their units. */
  readonly heldLines: number;
  readonly heldUnits: number;
  /** Lines NetSuite rejected there. */
  readonly rejectedLines: number;
}

export interface RejectionFigure {
  readonly orderId: string;
  readonly externalId: string;
  readonly lineSeq: string;
  readonly sku: string;
  readonly quantity: number;
  readonly facilityId: string;
  /** NetSuite's reason and comments, as the OMS recorded them. */
  readonly reason: string;
  /** Where the item is now: facility ids, `backordered`, `waiting` (still released, not placed again). */
  readonly now: readonly string[];
}

export interface Check {
  readonly name: string;
  readonly oms: number;
  /** The other side's figure: NetSuite's, or what the OMS's other records say. */
  readonly other: number;
  readonly otherSide: string;
  readonly ok: boolean;
}

export interface BrokeringSummary {
  readonly productStore: string;
  readonly inventory: InventoryLoaded;
  readonly runs: RunTotals;
  readonly facilities: readonly FacilityFigures[];
  readonly allocations: {
    /** Allocation update rows and files the OMS wrote for NetSuite. */
    readonly sent: SentTotals;
    /** Allocations at NetSuite-fulfilled facilities not sent yet (the next export takes them). */
    readonly waiting: number;
  };
  readonly netsuite: {
    /** Open lines per location NetSuite holds them at (Rejected Orders apart). */
    readonly allocatedLines: Readonly<Record<string, number>>;
    /** Lines in the Rejected Orders location now. */
    readonly rejectedLines: number;
    /** Rejections NetSuite's locations made. */
    readonly lineRejections: number;
    readonly rejecting: { readonly facilityId: string; readonly share: number };
  };
  readonly rejections: {
    /** Rejections the OMS imported (1200 → 1400 by NetSuite). */
    readonly received: number;
    /** Where the rejected items are now: facility id, `backordered` or `waiting` → lines. */
    readonly outcomes: Readonly<Record<string, number>>;
    /** Every rejection, oldest first. */
    readonly items: readonly RejectionFigure[];
  };
  readonly storeQueues: readonly {
    readonly facilityId: string;
    readonly items: number;
    readonly units: number;
  }[];
  readonly backordered: { readonly orders: number; readonly lines: number; readonly units: number };
  /** Orders still in the brokering queue at the end of the day. */
  readonly inBrokeringQueue: number;
  readonly reservations: {
    /** SKU × facility positions `reconcile-reservations` checked, and the drift it repaired. */
    readonly checked: number;
    readonly drift: readonly { sku: string; facilityId: string; was: number; now: number }[];
    /** Units reserved (Σ positions) and Σ reservation rows. */
    readonly reserved: number;
    readonly rows: number;
    /** Positions reserving more than NetSuite's figure. */
    readonly oversold: number;
  };
  readonly checks: readonly Check[];
}

interface OrderView {
  readonly orderId: string;
  readonly externalId: string;
  readonly lines: readonly LineState[];
  readonly events: readonly LifecycleEvent[];
}

async function readOrders(ids: readonly string[]): Promise<OrderView[]> {
  const { orders } = orderRuntime();
  const queue = [...ids];
  const out: OrderView[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const o = await orders.order(id);
        out.push({
          orderId: id,
          externalId: o.header?.externalId ?? '',
          lines: o.lines,
          events: o.events,
        });
      }
    }),
  );
  return out.sort((a, b) => a.externalId.localeCompare(b.externalId));
}

const held = (l: LineState, f: string) => l.alloc[f]?.[1200] ?? 0;

export async function brokeringSummary(
  ctx: DemoContext,
  totals: { inventory: InventoryLoaded; runs: RunTotals; sent: SentTotals; productStore: string },
): Promise<BrokeringSummary> {
  const facilities = ctx.sample.facilities;
  const orders = await readOrders([...ctx.orders.values()]);
  const lines = orders.flatMap((o) => o.lines);
  const brokering = new BrokeringStore(dynamo(), table('control'));

  // Allocations at NetSuite-fulfilled facilities the export has not taken yet.
  const waiting = new Set<string>();
  for await (const page of syncStore().entries('allocation'))
    for (const e of page) waiting.add(e.id);

  const figures = facilities.map((f): FacilityFigures => {
    const moves = orders.flatMap((o) =>
      o.events.filter((e) => e.type === 'moved' && e.facilityId === f.facilityId),
    );
    const placed = moves.filter((e) => e.to === 1200 && e.actor === 'brokering');
    const here = lines.filter((l) => held(l, f.facilityId) > 0);
    return {
      facilityId: f.facilityId,
      kind: f.kind,
      location: f.externalId,
      netsuiteFulfilled: isNetsuiteFulfilled(f),
      stock: totals.inventory.units[f.facilityId] ?? 0,
      brokeredLines: new Set(placed.map((e) => `${e.orderId}|${e.lineSeq}`)).size,
      brokeredUnits: placed.reduce((n, e) => n + (e.quantity ?? 0), 0),
      heldLines: here.length,
      heldUnits: here.reduce((n, l) => n + held(l, f.facilityId), 0),
      rejectedLines: moves.filter((e) => e.from === 1200 && e.to === 1400 && e.actor === 'netsuite')
        .length,
    };
  });

  // NetSuite's rejections as the OMS recorded them, and where each item is now.
  const found: { at: string; item: RejectionFigure }[] = [];
  for (const o of orders) {
    for (const e of o.events) {
      if (e.type !== 'moved' || e.to !== 1400 || e.actor !== 'netsuite' || !e.lineSeq) continue;
      const line = o.lines.find((l) => l.lineSeq === e.lineSeq)!;
      const now = [
        ...Object.keys(line.alloc).filter((f) => held(line, f) > 0),
        ...((line.buckets[1300] ?? 0) > 0 ? ['backordered'] : []),
        ...((line.buckets[1400] ?? 0) > 0 ? ['waiting'] : []),
      ];
      found.push({
        at: e.at,
        item: {
          orderId: o.orderId,
          externalId: o.externalId,
          lineSeq: e.lineSeq,
          sku: line.sku,
          quantity: e.quantity ?? 0,
          facilityId: e.facilityId ?? '',
          // "rejected by NetSuite at WH-EAST (Out of stock: Inventory count short) — <file>"
          reason: /^rejected by NetSuite at \S+ \((.*?)\) — /.exec(e.reason ?? '')?.[1] ?? '',
          now,
        },
      });
    }
  }
  const items = found.sort((a, b) => a.at.localeCompare(b.at)).map((f) => f.item);
  const outcomes: Record<string, number> = {};
  for (const i of items) for (const w of i.now) outcomes[w] = (outcomes[w] ?? 0) + 1;

  // The store queues as a store sees them (quantities from the lines), and the rows behind them.
  const storeQueues = [];
  let storeRows = 0;
  for (const f of facilities.filter((x) => !isNetsuiteFulfilled(x))) {
    const queue = await storeFulfillment().storeQueue(f.facilityId);
    storeRows += (await brokering.storeQueue(f.facilityId)).length;
    storeQueues.push({
      facilityId: f.facilityId,
      items: queue.length,
      units: queue.reduce((n, i) => n + i.quantity, 0),
    });
  }
  const backorderedLines = lines.filter((l) => (l.buckets[1300] ?? 0) > 0);
  const inBrokeringQueue = (await brokering.queue(BROKERING_QUEUE)).length;

  // Reservations: the nightly repair job finds nothing to repair, and every figure adds up.
  const reconciled = await ctx.runJob<ReconcileReport>('reconcile-reservations');
  const { positions } = orderRuntime();
  let reserved = 0;
  let rows = 0;
  let oversold = 0;
  for (const p of ctx.sample.products) {
    const { figures: ns, positions: pos, reservations } = await positions.sku(p.sku);
    rows += reservations.reduce((n, r) => n + r.qty, 0);
    for (const [facilityId, position] of pos) {
      reserved += position.reserved;
      if (position.reserved > (ns.get(facilityId) ?? 0)) oversold++;
    }
  }
  const allocatedUnits = lines.reduce(
    (n, l) => n + Object.keys(l.alloc).reduce((m, f) => m + held(l, f), 0),
    0,
  );

  const { counts } = ctx.sim.snapshot();
  const check = (name: string, oms: number, other: number, otherSide: string): Check => ({
    name,
    oms,
    other,
    otherSide,
    ok: oms === other,
  });
  const sentAt = (l: LineState, f: Facility) =>
    held(l, f.facilityId) > 0 &&
    !waiting.has(
      allocationEntryId({ orderId: l.orderId, lineSeq: l.lineSeq, facilityId: f.facilityId }),
    );
  const netsuiteFacilities = facilities.filter(isNetsuiteFulfilled);
  const atNetsuite = (l: LineState) => netsuiteFacilities.some((f) => sentAt(l, f));
  const rejectedLines = new Set(items.map((i) => `${i.orderId}|${i.lineSeq}`));
  const received = items.length;
  return {
    productStore: totals.productStore,
    inventory: totals.inventory,
    runs: totals.runs,
    facilities: figures,
    allocations: { sent: totals.sent, waiting: waiting.size },
    netsuite: {
      allocatedLines: counts.allocatedLines,
      rejectedLines: counts.rejectedLines,
      lineRejections: counts.lineRejections,
      rejecting: { facilityId: DEMO_REJECTING_FACILITY, share: DEMO_REJECT_SHARE },
    },
    rejections: { received, outcomes, items },
    storeQueues,
    backordered: {
      orders: new Set(backorderedLines.map((l) => l.orderId)).size,
      lines: backorderedLines.length,
      units: backorderedLines.reduce((n, l) => n + (l.buckets[1300] ?? 0), 0),
    },
    inBrokeringQueue,
    reservations: {
      checked: reconciled.checked,
      drift: reconciled.fixed.map(({ sku, facilityId, was, now }) => ({
        sku,
        facilityId,
        was,
        now,
      })),
      reserved,
      rows,
      oversold,
    },
    checks: [
      ...netsuiteFacilities.map((f) =>
        check(
          `lines sent to ${f.facilityId}`,
          lines.filter((l) => sentAt(l, f)).length,
          counts.allocatedLines[f.externalId] ?? 0,
          'NetSuite',
        ),
      ),
      check('rejections', received, counts.lineRejections, 'NetSuite'),
      check(
        `rejected lines not re-sent (${DEFAULT_REJECTED_LOCATION_ID})`,
        lines.filter((l) => rejectedLines.has(`${l.orderId}|${l.lineSeq}`) && !atNetsuite(l))
          .length,
        counts.rejectedLines,
        'NetSuite',
      ),
      check(
        'store queue items',
        lines.reduce(
          (n, l) =>
            n +
            facilities.filter((f) => !isNetsuiteFulfilled(f) && held(l, f.facilityId) > 0).length,
          0,
        ),
        storeRows,
        'store queue rows',
      ),
      check('units reserved', allocatedUnits, rows, 'reservation rows'),
      check('reserved', reserved, rows, 'reservation rows'),
      check('drift', 0, reconciled.fixed.length, 'reconcile-reservations'),
      check('oversold', 0, oversold, 'NetSuite figures'),
    ],
  };
}
