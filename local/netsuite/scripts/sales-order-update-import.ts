/**
 * The sales order update import (`salesorder/update`): one folder, three record layouts, each
 * header matched exactly and case-sensitively (any other header: `failed/` and an error file):
 *
 * - allocation updates (`lineId,internalId,item,closed,quantity,location,addressee,…,
 *   shippingMethod`, optional `rejected`): the line moves to the location (a NetSuite location id)
 *   with its ship-to; `quantity` is what the location is to ship (the line keeps its sales-order
 *   quantity: another part may ship from a store); `rejected`=`false` clears the rejection
 *   checkbox. A location may then reject the line (see `rejections.ts`): it moves to the Rejected
 *   Orders location and the rejected-items export sends it back. A line still checked rejected
 *   when the OMS re-sends it without `rejected`=`false` is modified while checked, so its
 *   rejection is exported again.
 * - OMS-fulfilled items (`lineId,internalId,item,quantity,location,tags`, `tags`=`hotwax-fulfilled`):
 *   NetSuite makes an Item Fulfillment of that quantity for the line (from then on fulfilled on
 *   NetSuite's side, billable). Every row is one shipment (the OMS sends each once; two parts of a
 *   line are two rows), so rows add up; a quantity above what is left to fulfil, or on a closed
 *   line, is refused — NetSuite does not over-fulfil a line.
 * - line closes (`internalId,lineId,closed`, `closed`=`true`): the line is closed (never fulfilled
 *   nor invoiced afterwards); closing a closed line changes nothing.
 *
 * A row NetSuite would refuse (unknown order or line, another item, bad value) fails inside
 * NetSuite: logged here, no exception file.
 */
import { feedById } from '../../../shared/feeds/catalog.ts';
import type { AllocatedLine, RecordContext, SuiteScript } from '../context.ts';
import { headerProblem, rowObjects, type ImportMapping } from '../csv-file.ts';
import { watchFolder } from '../folder-watcher.ts';
import {
  nextId,
  nextRev,
  nonEmpty,
  openQuantity,
  type SimLineEvent,
  type SimOrderLine,
  type SimSalesOrder,
  type SimState,
} from '../state.ts';
import { rejectedLocationId, rejectionText, rejects } from './rejections.ts';

const SCRIPT = 'sales-order-update-import';
const ALLOCATION = feedById('allocation-update-export');
const FULFILLED = feedById('oms-fulfilled-export');
const CLOSE = feedById('line-close-export');
export const HOTWAX_FULFILLED = 'hotwax-fulfilled';
const SHIP_TO = [
  'addressee',
  'address1',
  'address2',
  'city',
  'state',
  'country',
  'zip',
  'shippingMethod',
] as const;

/** The three layouts the import takes. */
export const UPDATE_MAPPINGS = {
  allocation: {
    required: ALLOCATION.columns.filter((c) => c !== 'rejected'),
    optional: ['rejected'],
  },
  fulfilled: { required: FULFILLED.columns },
  close: { required: CLOSE.columns },
} as const satisfies Record<string, ImportMapping>;

export type UpdateKind = keyof typeof UPDATE_MAPPINGS;

/** The layout of a header (exact column names, any order), or undefined. */
export function updateKind(header: readonly string[]): UpdateKind | undefined {
  return (Object.keys(UPDATE_MAPPINGS) as UpdateKind[]).find(
    (kind) => headerProblem(header, UPDATE_MAPPINGS[kind]) === undefined,
  );
}

export const salesOrderUpdateImport: SuiteScript = {
  name: SCRIPT,
  run: (ctx) =>
    watchFolder(
      ctx,
      {
        script: SCRIPT,
        folder: ALLOCATION.folder,
        errorName: 'SalesOrderUpdate',
        format: 'csv',
        mappings: Object.values(UPDATE_MAPPINGS),
      },
      (file) => {
        if (file.format !== 'csv') return;
        const kind = updateKind(file.header);
        if (kind) applyUpdateRows(ctx, file.name, kind, rowObjects(file));
      },
    ),
};

type Row = Record<string, string>;

