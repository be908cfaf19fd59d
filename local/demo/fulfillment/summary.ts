/**
 * What fulfillment did over the day and what each side holds at its end:
 *
 * - scheduling and release: the job's runs, what waits in 1500 held by a gate;
 * - NetSuite's warehouses: the lines and units its fulfillment files shipped in the OMS (from the
 *   orders' history), the files imported, repeated and refused rows; NetSuite's own item
 *   fulfillments (with commas in carriers, several tracking numbers, in two parts);
 * - the stores: picks, shipments and units, the OMS-fulfilled rows sent and the item fulfillments
 *   NetSuite made of them; the items not found and where each went since;
 * - cancellations: what customer service cancelled, and the lines closed in NetSuite;
 * - invoices: the orders invoiced in the OMS (count, total, amount due) against NetSuite's, and the
 *   orders fully shipped but not invoiced yet with NetSuite's reason;
 * - balance: every line's buckets add up to its quantity (and its releases and shipments to its
 *   buckets), and the reservations reconcile (the brokering flow's check).
 */
import { lineInvariantViolations, type LineState } from '../../../shared/domain/lifecycle/line.ts';
import { isNetsuiteFulfilled } from '../../../shared/domain/sync/allocation-rows.ts';
import {
  isWhollyCancelled,
  lineCloseEntryId,
  openQuantity,
} from '../../../shared/domain/sync/line-close-rows.ts';
import { orderFullyShipped, type OrderInvoice } from '../../../shared/domain/sync/invoices.ts';
import type { OmsFulfilledPayload } from '../../../shared/domain/sync/oms-fulfilled-rows.ts';
import { orderRuntime, root, syncStore } from '../../../shared/app/root.ts';
import { dynamo, table } from '../../../shared/store/dynamo-client.ts';
import { InvoiceStore } from '../../../shared/store/invoice-store.ts';
import { invoiceDecision } from '../../netsuite/index.ts';
import {
  reservationChecks,
  reservationFigures,
  type Check,
  type ReservationFigures,
} from '../brokering/summary.ts';
import { inventoryRows } from '../brokering/setup.ts';
import { movesOf, type DemoMove } from '../events.ts';
import type { DemoContext } from '../types.ts';
import type { CancelOutcome, CancelRequest } from './customer-service.ts';
import { NOT_FOUND_SHARE, STORE_ACTOR, type StoreWorkTotals } from './store-associates.ts';
import type { ImportTotals, ReleaseTotals, SentTotals } from './tally.ts';
import { STATUS } from '../../../shared/domain/lifecycle/status.ts';

export interface NotFoundFigure {
  readonly externalId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  readonly quantity: number;
  /** Where the item is now: facilities it is open at, `shipped from X`, `waiting`, … */
  readonly now: readonly string[];
  /** Released again (a new release key) at another facility since. */
  readonly reReleased: boolean;
}

export interface NotInvoiced {
  readonly externalId: string;
  readonly orderId: string;
  /** NetSuite's side: why it has not invoiced the order (or that its next cycle will). */
  readonly why: string;
}

/** Units a facility shipped or still holds open for a SKU beyond NetSuite's figure of the morning. */
export interface BeyondStock {
  readonly sku: string;
  readonly facilityId: string;
  /** NetSuite's figure at the start of the day (no receipt comes during the demo's day). */
  readonly stock: number;
  /** Units shipped from the facility plus units still open there. */
  readonly committed: number;
}

