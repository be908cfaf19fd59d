/**
 * The sales order update import (HotWax `HC_SC_UpdateSalesOrders`, `salesorder/update`): one
 * folder, three record layouts, each header matched exactly and case-sensitively, in any column
 * order (any other header: `failed/` and an error file). Columns are matched by name; a non-empty
 * cell overwrites the field, an empty cell leaves it (`docs/netsuite-contract.md`, plan rule 3):
 *
 * - `quantity` **overwrites the line quantity** (refused when below what is already fulfilled);
 * - `location` sets the line's location: the line commits there (books.ts);
 * - `closed=true` closes the line (never fulfilled nor invoiced afterwards);
 * - `rejected` sets or clears the rejection checkbox (only a location sets it: `rejected=true` from
 *   the OMS is refused);
 * - `tags` sets the line's tag.
 *
 * Layouts: allocation updates (`lineId,internalId,item,closed,quantity,location,addressee,…,
 * shippingMethod`, optional `rejected`), OMS-fulfilled items (`lineId,internalId,item,quantity,
 * location,tags`) and line closes (`internalId,lineId,closed`). An OMS-fulfilled row only sets
 * quantity, location and tag: the item fulfillment is made later by its own script
 * (`oms-item-fulfillment.ts`, `HC_SC_CreateItemFulfillment`), if the line qualifies then.
 *
 * When an allocation moves a line to another location, that location may reject it (see
 * `rejections.ts`): it moves to the Rejected Orders location and the rejected-items export sends
 * it back. A line still checked rejected when the OMS re-sends it without `rejected`=`false` is
 * modified while checked, so its rejection is exported again.
 *
 * A file of more than 25,000 records fails as a whole (folder-watcher.ts). A row NetSuite refuses
 * (unknown order or line, another item, closed line, unknown location, bad value) is listed in the
 * error file (`<file>,line <n>: <message>`); the rest of the file is applied.
 */
import { unknownLocation } from '../books.ts';
import { CONTRACT, HOTWAX_FULFILLED } from '../contract.ts';
import type { AllocatedLine, RecordContext, SuiteScript } from '../context.ts';
import { headerProblem, rowObjects, type ImportMapping } from '../csv-file.ts';
import { watchFolder, type RowRefusal } from '../folder-watcher.ts';
import {
  fulfilledQuantity,
  nextRev,
  nonEmpty,
  type SimLineEvent,
  type SimOrderLine,
  type SimSalesOrder,
  type SimState,
} from '../state.ts';
import { rejectedLocationId, rejectionText, rejects } from './rejections.ts';

const SCRIPT = 'sales-order-update-import';
export { HOTWAX_FULFILLED };
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
    required: CONTRACT.allocationUpdate.required,
    optional: CONTRACT.allocationUpdate.optional,
  },
  fulfilled: { required: CONTRACT.omsFulfilledUpdate.required },
  close: { required: CONTRACT.lineCloseUpdate.required },
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
        folder: CONTRACT.allocationUpdate.folder,
        errorName: 'SalesOrderUpdate',
        format: 'csv',
        mappings: Object.values(UPDATE_MAPPINGS),
      },
      (file) => {
        if (file.format !== 'csv') return [];
        const kind = updateKind(file.header);
        return kind ? applyUpdateRows(ctx, file.name, kind, rowObjects(file)) : [];
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

const wholePositive = (value: string) => /^\d+$/.test(value.trim()) && Number(value) > 0;

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

/** Imports the rows of one file of the given layout; returns the rows refused. */
export function applyUpdateRows(
  ctx: RecordContext,
  file: string,
  kind: UpdateKind,
  rows: readonly Row[],
): RowRefusal[] {
  const refusals: RowRefusal[] = [];
  for (const [index, row] of rows.entries()) {
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
      refusals.push({ index, message: err.message });
    }
  }
  return refusals;
}

/** `quantity`: a non-empty cell overwrites the line quantity, never below what is fulfilled. */
function overwriteQuantity(ctx: RecordContext, file: string, line: SimOrderLine, row: Row) {
  if (!row.quantity) return undefined;
  if (!wholePositive(row.quantity)) throw new RowRefused(`invalid quantity ${row.quantity}`);
  const quantity = Number(row.quantity);
  const fulfilled = fulfilledQuantity(line);
  if (quantity < fulfilled)
    throw new RowRefused(
      `quantity ${quantity} is below the ${fulfilled} already fulfilled on line ${line.lineId}`,
    );
  return () => {
    if (line.fields.quantity === String(quantity)) return;
    const from = line.fields.quantity ?? '';
    line.fields = { ...line.fields, quantity: String(quantity) };
    record(line, {
      at: ctx.now().toISOString(),
      kind: 'quantity',
      file,
      quantity: `${from}→${quantity}`,
    });
  };
}

/** `location`: a non-empty cell must be a location NetSuite knows. */
function checkLocation(state: SimState, row: Row): void {
  const problem = row.location ? unknownLocation(state, row.location) : undefined;
  if (problem) throw new RowRefused(problem);
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
  checkLocation(state, row);
  const setQuantity = overwriteQuantity(ctx, file, line, row);
  if (closed === true) {
    setQuantity?.();
    line.closed = true;
    record(line, { at, kind: 'closed', file });
    return `line ${line.lineId} closed`;
  }
  setQuantity?.();
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
  const location = row.location || line.location;
  const moved = row.location !== '' && row.location !== undefined && line.location !== row.location;
  if (row.location) line.location = row.location;
  record(line, { at, kind: 'allocated', file, location, quantity: row.quantity });
  const summary = location
    ? `line ${line.lineId} allocated to location ${location}`
    : `line ${line.lineId} updated (no location)`;
  if (moved) {
    const allocated: AllocatedLine = {
      internalId: order.internalId,
      hcOrderId: order.hcOrderId,
      lineId: line.lineId,
      orderLineId: line.orderLineId,
      itemId: line.itemId,
      location: row.location!,
      quantity: line.fields.quantity ?? '',
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

/**
 * An OMS-fulfilled row: sets quantity, location and tag like any update (no item fulfillment here:
 * the item fulfillment script makes it later, if the line qualifies then).
 */
function fulfilledByOms(ctx: RecordContext, file: string, row: Row): string {
  const { state } = ctx;
  const { line } = findLine(state, row);
  sameItem(line, row);
  if (line.closed) throw new RowRefused(`line ${line.lineId} is closed`);
  checkLocation(state, row);
  const setQuantity = overwriteQuantity(ctx, file, line, row);
  setQuantity?.();
  const at = ctx.now().toISOString();
  if (row.location) line.location = row.location;
  if (row.tags) line.tags = row.tags;
  line.fulfilledByOms = {
    quantity: line.fields.quantity ?? '',
    location: line.location ?? '',
  };
  line.omsRow = { at, file, seq: nextRev(state) };
  record(line, {
    at,
    kind: 'fulfilled-by-oms',
    file,
    location: line.location,
    quantity: line.fields.quantity,
  });
  const bits = [`quantity ${line.fields.quantity ?? ''}`, `location ${line.location ?? '(none)'}`];
  if (line.tags) bits.push(`tags ${line.tags}`);
  if (row.tags && row.tags !== HOTWAX_FULFILLED)
    bits.push(`not ${HOTWAX_FULFILLED}: never fulfilled by the script`);
  return `line ${line.lineId}: ${bits.join(', ')}`;
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
