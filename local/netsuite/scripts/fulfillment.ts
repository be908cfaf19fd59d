/**
 * NetSuite's warehouse staff ship what their locations committed, and its fulfillment export
 * (HotWax `HC_MR_ExportedSalesOrderFulfillmentCSV` / `…Json`) tells the OMS.
 *
 * A run (once per cycle, after the imports and billing):
 *
 * 1. **Fulfils.** A line is fulfillable when it is at one of NetSuite's warehouse locations (never
 *    a store: see `storeLocations` and the seeded location kinds), not tagged `hotwax-fulfilled`
 *    (the OMS ships those), not checked rejected (nor in the Rejected Orders location), not
 *    closed, and has **committed** quantity there (books.ts: open quantity committed in
 *    line-creation order up to on hand; so a warehouse ships only what its on hand allows).
 *    `fulfilShare` of them (a seeded draw per line and run), plus those `fulfilWhen` picks, get an
 *    Item Fulfillment of their committed quantity — or, for `partialShare` of the lines of 2+
 *    committed units, of half of it (rounded down), the rest following on the next run whatever the
 *    draws say. Each item fulfillment lowers on hand at the location.
 * 2. **Exports** every NetSuite item fulfillment made since the last file, with NetSuite's habits:
 *    `salesorder/import/fulfillment-nifi` CSV (or the JSON variant `salesorder/import/fulfillment`
 *    with `fulfillmentFormat: 'json'`), values unescaped (a carrier `FedEx, Inc.` shifts the
 *    columns: `commaShare` of the shipments have such a carrier or shipping method), tracking
 *    numbers joined with ` | ` (two for `multiTrackingShare` of the shipments), `shippedDate` in
 *    the account's format (`1/4/2024 4:23 pm`, at `accountUtcOffset`), file names
 *    `2025-07-02-10-15-00-SalesOrderFulfillment.csv` or `Date.toString()` style, and — for
 *    `boundaryRepeatShare` of the files — the previous file's last row repeated first (the
 *    inclusive minute cursor). Nothing new: no file.
 *
 * `orderId` is the OMS order id (`HCOrderId`), `orderItemSeqId` the OMS line seq id,
 * `externalFacilityId` the NetSuite location id, `shippingMethodId` the line's ship item id.
 */
import { accountDateTime, checkUtcOffset } from '../account-time.ts';
import {
  bookSettings,
  changeOnHand,
  commitments,
  locationKind,
  type BookSettings,
} from '../books.ts';
import { CONTRACT } from '../contract.ts';
import type {
  FulfillableLine,
  FulfillmentOptions,
  RecordContext,
  ScriptContext,
  ShipmentText,
  SuiteScript,
} from '../context.ts';
import { claimFileTime, datedFileName, netsuiteFileName } from '../file-names.ts';
import {
  isTaggedFulfilled,
  nextId,
  nextRev,
  orderedQuantity,
  type ExportCursor,
  type SimItemFulfillment,
  type SimOrderLine,
  type SimSalesOrder,
  type SimShipment,
  type SimState,
} from '../state.ts';
import { unescapedCsv } from '../unescaped-csv.ts';
import { writeFileForOms } from '../written-file.ts';
import { seededDraw } from './rejections.ts';

const SCRIPT = 'fulfillment';
/** The export's folder, header and cursor (state key kept from version 1). */
const exportOf = (
  feed: typeof CONTRACT.fulfillmentsCsv | typeof CONTRACT.fulfillmentsJson,
): { readonly id: string; readonly folder: string; readonly columns: readonly string[] } => ({
  id: feed.omsFeed,
  folder: feed.folder,
  columns: feed.required,
});
export const FULFILLMENT_CSV = exportOf(CONTRACT.fulfillmentsCsv);
export const FULFILLMENT_JSON = exportOf(CONTRACT.fulfillmentsJson);
export const FULFILLMENT_SUFFIX = 'SalesOrderFulfillment';

interface Carrier {
  readonly carrier: string;
  readonly methods: readonly string[];
  /** Tracking number prefix. */
  readonly tracking: string;
}

/** Carriers and shipping methods without commas. */
export const CARRIERS: readonly Carrier[] = [
  { carrier: 'UPS', methods: ['UPS Ground', 'UPS 2nd Day Air'], tracking: '1Z' },
  { carrier: 'FedEx', methods: ['FedEx Ground', 'FedEx 2Day'], tracking: '77' },
  { carrier: 'USPS', methods: ['Priority Mail', 'Ground Advantage'], tracking: '94' },
];

