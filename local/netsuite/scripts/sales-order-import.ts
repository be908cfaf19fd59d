/**
 * The sales order import (HotWax `HC_importSalesOrders`): reads `salesorder/export`, one row per
 * order line, groups rows by `HCOrderId` and upserts each order on `externalId` (a re-sent order
 * keeps its internal id and its line ids; a new `orderLineId` becomes the next line). An order
 * NetSuite would refuse (empty sales channel, unknown customer or item, empty required field) is
 * refused: logged here, no id comes back, and every row of it is listed in the error file
 * (`<file>,line <n>: <message>`). A line sent with an `itemLocation` is at that location (it
 * commits there, books.ts, in the order lines are created).
 */
import { unknownLocation } from '../books.ts';
import { CONTRACT } from '../contract.ts';
import type { RecordContext, SuiteScript } from '../context.ts';
import { rowObjects } from '../csv-file.ts';
import { watchFolder, type RowRefusal } from '../folder-watcher.ts';
import {
  externalIdIndex,
  type ExternalIdIndex,
  nextId,
  nextLineSeq,
  nextRev,
  nonEmpty,
  type SimOrderLine,
  type SimSalesOrder,
  type SimState,
} from '../state.ts';

const FEED = CONTRACT.salesOrders;
const SCRIPT = 'sales-order-import';

/** Columns that belong to a line; every other column belongs to the order. */
export const LINE_COLUMNS = [
  'item',
  'orderLineId',
  'closed',
  'priceLevel',
  'itemLocation',
  'quantity',
  'price',
  'taxCode',
] as const;
const REQUIRED = ['customer', 'date', 'country'] as const;
const DATE = /^(0?[1-9]|1[0-2])\/(0?[1-9]|[12]\d|3[01])\/\d{4}$/;

export const salesOrderImport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) =>
    watchFolder(
      ctx,
      {
        script: SCRIPT,
        folder: FEED.folder,
        errorName: 'SalesOrder',
        format: 'csv',
        mapping: { required: FEED.required },
      },
      (file) =>
        file.format === 'csv' ? applySalesOrderRows(ctx, file.name, rowObjects(file)) : [],
    ),
};

type Row = Record<string, string>;

/** Rows grouped by `HCOrderId`, in order of first appearance. */
export function groupByOrder(rows: readonly Row[]): Map<string, Row[]> {
  return new Map([...groupIndexes(rows)].map(([k, indexes]) => [k, indexes.map((i) => rows[i]!)]));
}

/** Row positions grouped by `HCOrderId`, in order of first appearance. */
function groupIndexes(rows: readonly Row[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const [index, row] of rows.entries()) {
    const key = row.HCOrderId ?? '';
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  }
  return groups;
}

/** Why NetSuite would refuse the order, or undefined. */
export function orderRejection(
  state: SimState,
  hcOrderId: string,
  rows: readonly Row[],
): string | undefined {
  if (!hcOrderId) return 'HCOrderId is empty';
  for (const row of rows) {
    if (!row.salesChannel) return 'salesChannel is empty';
    for (const field of REQUIRED) if (!row[field]) return `required field ${field} is empty`;
    if (!DATE.test(row.date!)) return `date ${row.date} is not MM/dd/yyyy`;
    if (!state.customers[row.customer!]) return `customer ${row.customer} does not exist`;
    if (!row.item || !state.items[row.item])
      return `item ${row.item || '(empty)'} does not exist (line ${row.orderLineId})`;
    const discount = state.items[row.item]?.type === 'discount';
    const quantity = Number(row.quantity);
    if (!discount && (!row.quantity || !Number.isFinite(quantity) || quantity <= 0))
      return `invalid quantity ${row.quantity} (line ${row.orderLineId})`;
    if (discount && !/^-?\d+(\.\d{1,2})?$/.test(row.price ?? ''))
      return `discount line ${row.orderLineId} has no amount (price "${row.price ?? ''}")`;
    for (const field of ['taxCode', 'shippingTaxCode'] as const) {
      if (row[field] && !state.taxCodes?.[row[field]])
        return `${field} ${row[field]} does not exist (line ${row.orderLineId})`;
    }
    const badLocation = row.itemLocation ? unknownLocation(state, row.itemLocation) : undefined;
    if (badLocation) return `${badLocation} (line ${row.orderLineId})`;
  }
  return undefined;
}