/** A NetSuite checkbox cell: `true`/`T`, `false`/`F`, empty (unchanged); else invalid. */
function checkbox(value: string | undefined): boolean | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'T') return true;
  if (value === 'false' || value === 'F') return false;
  return 'invalid';
}

const positive = (value: string | undefined) =>
  value !== undefined && value !== '' && Number.isFinite(Number(value)) && Number(value) > 0;

class RowRefused extends Error {}
/** A row that changes nothing (a repeat): logged `skipped`. */
class RowSkipped extends Error {}

function findLine(state: SimState, row: Row): { order: SimSalesOrder; line: SimOrderLine } {
  const order = state.salesOrders[row.internalId ?? ''];
  if (!order) throw new RowRefused(`sales order ${row.internalId || '(empty)'} does not exist`);
  const line = order.lines.find((l) => l.lineId === row.lineId);
  if (!line)
    throw new RowRefused(
      `line ${row.lineId || '(empty)'} does not exist on sales order ${order.internalId}`,
    );
  return { order, line };
}

function sameItem(line: SimOrderLine, row: Row) {
  if (row.item !== line.itemId)
    throw new RowRefused(`item ${row.item || '(empty)'} is not the line's item ${line.itemId}`);
}

const record = (line: SimOrderLine, event: SimLineEvent) => (line.history ??= []).push(event);

/** Imports the rows of one file of the given layout. */
export function applyUpdateRows(
  ctx: RecordContext,
  file: string,
  kind: UpdateKind,
  rows: readonly Row[],
): void {
  for (const row of rows) {
    const key = `${row.internalId ?? ''}/${row.lineId ?? ''}`;
    try {
      const message =
        kind === 'allocation'
          ? allocate(ctx, file, row)
          : kind === 'fulfilled'
            ? fulfilledByOms(ctx, file, row)
            : close(ctx, file, row);
      ctx.log({ script: SCRIPT, kind: 'updated', file, key, message });
    } catch (err) {
      if (err instanceof RowSkipped) {
        ctx.log({ script: SCRIPT, kind: 'skipped', file, key, message: err.message });
        continue;
      }
      if (!(err instanceof RowRefused)) throw err;
      ctx.log({ script: SCRIPT, kind: 'rejected', file, key, message: err.message });
    }
  }
}

function allocate(ctx: RecordContext, file: string, row: Row): string {
  const { state } = ctx;
  const at = ctx.now().toISOString();
  const { order, line } = findLine(state, row);
  sameItem(line, row);
  const closed = checkbox(row.closed);
  const rejected = checkbox(row.rejected);
  if (closed === 'invalid') throw new RowRefused(`closed ${row.closed} is not true or false`);
  if (rejected === 'invalid') throw new RowRefused(`rejected ${row.rejected} is not true or false`);
  if (rejected === true) throw new RowRefused('rejected=true: only a NetSuite location rejects');
  if (line.closed) throw new RowRefused(`line ${line.lineId} is closed`);
  if (closed === true) {
    line.closed = true;
    record(line, { at, kind: 'closed', file });
    return `line ${line.lineId} closed`;
  }
  if (!row.location) throw new RowRefused('location is empty');
  if (row.quantity && !positive(row.quantity))
    throw new RowRefused(`invalid quantity ${row.quantity}`);

  // The quantity is what the location ships: the line keeps its sales-order quantity.
  line.allocation = {
    quantity: row.quantity ? Number(row.quantity) : openQuantity(line),
    since: line.itemFulfillments?.length ?? 0,
  };
  const cells: Row = {};
  for (const column of SHIP_TO) cells[column] = row[column] ?? '';
  line.fields = { ...line.fields, ...nonEmpty(cells) };
  const notes: string[] = [];
  if (rejected === false && line.rejected) {
    line.rejected = false;
    record(line, { at, kind: 'unflagged', file });
  } else if (line.rejected && line.rejection) {
    // Modified while still checked rejected: the saved search selects the rejection again.
    line.rejection.rev = nextRev(state);
    notes.push('still checked rejected: its rejection is exported again');
  }
  const moved = line.location !== row.location;
  line.location = row.location;
  record(line, { at, kind: 'allocated', file, location: row.location, quantity: row.quantity });
  const summary = `line ${line.lineId} allocated to location ${row.location}`;
  if (moved) {
    const allocated: AllocatedLine = {
      internalId: order.internalId,
      hcOrderId: order.hcOrderId,
      lineId: line.lineId,
      orderLineId: line.orderLineId,
      itemId: line.itemId,
      location: row.location,
      quantity: row.quantity || (line.fields.quantity ?? ''),
      attempt: 1 + (line.history ?? []).filter((e) => e.kind === 'rejected').length,
    };
    if (rejects(ctx.options.rejections, allocated)) reject(ctx, file, line, allocated);
  }
  return [summary, ...notes].join('; ');
}