/**
 * Names with a comma, as real accounts have them (`commaShare`): a comma followed by a space, so
 * a reader that knows only carrier and shipping method hold free text can still tell them apart.
 */
export const COMMA_CARRIERS: readonly Carrier[] = [
  { carrier: 'FedEx, Inc.', methods: ['Ground, 3-5 days', 'FedEx Home Delivery'], tracking: '77' },
  {
    carrier: 'United Parcel Service, Inc.',
    methods: ['Next Day Air, Saturday Delivery', 'UPS Ground'],
    tracking: '1Z',
  },
];

const SHARES = [
  'fulfilShare',
  'partialShare',
  'commaShare',
  'multiTrackingShare',
  'boundaryRepeatShare',
] as const;

/** Throws on options no NetSuite account could mean. */
export function checkFulfillmentOptions(options: FulfillmentOptions): void {
  for (const name of SHARES) {
    const share = options[name];
    if (share !== undefined && !(share >= 0 && share <= 1))
      throw new Error(`${name} ${share} is not within 0..1`);
  }
  checkUtcOffset(options.accountUtcOffset);
  const names = options.fulfillmentFileNames;
  if (names !== undefined && !['dated', 'date-string', 'mixed'].includes(names))
    throw new Error(`fulfillmentFileNames ${names} is not dated, date-string or mixed`);
  const format = options.fulfillmentFormat;
  if (format !== undefined && format !== 'csv' && format !== 'json')
    throw new Error(`fulfillmentFormat ${format} is not csv or json`);
}

/**
 * The line as the fulfillment rules see it, or undefined when NetSuite's warehouse staff cannot
 * fulfil it; `committed` is what the line commits at its location now.
 */
export function fulfillableLine(
  state: SimState,
  settings: BookSettings,
  order: SimSalesOrder,
  line: SimOrderLine,
  committed: number,
  run: number,
): FulfillableLine | undefined {
  if (line.closed || line.rejected || !line.location) return undefined;
  if (line.location === settings.rejectedLocation) return undefined;
  if (isTaggedFulfilled(line)) return undefined;
  if (locationKind(state, settings, line.location) === 'store') return undefined;
  const open = committed;
  if (open <= 0) return undefined;
  return {
    internalId: order.internalId,
    hcOrderId: order.hcOrderId,
    lineId: line.lineId,
    orderLineId: line.orderLineId,
    itemId: line.itemId,
    location: line.location,
    quantity: orderedQuantity(line),
    open,
    run,
  };
}

/** The carrier, shipping method and tracking numbers of item fulfillment `id` (seeded draws). */
export function drawShipmentText(options: FulfillmentOptions, id: string): ShipmentText {
  const seed = options.seed ?? 1;
  const draw = (what: string) => seededDraw(seed, `${what}/${id}`);
  const table = draw('comma') < (options.commaShare ?? 0) ? COMMA_CARRIERS : CARRIERS;
  const entry = table[Math.floor(draw('carrier') * table.length)]!;
  const method = entry.methods[Math.floor(draw('method') * entry.methods.length)]!;
  const count = draw('tracking') < (options.multiTrackingShare ?? 0) ? 2 : 1;
  const trackingNumbers = Array.from(
    { length: count },
    (_, i) => `${entry.tracking}${id.padStart(10, '0')}${i + 1}`,
  );
  return { carrier: entry.carrier, shippingMethod: method, trackingNumbers };
}

/** A ship item id is digits; anything else the line holds there is not one. */
const shipItemId = (line: SimOrderLine) =>
  /^\d+$/.test(line.fields.shippingMethod ?? '') ? line.fields.shippingMethod! : '';

const line = (order: SimSalesOrder, l: SimOrderLine) => `${order.internalId}/${l.lineId}`;

/**
 * Step 1 of a run (module comment): makes the item fulfillments of this run and returns them
 * (the state keeps them on their lines). Moves the run counter.
 */