export interface FulfillmentSummary {
  readonly release: ReleaseTotals & {
    /** Lines (× facility) in 1500 now, held by a release gate, per gate. */
    readonly heldNow: Readonly<Record<string, number>>;
  };
  readonly netsuite: {
    /** In the OMS: lines and units NetSuite's files shipped, and the fulfill commands. */
    readonly lines: number;
    readonly units: number;
    readonly shipments: number;
    /** Lines shipped in two parts or more. */
    readonly partLines: number;
    readonly imports: ImportTotals;
    /** In NetSuite: its item fulfillments, their units and habits. */
    readonly itemFulfillments: number;
    readonly itemUnits: number;
    readonly withComma: number;
    readonly multiTracking: number;
    readonly shares: {
      readonly fulfil: number;
      readonly partial: number;
      readonly comma: number;
      readonly multiTracking: number;
    };
  };
  readonly stores: {
    readonly runs: number;
    readonly picks: number;
    readonly shipments: number;
    readonly units: number;
    readonly lines: number;
    /** OMS-fulfilled rows written for NetSuite, and those waiting for the next export. */
    readonly sent: SentTotals;
    readonly waiting: number;
    /** Item fulfillments NetSuite made from those rows. */
    readonly netsuiteItemFulfillments: number;
    /** OMS-fulfilled lines NetSuite's item fulfillment script left, with its reason. */
    readonly netsuiteNotFulfilled: readonly { orderId: string; lineSeq: string; reason: string }[];
    readonly notFoundShare: number;
    readonly notFound: readonly NotFoundFigure[];
  };
  readonly cancellations: {
    readonly requested: number;
    readonly outcomes: readonly CancelOutcome[];
    /** Requests never acted on (the order did not reach NetSuite in time). */
    readonly waiting: readonly CancelRequest[];
    readonly lines: number;
    readonly units: number;
    /** Line-close rows written, and closes waiting (ids not back, or units still open). */
    readonly closesSent: SentTotals;
    readonly closesWaiting: number;
    /** Lines NetSuite holds closed. */
    readonly netsuiteClosed: number;
  };
  readonly invoices: {
    /** Orders with an invoice in the OMS, the invoices, their totals and amounts due. */
    readonly orders: number;
    readonly invoices: number;
    readonly total: number;
    readonly amountDue: number;
    readonly imports: ImportTotals;
    readonly netsuite: { readonly invoices: number; readonly total: number };
    /** Orders with every unit shipped or cancelled (some shipped) and no invoice yet. */
    readonly shippedNotInvoiced: readonly NotInvoiced[];
    /** Orders with units still to ship (or to place), approved or not, and where their lines are. */
    readonly openOrders: number;
    readonly open: ReadonlyArray<{
      readonly externalId: string;
      readonly orderId: string;
      /** Per line with units open: `00002: WH-EAST` (where `whereNow` says). */
      readonly lines: readonly string[];
    }>;
  };
  readonly balance: {
    readonly lines: number;
    /** What `lineInvariantViolations` finds, line by line (none). */
    readonly violations: readonly string[];
    readonly reservations: ReservationFigures;
  };
  /**
   * Problems of the order core and brokering the day shows, not checked (see the report): what
   * facilities shipped or hold beyond NetSuite's morning figure, and lines open at two NetSuite
   * locations (NetSuite holds one location a line).
   */
  readonly notes: {
    readonly beyondStock: readonly BeyondStock[];
    readonly twoNetsuiteLocations: ReadonlyArray<{
      readonly externalId: string;
      readonly lineSeq: string;
      readonly facilities: readonly string[];
    }>;
  };
  readonly checks: readonly Check[];
}

export interface FulfillmentTotals {
  readonly release: ReleaseTotals;
  readonly stores: StoreWorkTotals;
  readonly fulfilledSent: SentTotals;
  readonly closesSent: SentTotals;
  readonly fulfillmentImports: ImportTotals;
  readonly invoiceImports: ImportTotals;
  readonly cancelRequests: number;
  readonly cancelled: readonly CancelOutcome[];
  readonly cancelWaiting: readonly CancelRequest[];
  readonly shares: FulfillmentSummary['netsuite']['shares'];
}

interface OrderView {
  readonly orderId: string;
  readonly externalId: string;
  readonly netsuiteOrderId?: string;
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
          netsuiteOrderId: o.header?.netsuiteOrderId,
          lines: o.lines,
          moves: movesOf(o.events),
        });
      }
    }),
  );
  return out.sort((a, b) => a.externalId.localeCompare(b.externalId));
}

const cents = (amount: number) => Math.round(amount * 100);
const lineKey = (orderId: string, lineSeq: string) => `${orderId}|${lineSeq}`;
/** `…-R3` → 3 */
const releaseSeq = (key: string) => Number(/-R(\d+)$/.exec(key)?.[1] ?? 0);

