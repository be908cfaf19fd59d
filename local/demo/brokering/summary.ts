/**
 * What brokering did over the day and what each side holds at its end: per facility, the lines
 * brokered there (from the orders' history), still open there (allocated, scheduled, released or
 * being picked) and rejected there; the allocation updates sent and what NetSuite holds per
 * location; every NetSuite rejection and where the item went; the stores' fulfillment queues; what
 * waits backordered. Then the reservation check: the `reconcile-reservations` job (no drift),
 * reserved = Σ reservation rows = Σ the lines' counted units (promised, not reflected), nothing reserved
 * beyond NetSuite's figure — and the figures both sides must agree on.
 */
import type { Facility } from '../../../shared/domain/facility.ts';
import type { LineState } from '../../../shared/domain/lifecycle/line.ts';
import { countedAt, promiseFacilities } from '../../../shared/domain/lifecycle/promises.ts';
import {
  allocationEntryId,
  isNetsuiteFulfilled,
} from '../../../shared/domain/sync/allocation-rows.ts';
import { lineCloseEntryId, openQuantity } from '../../../shared/domain/sync/line-close-rows.ts';
import { omsFulfilledEntryId, shippedBy } from '../../../shared/domain/sync/oms-fulfilled-rows.ts';
import { openAtStore as openAt } from '../../../shared/store-fulfillment/store-shipping-stages.ts';
import type { ReconcileReport } from '../../../shared/jobs/reconcile-reservations.ts';
import { orderRuntime, root, storeFulfillment, syncStore } from '../../../shared/app/root.ts';
import { BROKERING_QUEUE, BrokeringStore } from '../../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../../shared/store/dynamo-client.ts';
import { DEFAULT_REJECTED_LOCATION_ID } from '../../netsuite/index.ts';
import { movesOf, type DemoMove } from '../events.ts';
import { DEMO_REJECT_SHARE, DEMO_REJECTING_FACILITY } from '../netsuite.ts';
import type { DemoContext } from '../types.ts';
import type { InventoryLoaded } from './setup.ts';
import type { RunTotals, SentTotals } from './tally.ts';
import { STATUS } from '../../../shared/domain/lifecycle/status.ts';

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
  /** Placements there (a line placed there by one brokering decision; a line may be placed twice). */
  readonly placements: number;
  readonly brokeredUnits: number;
  /** Lines with units still open there now (allocated, scheduled, released, picking), and those units. */
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
  /**
   * Where the item is now: facility ids (open there), `shipped`, `cancelled`, `backordered`,
   * `waiting` (handed back, not placed again yet).
   */
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
  readonly reservations: ReservationFigures;
  readonly checks: readonly Check[];
}

interface OrderView {
  readonly orderId: string;
  readonly externalId: string;
  readonly lines: readonly LineState[];
  readonly moves: readonly DemoMove[];
}

async function readOrders(ids: readonly string[]): Promise<OrderView[]> {
  const { orders } = orderRuntime(root());
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
          moves: movesOf(o.events),
        });
      }
    }),
  );
  return out.sort((a, b) => a.externalId.localeCompare(b.externalId));
}

/** The reservation figures: the repair job's findings, Σ positions, Σ reservation rows. */
export interface ReservationFigures {
  /** SKU × facility positions `reconcile-reservations` checked, and the drift it repaired. */
  readonly checked: number;
  readonly drift: readonly { sku: string; facilityId: string; was: number; now: number }[];
  /** Units reserved (Σ positions) and Σ reservation rows. */
  readonly reserved: number;
  readonly rows: number;
  /** Positions reserving more than NetSuite's figure. */
  readonly oversold: number;
  /** Σ over the lines of their counted units (promised, not reflected): what the rows add up to. */
  readonly lineUnits: number;
}

/**
 * Runs the nightly repair job (it must find nothing to repair) and adds up the positions, the
 * reservation rows and the lines' reserved units (1200 + 1500 at every facility).
 */
export async function reservationFigures(
  ctx: DemoContext,
  lines: readonly LineState[],
): Promise<ReservationFigures> {
  const reconciled = await ctx.runJob<ReconcileReport>('reconcile-reservations');
  const { positions } = orderRuntime(root());
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
  return {
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
    lineUnits: lines.reduce(
      (n, l) => n + promiseFacilities(l).reduce((m, f) => m + countedAt(l, f), 0),
      0,
    ),
  };
}