const split = (row: Row) => {
  const line: Row = {};
  const order: Row = {};
  for (const [k, v] of Object.entries(row)) {
    if ((LINE_COLUMNS as readonly string[]).includes(k)) line[k] = v;
    else order[k] = v;
  }
  return { order, line };
};

/** Imports the rows order by order; returns the rows refused (every row of a refused order). */
export function applySalesOrderRows(
  ctx: RecordContext,
  file: string,
  rows: readonly Row[],
): RowRefusal[] {
  const refusals: RowRefusal[] = [];
  const byExternalId = externalIdIndex(ctx.state.salesOrders);
  for (const [hcOrderId, indexes] of groupIndexes(rows)) {
    const group = indexes.map((i) => rows[i]!);
    const refused = orderRejection(ctx.state, hcOrderId, group);
    if (refused) {
      ctx.log({ script: SCRIPT, kind: 'rejected', file, key: hcOrderId, message: refused });
      const message = `sales order ${hcOrderId || '(no HCOrderId)'} refused: ${refused}`;
      for (const index of indexes) refusals.push({ index, message });
      continue;
    }
    upsertOrder(ctx, file, hcOrderId, group, byExternalId);
  }
  return refusals;
}

function upsertOrder(
  ctx: RecordContext,
  file: string,
  hcOrderId: string,
  rows: readonly Row[],
  byExternalId: ExternalIdIndex<SimSalesOrder>,
) {
  const { state } = ctx;
  const at = ctx.now().toISOString();
  const first = rows[0]!;
  const externalId = first.externalId ?? '';
  // Without an externalId NetSuite cannot deduplicate: every import creates a new order.
  const existing = externalId ? byExternalId.find(externalId) : undefined;
  const reexport = ctx.options.reexportUpdated;
  let order: SimSalesOrder;
  if (existing) {
    order = existing;
    order.hcOrderId = hcOrderId;
    order.customerId = first.customer!;
    order.fields = { ...order.fields, ...nonEmpty(split(first).order) };
    order.updatedAt = at;
    if (reexport) {
      order.rev = nextRev(state);
      for (const line of order.lines) line.rev = nextRev(state);
    }
  } else {
    const internalId = nextId(state, 'salesOrder');
    order = {
      internalId,
      externalId,
      hcOrderId,
      customerId: first.customer!,
      fields: nonEmpty(split(first).order),
      lines: [],
      rev: nextRev(state),
      createdAt: at,
      updatedAt: at,
    };
    state.salesOrders[internalId] = order;
    byExternalId.add(order);
  }
  for (const row of rows) {
    const { line: cells } = split(row);
    const orderLineId = row.orderLineId ?? '';
    // A discount item's line shares the orderLineId of the line it applies to.
    const discount = state.items[row.item!]?.type === 'discount';
    const line = orderLineId
      ? order.lines.find((l) => l.orderLineId === orderLineId && !!l.discount === discount)
      : undefined;
    if (line) {
      line.itemId = row.item!;
      line.fields = { ...line.fields, ...nonEmpty(cells) };
      if (row.itemLocation) line.location = row.itemLocation;
      closeIfSentClosed(line, cells, at, file);
      continue;
    }
    const created: SimOrderLine = {
      lineId: String(order.lines.length + 1),
      orderLineId,
      itemId: row.item!,
      fields: nonEmpty(cells),
      rev: nextRev(state),
      seq: nextLineSeq(state),
      ...(discount ? { discount: true } : {}),
      ...(row.itemLocation ? { location: row.itemLocation } : {}),
    };
    closeIfSentClosed(created, cells, at, file);
    order.lines.push(created);
  }
  ctx.log({
    script: SCRIPT,
    kind: existing ? 'updated' : 'created',
    file,
    key: hcOrderId,
    message: `sales order ${order.internalId} ${existing ? 'updated' : 'created'} with ${order.lines.length} line(s)`,
  });
}

/**
 * A line the OMS sends with `closed`=`true` (cancelled before NetSuite had the order) is a closed
 * line: never fulfilled nor invoiced, as a line closed later by the line-close update.
 */
function closeIfSentClosed(line: SimOrderLine, cells: Row, at: string, file: string): void {
  if (cells.closed?.trim().toLowerCase() !== 'true' || line.closed) return;
  line.closed = true;
  (line.history ??= []).push({ at, kind: 'closed', file });
}