function reject(ctx: RecordContext, file: string, line: SimOrderLine, allocated: AllocatedLine) {
  const { state } = ctx;
  const at = ctx.now().toISOString();
  const index = state.counters.rejection ?? 0;
  state.counters.rejection = index + 1;
  const { reason, comments } = rejectionText(index, allocated);
  const to = rejectedLocationId(ctx.options.rejections);
  line.location = to;
  line.rejected = true;
  line.rejection = { fromLocation: allocated.location, reason, comments, at, rev: nextRev(state) };
  record(line, { at, kind: 'rejected', file, location: allocated.location, reason, comments });
  ctx.log({
    script: SCRIPT,
    kind: 'line-rejected',
    file,
    key: `${allocated.internalId}/${allocated.lineId}`,
    message: `location ${allocated.location} rejected line ${allocated.lineId}: moved to ${to}`,
  });
}

function fulfilledByOms(ctx: RecordContext, file: string, row: Row): string {
  const { line } = findLine(ctx.state, row);
  sameItem(line, row);
  if (row.tags !== HOTWAX_FULFILLED)
    throw new RowRefused(`tags ${row.tags || '(empty)'} is not ${HOTWAX_FULFILLED}`);
  if (!positive(row.quantity)) throw new RowRefused(`invalid quantity ${row.quantity}`);
  if (!row.location) throw new RowRefused('location is empty');
  const quantity = row.quantity!;
  const units = Number(quantity);
  if (line.closed) throw new RowRefused(`line ${line.lineId} is closed`);
  const open = openQuantity(line);
  if (units > open)
    throw new RowRefused(
      `quantity ${quantity} is more than the ${open} left to fulfil on line ${line.lineId}`,
    );
  const at = ctx.now().toISOString();
  const internalId = nextId(ctx.state, 'itemFulfillment');
  (line.itemFulfillments ??= []).push({
    internalId,
    source: 'oms',
    quantity: units,
    location: row.location,
    at,
    receivedIn: file,
    rev: nextRev(ctx.state),
  });
  line.fulfilledByOms = { quantity, location: row.location };
  record(line, { at, kind: 'fulfilled-by-oms', file, location: row.location, quantity });
  return `line ${line.lineId}: ${quantity} fulfilled by the OMS at location ${row.location} (item fulfillment ${internalId})`;
}

function close(ctx: RecordContext, file: string, row: Row): string {
  const { line } = findLine(ctx.state, row);
  if (checkbox(row.closed) !== true)
    throw new RowRefused(`closed ${row.closed || '(empty)'} is not true`);
  if (line.closed) throw new RowSkipped(`line ${line.lineId} is already closed`);
  line.closed = true;
  record(line, { at: ctx.now().toISOString(), kind: 'closed', file });
  return `line ${line.lineId} closed`;
}

/** Lines per location (open lines only, the Rejected Orders location apart) and rejections. */
export function allocationCounts(state: SimState, rejectedLocation: string) {
  const allocatedLines: Record<string, number> = {};
  let rejectedLines = 0;
  for (const order of Object.values(state.salesOrders)) {
    for (const line of order.lines) {
      if (line.location === undefined || line.closed) continue;
      if (line.location === rejectedLocation) rejectedLines += 1;
      else allocatedLines[line.location] = (allocatedLines[line.location] ?? 0) + 1;
    }
  }
  return { allocatedLines, rejectedLines, lineRejections: state.counters.rejection ?? 0 };
}