/** The reservation checks: rows = the lines' units = Σ positions, no drift, nothing oversold. */
export const reservationChecks = (r: ReservationFigures): Check[] =>
  [
    ['units reserved', r.lineUnits, r.rows, 'reservation rows'],
    ['reserved', r.reserved, r.rows, 'reservation rows'],
    ['drift', 0, r.drift.length, 'reconcile-reservations'],
    ['oversold', 0, r.oversold, 'NetSuite figures'],
  ].map(([name, oms, other, otherSide]) => ({
    name: name as string,
    oms: oms as number,
    other: other as number,
    otherSide: otherSide as string,
    ok: oms === other,
  }));

/** Every facility the line has (had) quantity at, in id order. */
const facilitiesOf = (l: LineState): string[] =>
  [
    ...new Set([
      ...Object.keys(l.alloc),
      ...Object.values(l.releases).map((r) => r.facilityId),
      ...Object.values(l.shipments).map((s) => s.facilityId),
    ]),
  ].sort();

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
  for await (const page of syncStore(root()).entries('allocation'))
    for (const e of page) waiting.add(e.id);

  // Cancelled lines whose close NetSuite has not been sent yet.
  const closeWaiting = new Set<string>();
  for await (const page of syncStore(root()).entries('lineclose'))
    for (const e of page) closeWaiting.add(e.id);
  /** Nothing of the line will ship any more and NetSuite has been told to close it. */
  const closedInNetsuite = (l: LineState) =>
    (l.buckets[STATUS.CANCELLED] ?? 0) > 0 &&
    openQuantity(l) === 0 &&
    !closeWaiting.has(lineCloseEntryId(l));
  const allMoves = orders.flatMap((o) => o.moves);
  /** A NetSuite rejection at the facility: one command, its moves to 1400. */
  const isRejection = (m: DemoMove) =>
    m.to === STATUS.BACKORDERED_FROM_NODE && m.actor === 'netsuite';

  const figures = facilities.map((f): FacilityFigures => {
    const moves = allMoves.filter((m) => m.facilityId === f.facilityId);
    const placed = moves.filter((e) => e.to === STATUS.ALLOCATED && e.actor === 'brokering');
    const here = lines.filter((l) => openAt(l, f.facilityId) > 0);
    return {
      facilityId: f.facilityId,
      kind: f.kind,
      location: f.externalId,
      netsuiteFulfilled: isNetsuiteFulfilled(f),
      stock: totals.inventory.units[f.facilityId] ?? 0,
      brokeredLines: new Set(placed.map((e) => `${e.orderId}|${e.lineSeq}`)).size,
      placements: new Set(placed.map((e) => `${e.orderId}|${e.lineSeq}|${e.key}`)).size,
      brokeredUnits: placed.reduce((n, e) => n + (e.quantity ?? 0), 0),
      heldLines: here.length,
      heldUnits: here.reduce((n, l) => n + openAt(l, f.facilityId), 0),
      rejectedLines: new Set(moves.filter(isRejection).map((m) => `${m.orderId}|${m.key}`)).size,
    };
  });

  // NetSuite's rejections as the OMS recorded them, and where each item is now.
  const found: { at: string; item: RejectionFigure }[] = [];
  for (const o of orders) {
    // One rejection = one command (its moves share the key): 1500 → 1200 → 1400, 3200 → 1400, …
    const byKey = new Map<string, DemoMove[]>();
    for (const m of o.moves.filter(isRejection)) {
      byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    }
    for (const moves of byKey.values()) {
      const e = moves[0]!;
      const line = o.lines.find((l) => l.lineSeq === e.lineSeq)!;
      const now = [
        ...facilitiesOf(line).filter((f) => openAt(line, f) > 0),
        ...((line.buckets[STATUS.SHIPPED] ?? 0) > 0 ? ['shipped'] : []),
        ...((line.buckets[STATUS.CANCELLED] ?? 0) > 0 ? ['cancelled'] : []),
        ...((line.buckets[STATUS.BACKORDERED] ?? 0) > 0 ? ['backordered'] : []),
        ...((line.buckets[STATUS.BACKORDERED_FROM_NODE] ?? 0) +
          (line.buckets[STATUS.CREATED] ?? 0) >
        0
          ? ['waiting']
          : []),
      ];
      found.push({
        at: e.at,
        item: {
          orderId: o.orderId,
          externalId: o.externalId,
          lineSeq: e.lineSeq,
          sku: line.sku,
          quantity: moves.reduce((n, m) => n + m.quantity, 0),
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
    const queue = await storeFulfillment(root()).storeQueue(f.facilityId);
    storeRows += (await brokering.storeQueue(f.facilityId)).length;
    storeQueues.push({
      facilityId: f.facilityId,
      items: queue.length,
      units: queue.reduce((n, i) => n + i.quantity, 0),
    });
  }
  const backorderedLines = lines.filter((l) => (l.buckets[STATUS.BACKORDERED] ?? 0) > 0);
  const inBrokeringQueue = (await brokering.queue(BROKERING_QUEUE)).length;

  // Reservations: the nightly repair job finds nothing to repair, and every figure adds up.
  const reservations = await reservationFigures(ctx, lines);

  const { counts } = ctx.sim.snapshot();
  const check = (name: string, oms: number, other: number, otherSide: string): Check => ({
    name,
    oms,
    other,
    otherSide,
    ok: oms === other,
  });
  // Where NetSuite holds each line, from the OMS's records: the location of the last allocation
  // update written for it, or Rejected Orders when a location rejected it since, or the store
  // that shipped it when its OMS-fulfilled record was written after both (NetSuite's item
  // fulfilment moves the line there, out of Rejected Orders); nowhere once closed.
  const netsuiteFacilities = facilities.filter(isNetsuiteFulfilled);
  const entryOf = (l: LineState, f: Facility) =>
    allocationEntryId({ orderId: l.orderId, lineSeq: l.lineSeq, facilityId: f.facilityId });
  const sentTimes = await syncStore(root()).lastSent(
    'allocation',
    lines.flatMap((l) => netsuiteFacilities.map((f) => entryOf(l, f))),
  );
  const fulfilledSent = await syncStore(root()).lastSent(
    'fulfilled',
    lines.map(omsFulfilledEntryId),
  );
  const rejectedAt = new Map<string, string>();
  for (const m of allMoves.filter(isRejection)) {
    const k = `${m.orderId}|${m.lineSeq}`;
    if (m.at > (rejectedAt.get(k) ?? '')) rejectedAt.set(k, m.at);
  }
  const netsuiteLocation = (l: LineState): string | undefined => {
    if (closedInNetsuite(l)) return undefined;
    let at = '';
    let where: string | undefined;
    for (const f of netsuiteFacilities) {
      const sent = sentTimes.get(entryOf(l, f));
      if (sent && sent > at) [at, where] = [sent, f.facilityId];
    }
    const rejected = rejectedAt.get(`${l.orderId}|${l.lineSeq}`);
    if (rejected && rejected > at) [at, where] = [rejected, DEFAULT_REJECTED_LOCATION_ID];
    const shipped = fulfilledSent.get(omsFulfilledEntryId(l));
    // A record is written only for a line shipped from one facility (`omsFulfilledRow`).
    return shipped && shipped > at ? [...shippedBy(l).keys()][0] : where;
  };
  const locations = new Map(lines.map((l) => [l, netsuiteLocation(l)]));
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
      units: backorderedLines.reduce((n, l) => n + (l.buckets[STATUS.BACKORDERED] ?? 0), 0),
    },
    inBrokeringQueue,
    reservations,
    checks: [
      ...netsuiteFacilities.map((f) =>
        check(
          `lines sent to ${f.facilityId}`,
          lines.filter((l) => locations.get(l) === f.facilityId).length,
          counts.allocatedLines[f.externalId] ?? 0,
          'NetSuite',
        ),
      ),
      check('rejections', received, counts.lineRejections, 'NetSuite'),
      check(
        `rejected lines not re-sent (${DEFAULT_REJECTED_LOCATION_ID})`,
        lines.filter((l) => locations.get(l) === DEFAULT_REJECTED_LOCATION_ID).length,
        counts.rejectedLines,
        'NetSuite',
      ),
      check(
        'store queue items',
        lines.reduce(
          (n, l) =>
            n +
            facilities.filter((f) => !isNetsuiteFulfilled(f) && openAt(l, f.facilityId) > 0).length,
          0,
        ),
        storeRows,
        'store queue rows',
      ),
      ...reservationChecks(reservations),
    ],
  };
}
