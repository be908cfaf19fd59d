/**
 * NetSuite's books per location × item (issue #14, plan rule 1; `docs/netsuite-contract.md`: "availableQty
 * is NetSuite's location quantity available: on hand − committed").
 *
 * - **On hand** is stored (`state.onHand`): seeded, then changed by item receipts, inventory
 *   adjustments (NetSuite's own and those imported from the OMS), transfers, and item fulfillments
 *   (NetSuite's warehouse staff and the OMS-fulfilled item fulfillment script alike).
 * - **Committed** is computed: every open sales-order line (quantity − fulfilled, 0 once closed) at
 *   a location commits there, in line-creation order, never beyond what is left of on hand
 *   ("commit available"); the rest of the line is **backordered**. The Rejected Orders location
 *   commits nothing.
 * - **Available** = on hand − committed (never below 0).
 *
 * Locations: seeded ones (`warehouse` or `store`, with a subsidiary); until one is seeded, every
 * location id is taken as a warehouse (`storeLocations` names stores). A location × item with no
 * figure has `defaultOnHand` (default 0).
 */
import type { InventoryOptions, SimulatorOptions } from './context.ts';
import { rejectedLocationId } from './scripts/rejections.ts';
import { openQuantity, type SimOrderLine, type SimSalesOrder, type SimState } from './state.ts';

/** What the books need from the options. */
export interface BookSettings {
  readonly rejectedLocation: string;
  readonly defaultOnHand: number;
  readonly storeLocations: readonly string[];
}

export const bookSettings = (options: SimulatorOptions | undefined): BookSettings => ({
  rejectedLocation: rejectedLocationId(options?.rejections),
  defaultOnHand: options?.inventory?.defaultOnHand ?? 0,
  storeLocations: options?.inventory?.storeLocations ?? [],
});

/** Throws on inventory options no NetSuite account could mean. */
export function checkInventoryOptions(options: InventoryOptions): void {
  const { defaultOnHand, itemFulfillmentBatch, adjustmentAccounts } = options;
  if (defaultOnHand !== undefined && !(Number.isInteger(defaultOnHand) && defaultOnHand >= 0))
    throw new Error(`defaultOnHand ${defaultOnHand} is not a whole number ≥ 0`);
  if (
    itemFulfillmentBatch !== undefined &&
    !(Number.isInteger(itemFulfillmentBatch) && itemFulfillmentBatch > 0)
  )
    throw new Error(`itemFulfillmentBatch ${itemFulfillmentBatch} is not a whole number > 0`);
  if (adjustmentAccounts?.some((a) => !/^\d+$/.test(a)))
    throw new Error(`adjustmentAccounts ${adjustmentAccounts.join(',')}: internal ids are digits`);
}

/** One location × item of the books. */
export interface BookRow {
  readonly location: string;
  readonly itemId: string;
  /** The item's SKU (its id when it has none). */
  readonly sku: string;
  readonly onHand: number;
  readonly committed: number;
  /** onHand − committed, never below 0. */
  readonly available: number;
  /** Open quantity of the lines at the location that nothing is left to commit to. */
  readonly backordered: number;
}

export const onHandOf = (
  state: SimState,
  settings: Pick<BookSettings, 'defaultOnHand'>,
  location: string,
  itemId: string,
): number => state.onHand[location]?.[itemId] ?? settings.defaultOnHand;

/** Changes on hand by `delta` (a location × item without a figure starts from the default). */
export function changeOnHand(
  state: SimState,
  settings: Pick<BookSettings, 'defaultOnHand'>,
  location: string,
  itemId: string,
  delta: number,
): number {
  const next = onHandOf(state, settings, location, itemId) + delta;
  (state.onHand[location] ??= {})[itemId] = next;
  return next;
}

/** Why NetSuite does not know the location, or undefined (any location until one is seeded). */
export function unknownLocation(state: SimState, location: string): string | undefined {
  if (Object.keys(state.locations).length === 0) return undefined;
  return state.locations[location] ? undefined : `location ${location} does not exist`;
}

export function locationKind(
  state: SimState,
  settings: Pick<BookSettings, 'storeLocations'>,
  location: string,
): 'warehouse' | 'store' {
  if (settings.storeLocations.includes(location)) return 'store';
  return state.locations[location]?.kind ?? 'warehouse';
}