/** Where a line is now: facilities with units open there, shipped from where, the rest. */
function whereNow(l: LineState): string[] {
  const out: string[] = [];
  const open = new Map<string, number>();
  for (const [f, a] of Object.entries(l.alloc)) {
    open.set(f, (open.get(f) ?? 0) + (a[STATUS.ALLOCATED] ?? 0) + (a[STATUS.SCHEDULED] ?? 0));
  }
  for (const r of Object.values(l.releases)) {
    open.set(r.facilityId, (open.get(r.facilityId) ?? 0) + r.statusQuantity);
  }
  for (const [f, q] of [...open].sort()) if (q > 0) out.push(f);
  const shippedFrom = [
    ...new Set(
      Object.values(l.shipments)
        .filter((s) => s.quantity > 0)
        .map((s) => s.facilityId),
    ),
  ].sort();
  for (const f of shippedFrom) out.push(`shipped from ${f}`);
  if ((l.buckets[STATUS.CANCELLED] ?? 0) > 0) out.push('cancelled');
  if ((l.buckets[STATUS.BACKORDERED] ?? 0) > 0) out.push('backordered');
  if ((l.buckets[STATUS.CREATED] ?? 0) + (l.buckets[STATUS.BACKORDERED_FROM_NODE] ?? 0) > 0)
    out.push('waiting');
  return out;
}