export function fulfilLines(ctx: RecordContext): SimItemFulfillment[] {
  const { state } = ctx;
  const options = ctx.options.fulfillment ?? {};
  const seed = options.seed ?? 1;
  const share = options.fulfilShare ?? 0;
  const partialShare = options.partialShare ?? 0;
  const run = (state.counters.fulfillmentRun ?? 0) + 1;
  state.counters.fulfillmentRun = run;
  const settings = bookSettings(ctx.options);
  const { byLine } = commitments(state, settings);
  const now = ctx.now();
  const at = now.toISOString();
  const shippedAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  const made: SimItemFulfillment[] = [];
  for (const order of Object.values(state.salesOrders)) {
    for (const l of order.lines) {
      const candidate = fulfillableLine(state, settings, order, l, byLine.get(l) ?? 0, run);
      if (!candidate) continue;
      // A line its staff started (shipped part of, here) is finished whatever the draws say.
      const started = (l.itemFulfillments ?? []).some(
        (f) => f.source === 'netsuite' && f.location === candidate.location,
      );
      const chosen =
        started ||
        options.fulfilWhen?.(candidate) === true ||
        (share > 0 && seededDraw(seed, `fulfil/${line(order, l)}/${run}`) < share);
      if (!chosen) continue;
      const split =
        !started &&
        candidate.open >= 2 &&
        partialShare > 0 &&
        seededDraw(seed, `partial/${line(order, l)}`) < partialShare;
      const quantity = split ? Math.floor(candidate.open / 2) : candidate.open;
      const internalId = nextId(state, 'itemFulfillment');
      const drawn = drawShipmentText(options, internalId);
      const over = options.shipmentFor?.(candidate) ?? {};
      const shipment: SimShipment = {
        shippedAt,
        trackingNumbers: [...(over.trackingNumbers ?? drawn.trackingNumbers)],
        carrier: over.carrier ?? drawn.carrier,
        shippingMethod: over.shippingMethod ?? drawn.shippingMethod,
        shippingMethodId: shipItemId(l),
      };
      const fulfillment: SimItemFulfillment = {
        internalId,
        source: 'netsuite',
        quantity,
        location: candidate.location,
        at,
        shipment,
        rev: nextRev(state),
      };
      (l.itemFulfillments ??= []).push(fulfillment);
      changeOnHand(state, settings, candidate.location, l.itemId, -quantity);
      (l.history ??= []).push({
        at,
        kind: 'fulfilled',
        location: candidate.location,
        quantity: String(quantity),
      });
      made.push(fulfillment);
      ctx.log({
        script: SCRIPT,
        kind: 'fulfilled',
        key: line(order, l),
        message: `line ${l.lineId}: ${quantity} of ${candidate.quantity} fulfilled at location ${candidate.location} (item fulfillment ${internalId}${quantity < candidate.open ? ', first part' : ''})`,
      });
    }
  }
  return made;
}

/** One row of the fulfillment CSV, in the catalog's column order. */
export function fulfillmentRow(
  order: SimSalesOrder,
  l: SimOrderLine,
  fulfillment: SimItemFulfillment,
  utcOffset = 'Z',
): string[] {
  const shipment = fulfillment.shipment;
  const values: Record<string, string> = {
    orderId: order.hcOrderId,
    orderItemSeqId: l.orderLineId,
    externalFacilityId: fulfillment.location,
    shippedDate: accountDateTime(new Date(shipment?.shippedAt ?? fulfillment.at), utcOffset),
    quantity: String(fulfillment.quantity),
    trackingNumber: (shipment?.trackingNumbers ?? []).join(' | '),
    carrier: shipment?.carrier ?? '',
    shippingMethod: shipment?.shippingMethod ?? '',
    shippingMethodId: shipment?.shippingMethodId ?? '',
  };
  return FULFILLMENT_CSV.columns.map((c) => values[c] ?? '');
}

/** NetSuite's own item fulfillments with their order and line, oldest stamp first. */
function netsuiteFulfillments(state: SimState) {
  return Object.values(state.salesOrders)
    .flatMap((order) =>
      order.lines.flatMap((l) =>
        (l.itemFulfillments ?? [])
          .filter((f) => f.source === 'netsuite')
          .map((fulfillment) => ({ order, line: l, fulfillment })),
      ),
    )
    .sort((a, b) => a.fulfillment.rev - b.fulfillment.rev);
}

export interface FulfillmentExportPlan {
  /** The file's data rows: the boundary row (when repeated) then the new rows. */
  readonly rows: string[][];
  /** The item fulfillments the file reports for the first time. */
  readonly fresh: SimItemFulfillment[];
  /** The cursor once the file is written. */
  readonly next: ExportCursor;
}