const key = (location: string, itemId: string) => `${location}\u0000${itemId}`;

/** A line with its order, as the books see it. */
export interface BookLine {
  readonly order: SimSalesOrder;
  readonly line: SimOrderLine;
}

const num = (text: string) => (/^\d+$/.test(text) ? Number(text) : Number.MAX_SAFE_INTEGER);

/** Line-creation order (migrated and copied lines: order then line id break ties). */
export function creationOrder(a: BookLine, b: BookLine): number {
  return (
    (a.line.seq ?? Number.MAX_SAFE_INTEGER) - (b.line.seq ?? Number.MAX_SAFE_INTEGER) ||
    num(a.order.internalId) - num(b.order.internalId) ||
    num(a.line.lineId) - num(b.line.lineId)
  );
}

export interface Commitments {
  /** What each open line commits at its location. */
  readonly byLine: ReadonlyMap<SimOrderLine, number>;
  /** Committed and backordered per location × item (only where some line is open). */
  readonly byPlace: ReadonlyMap<string, { committed: number; backordered: number }>;
}

/** What every open line commits (module comment), from on hand and the lines as they are now. */
export function commitments(state: SimState, settings: BookSettings): Commitments {
  const groups = new Map<string, BookLine[]>();
  for (const order of Object.values(state.salesOrders)) {
    for (const line of order.lines) {
      if (!line.location || line.location === settings.rejectedLocation) continue;
      if (openQuantity(line) <= 0) continue;
      const k = key(line.location, line.itemId);
      const group = groups.get(k);
      if (group) group.push({ order, line });
      else groups.set(k, [{ order, line }]);
    }
  }
  const byLine = new Map<SimOrderLine, number>();
  const byPlace = new Map<string, { committed: number; backordered: number }>();
  for (const group of groups.values()) {
    const { line: first } = group[0]!;
    let left = Math.max(0, onHandOf(state, settings, first.location!, first.itemId));
    let committed = 0;
    let backordered = 0;
    for (const { line } of group.sort(creationOrder)) {
      const open = openQuantity(line);
      const commits = Math.min(open, left);
      left -= commits;
      committed += commits;
      backordered += open - commits;
      byLine.set(line, commits);
    }
    byPlace.set(key(first.location!, first.itemId), { committed, backordered });
  }
  return { byLine, byPlace };
}

export interface BooksFilter {
  readonly location?: string;
  readonly itemId?: string;
  readonly sku?: string;
}

/**
 * The books: every location (seeded, with a figure, or with an open line; Rejected Orders apart) ×
 * every item (seeded or with a figure), 0s included, sorted by location then item.
 */
export function bookRows(
  state: SimState,
  settings: BookSettings,
  filter: BooksFilter = {},
): BookRow[] {
  const { byPlace } = commitments(state, settings);
  const locations = new Set([...Object.keys(state.locations), ...Object.keys(state.onHand)]);
  for (const order of Object.values(state.salesOrders))
    for (const line of order.lines) if (line.location) locations.add(line.location);
  locations.delete(settings.rejectedLocation);
  // Discount items are not inventory: they have no books.
  const items = new Set(
    Object.values(state.items)
      .filter((i) => i.type !== 'discount')
      .map((i) => i.itemId),
  );
  for (const perItem of Object.values(state.onHand))
    for (const itemId of Object.keys(perItem)) items.add(itemId);
  const byText = (a: string, b: string) => num(a) - num(b) || (a < b ? -1 : a > b ? 1 : 0);
  const rows: BookRow[] = [];
  for (const location of [...locations].sort(byText)) {
    if (filter.location !== undefined && filter.location !== location) continue;
    for (const itemId of [...items].sort(byText)) {
      if (filter.itemId !== undefined && filter.itemId !== itemId) continue;
      const sku = state.items[itemId]?.sku ?? itemId;
      if (filter.sku !== undefined && filter.sku !== sku) continue;
      const onHand = onHandOf(state, settings, location, itemId);
      const place = byPlace.get(key(location, itemId)) ?? { committed: 0, backordered: 0 };
      rows.push({
        location,
        itemId,
        sku,
        onHand,
        committed: place.committed,
        available: Math.max(0, onHand - place.committed),
        backordered: place.backordered,
      });
    }
  }
  return rows;
}