export async function fulfillmentSummary(
  ctx: DemoContext,
  totals: FulfillmentTotals,
): Promise<FulfillmentSummary> {
  const orders = await readOrders([...ctx.orders.values()]);
  const lines = orders.flatMap((o) => o.lines);
  const byLine = new Map(lines.map((l) => [lineKey(l.orderId, l.lineSeq), l]));
  const moves = orders.flatMap((o) => o.moves);
  const shipped = (actor: string) =>
    moves.filter((m) => m.to === STATUS.SHIPPED && m.actor === actor);

  // Held in 1500 by a release gate now.
  const heldNow: Record<string, number> = {};
  for (const l of lines) {
    if ((l.buckets[STATUS.SCHEDULED] ?? 0) === 0) continue;
    for (const h of Object.values(l.holds)) {
      if (h.kind === 'gate') heldNow[h.code] = (heldNow[h.code] ?? 0) + 1;
    }
  }

  // NetSuite's shipments, as the OMS recorded them and as NetSuite made them.
  const byNetsuite = shipped('netsuite');
  const netsuiteLines = new Map<string, Set<string>>();
  for (const m of byNetsuite) {
    const k = lineKey(m.orderId, m.lineSeq);
    netsuiteLines.set(k, (netsuiteLines.get(k) ?? new Set()).add(`${m.orderId}|${m.key}`));
  }
  const fulfillments = ctx.sim.fulfillments();
  const nsOwn = fulfillments.filter((f) => f.source === 'netsuite');
  const { counts, state } = ctx.sim.snapshot();

  // The stores' shipments and what was not found.
  const byStores = shipped(STORE_ACTOR);
  let fulfilledWaiting = 0;
  /** Orders with a store shipment NetSuite has not been sent yet. */
  const unsentShipments = new Set<string>();
  for await (const page of syncStore(root()).entries<OmsFulfilledPayload>('fulfilled')) {
    fulfilledWaiting += page.length;
    for (const e of page) unsentShipments.add(e.payload.orderId);
  }
  const externalOf = new Map(orders.map((o) => [o.orderId, o.externalId]));
  const notFound = totals.stores.notFound.map((n): NotFoundFigure => {
    const line = byLine.get(lineKey(n.orderId, n.lineSeq));
    const after = releaseSeq(n.releaseKey);
    return {
      externalId: externalOf.get(n.orderId) ?? '',
      orderId: n.orderId,
      lineSeq: n.lineSeq,
      facilityId: n.facilityId,
      quantity: n.quantity,
      now: line ? whereNow(line) : [],
      reReleased: Object.values(line?.releases ?? {}).some(
        (r) => releaseSeq(r.key) > after && r.facilityId !== n.facilityId,
      ),
    };
  });

  // Cancellations and the closes NetSuite was sent.
  const cancelledLines = lines.filter((l) => (l.buckets[STATUS.CANCELLED] ?? 0) > 0);
  const closeWaiting = new Set<string>();
  for await (const page of syncStore(root()).entries('lineclose'))
    for (const e of page) closeWaiting.add(e.id);
  const netsuiteHas = new Set(Object.values(state.salesOrders).map((o) => o.hcOrderId));
  // Only a line with nothing shipped is closed; a partly shipped one has its quantity lowered.
  const closedForNetsuite = cancelledLines.filter(
    (l) =>
      isWhollyCancelled(l) &&
      openQuantity(l) === 0 &&
      !closeWaiting.has(lineCloseEntryId(l)) &&
      netsuiteHas.has(l.orderId),
  );

  // Invoices: the OMS's (order headers) and NetSuite's.
  const headers = await new InvoiceStore(dynamo(), table('orders'), table('control')).headers(
    orders.map((o) => o.orderId),
  );
  const invoices: OrderInvoice[] = [...headers.values()].flatMap((h) => Object.values(h.invoices));
  const invoicedOrders = [...headers.values()].filter((h) => Object.keys(h.invoices).length > 0);
  const nsInvoices = ctx.sim.invoices();
  const simOrders = new Map(Object.values(state.salesOrders).map((o) => [o.hcOrderId, o]));
  const depositsOf = new Map<string, number>();
  for (const d of Object.values(state.deposits)) {
    depositsOf.set(d.salesOrderId, (depositsOf.get(d.salesOrderId) ?? 0) + d.totalAmount);
  }
  const nsInvoiced = new Set(nsInvoices.map((i) => i.hcOrderId));
  const shippedNotInvoiced: NotInvoiced[] = [];
  const open: FulfillmentSummary['invoices']['open'][number][] = [];
  for (const o of orders) {
    if (!orderFullyShipped(o.lines)) {
      open.push({
        externalId: o.externalId,
        orderId: o.orderId,
        lines: o.netsuiteOrderId
          ? o.lines
              .filter((l) => openQuantity(l) > 0)
              .map((l) => `${l.lineSeq}: ${whereNow(l).join(', ')}`)
          : ['not in NetSuite yet (see the NetSuite order sync)'],
      });
      continue;
    }
    if (invoicedOrders.some((h) => h.orderId === o.orderId)) continue;
    const so = simOrders.get(o.orderId);
    let why: string;
    if (!so) why = 'NetSuite does not have the order';
    else if (unsentShipments.has(o.orderId))
      why = 'a store shipment waits for the next OMS-fulfilled export';
    else if (nsInvoiced.has(o.orderId)) why = 'NetSuite invoiced it; the OMS has not imported it';
    else {
      const d = invoiceDecision(so, depositsOf.get(so.internalId) ?? 0, false);
      why = d.invoice ? 'NetSuite invoices it on its next cycle' : `NetSuite: ${d.reason}`;
    }
    shippedNotInvoiced.push({ externalId: o.externalId, orderId: o.orderId, why });
  }

  const violations = lines.flatMap((l) => lineInvariantViolations(l));

  // Shipped from or open at each SKU × facility, against NetSuite's morning figure.
  const stockOf = new Map<string, number>();
  const facilityOf = new Map(ctx.sample.facilities.map((f) => [f.externalId, f.facilityId]));
  for (const [sku, location, qty] of inventoryRows(ctx)) {
    stockOf.set(`${sku}|${facilityOf.get(location!)}`, Number(qty));
  }
  const committed = new Map<string, number>();
  const add = (sku: string, facilityId: string, q: number) => {
    if (q > 0)
      committed.set(`${sku}|${facilityId}`, (committed.get(`${sku}|${facilityId}`) ?? 0) + q);
  };
  for (const l of lines) {
    for (const [f, a] of Object.entries(l.alloc))
      add(l.sku, f, (a[STATUS.ALLOCATED] ?? 0) + (a[STATUS.SCHEDULED] ?? 0));
    for (const r of Object.values(l.releases)) add(l.sku, r.facilityId, r.statusQuantity);
    for (const sh of Object.values(l.shipments)) add(l.sku, sh.facilityId, sh.quantity);
  }
  const beyondStock = [...committed]
    .map(([k, q]): BeyondStock => {
      const [sku, facilityId] = k.split('|') as [string, string];
      return { sku, facilityId, stock: stockOf.get(k) ?? 0, committed: q };
    })
    .filter((b) => b.committed > b.stock)
    .sort((a, b) => b.committed - b.stock - (a.committed - a.stock) || a.sku.localeCompare(b.sku));
  const warehouses = new Set(
    ctx.sample.facilities.filter(isNetsuiteFulfilled).map((f) => f.facilityId),
  );
  const twoNetsuiteLocations = lines.flatMap((l) => {
    const at = whereNow(l).filter((w) => warehouses.has(w));
    return at.length > 1
      ? [{ externalId: externalOf.get(l.orderId) ?? '', lineSeq: l.lineSeq, facilities: at }]
      : [];
  });
  const reservations = await reservationFigures(ctx, lines);

  const check = (name: string, oms: number, other: number, otherSide: string): Check => ({
    name,
    oms,
    other,
    otherSide,
    ok: oms === other,
  });
  const sumUnits = (xs: readonly { quantity: number }[]) => xs.reduce((n, x) => n + x.quantity, 0);
  const nsShipments = new Set(byNetsuite.map((m) => `${m.orderId}|${m.key}`)).size;
  const storeShipments = new Set(byStores.map((m) => `${m.orderId}|${m.key}`)).size;
  const storeLines = new Set(byStores.map((m) => lineKey(m.orderId, m.lineSeq))).size;
  /** OMS-fulfilled lines NetSuite's item fulfillment script did not (yet) fulfil, and why. */
  const notFulfilled = ctx.sim.notFulfilled();
  const invoiceTotal = invoices.reduce((n, i) => n + cents(i.total), 0);
  const nsInvoiceTotal = nsInvoices.reduce((n, i) => n + cents(i.total), 0);
  return {
    release: { ...totals.release, heldNow },
    netsuite: {
      lines: netsuiteLines.size,
      units: sumUnits(byNetsuite),
      shipments: nsShipments,
      partLines: [...netsuiteLines.values()].filter((s) => s.size > 1).length,
      imports: totals.fulfillmentImports,
      itemFulfillments: counts.itemFulfillments,
      itemUnits: sumUnits(nsOwn),
      withComma: nsOwn.filter((f) =>
        `${f.shipment?.carrier ?? ''}${f.shipment?.shippingMethod ?? ''}`.includes(','),
      ).length,
      multiTracking: nsOwn.filter((f) => (f.shipment?.trackingNumbers.length ?? 0) > 1).length,
      shares: totals.shares,
    },
    stores: {
      runs: totals.stores.runs,
      picks: totals.stores.picks,
      shipments: storeShipments,
      units: sumUnits(byStores),
      lines: storeLines,
      sent: totals.fulfilledSent,
      waiting: fulfilledWaiting,
      netsuiteItemFulfillments: counts.omsItemFulfillments,
      netsuiteNotFulfilled: notFulfilled.map((n) => ({
        orderId: n.hcOrderId,
        lineSeq: n.orderLineId,
        reason: n.reason,
      })),
      notFoundShare: NOT_FOUND_SHARE,
      notFound,
    },
    cancellations: {
      requested: totals.cancelRequests,
      outcomes: totals.cancelled,
      waiting: totals.cancelWaiting,
      lines: cancelledLines.length,
      units: cancelledLines.reduce((n, l) => n + (l.buckets[STATUS.CANCELLED] ?? 0), 0),
      closesSent: totals.closesSent,
      closesWaiting: closeWaiting.size,
      netsuiteClosed: counts.closedLines,
    },
    invoices: {
      orders: invoicedOrders.length,
      invoices: invoices.length,
      total: invoiceTotal / 100,
      amountDue: invoices.reduce((n, i) => n + cents(i.amountDue), 0) / 100,
      imports: totals.invoiceImports,
      netsuite: { invoices: nsInvoices.length, total: nsInvoiceTotal / 100 },
      shippedNotInvoiced,
      openOrders: open.length,
      open,
    },
    balance: { lines: lines.length, violations, reservations },
    notes: { beyondStock, twoNetsuiteLocations },
    checks: [
      check('NetSuite item fulfillments', nsShipments, counts.itemFulfillments, 'NetSuite'),
      check('units shipped by NetSuite', sumUnits(byNetsuite), sumUnits(nsOwn), 'NetSuite'),
      check('fulfillment rows refused', 0, totals.fulfillmentImports.rejected, 'error files'),
      // One OMS-fulfilled row per line (NetSuite fulfils a line once).
      check(
        'lines shipped by stores',
        storeLines,
        totals.fulfilledSent.rows + fulfilledWaiting,
        'OMS-fulfilled rows sent + waiting',
      ),
      check(
        'OMS-fulfilled rows',
        totals.fulfilledSent.rows,
        counts.omsItemFulfillments + notFulfilled.length,
        'NetSuite item fulfillments + lines its script left',
      ),
      check('lines closed', closedForNetsuite.length, counts.closedLines, 'NetSuite'),
      check('invoices', invoices.length, nsInvoices.length, 'NetSuite'),
      check('invoiced (cents)', invoiceTotal, nsInvoiceTotal, 'NetSuite'),
      check('invoice rows refused', 0, totals.invoiceImports.rejected, 'error files'),
      check('line balance', 0, violations.length, 'lines out of balance'),
      ...reservationChecks(reservations),
    ],
  };
}