/** What the next export writes, or undefined when no item fulfillment is new. */
export function planFulfillmentExport(
  state: SimState,
  cursor: ExportCursor,
  repeatBoundary: boolean,
  utcOffset = 'Z',
): FulfillmentExportPlan | undefined {
  const fresh = netsuiteFulfillments(state).filter((f) => f.fulfillment.rev > cursor.rev);
  if (fresh.length === 0) return undefined;
  const rows = fresh.map((f) => fulfillmentRow(f.order, f.line, f.fulfillment, utcOffset));
  return {
    rows: repeatBoundary && cursor.lastRow ? [cursor.lastRow, ...rows] : rows,
    fresh: fresh.map((f) => f.fulfillment),
    next: { ...cursor, rev: state.counters.rev, lastRow: rows.at(-1) },
  };
}

/**
 * The JSON variant of the rows: `[{orderMap:{orderId, items:[{orderItemSeqId, externalFacilityId,
 * shippedDate, quantity, trackingNumber, carrier, shippingMethod}]}}]`, one entry per order in
 * order of first appearance, quantities as numbers (no `shippingMethodId`: the variant has none).
 */
export function fulfillmentJson(rows: readonly string[][]): unknown[] {
  const at = (name: string) => FULFILLMENT_CSV.columns.indexOf(name);
  const orders = new Map<string, Array<Record<string, unknown>>>();
  for (const row of rows) {
    const orderId = row[at('orderId')]!;
    const items = orders.get(orderId) ?? [];
    orders.set(orderId, items);
    items.push({
      orderItemSeqId: row[at('orderItemSeqId')],
      externalFacilityId: row[at('externalFacilityId')],
      shippedDate: row[at('shippedDate')],
      quantity: Number(row[at('quantity')]),
      trackingNumber: row[at('trackingNumber')],
      carrier: row[at('carrier')],
      shippingMethod: row[at('shippingMethod')],
    });
  }
  return [...orders].map(([orderId, items]) => ({ orderMap: { orderId, items } }));
}

/**
 * The name of a fulfillment file written at `time`: `2025-07-02-10-15-00-SalesOrderFulfillment.csv`
 * (account time) or `<Date.toString()>-SalesOrderFulfillment.csv`, as `fulfillmentFileNames` says
 * (`mixed`: a seeded draw per file); `.json` for the JSON variant.
 */
export function fulfillmentFileName(options: FulfillmentOptions, time: Date): string {
  const suffix = `${FULFILLMENT_SUFFIX}.${options.fulfillmentFormat === 'json' ? 'json' : 'csv'}`;
  const style = options.fulfillmentFileNames ?? 'dated';
  const dated =
    style === 'dated' ||
    (style === 'mixed' && seededDraw(options.seed ?? 1, `name/${time.getTime()}`) < 0.5);
  return dated
    ? datedFileName(time, suffix, options.accountUtcOffset ?? 'Z')
    : netsuiteFileName(time, suffix);
}

/** Step 2 of a run: writes the file atomically, then moves the cursor. */
export async function exportFulfillments(ctx: ScriptContext): Promise<void> {
  const options = ctx.options.fulfillment ?? {};
  const json = options.fulfillmentFormat === 'json';
  const feed = json ? FULFILLMENT_JSON : FULFILLMENT_CSV;
  const seed = options.seed ?? 1;
  const utcOffset = options.accountUtcOffset ?? 'Z';
  const cursor = (ctx.state.exports[feed.id] ??= { rev: 0 });
  const repeat =
    cursor.lastRow !== undefined &&
    seededDraw(seed, `boundary/${feed.id}/${cursor.lastFileMs ?? 0}`) <
      (options.boundaryRepeatShare ?? 0.5);
  const plan = planFulfillmentExport(ctx.state, cursor, repeat, utcOffset);
  if (!plan) return;
  const timing = { lastFileMs: cursor.lastFileMs };
  const name = fulfillmentFileName(options, claimFileTime(timing, ctx.now()));
  const text = json
    ? `${JSON.stringify(fulfillmentJson(plan.rows))}\n`
    : unescapedCsv(feed.columns, plan.rows);
  await writeFileForOms(ctx, feed.folder, name, text);
  // Only once the file is in place does the search move its cursor.
  ctx.state.exports[feed.id] = { ...plan.next, lastFileMs: timing.lastFileMs };
  for (const fulfillment of plan.fresh) fulfillment.exportedIn ??= name;
  ctx.log({
    script: SCRIPT,
    kind: 'exported',
    file: name,
    message: `${feed.folder}: ${plan.rows.length} row(s), ${plan.fresh.length} new`,
  });
}

export const fulfillmentScript: SuiteScript = {
  name: SCRIPT,
  async run(ctx) {
    fulfilLines(ctx);
    await exportFulfillments(ctx);
  },
};
