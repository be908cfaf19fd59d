/**
 * The item fulfillment of OMS-fulfilled lines (HotWax `HC_SC_CreateItemFulfillment`; plan rule 4,
 * `docs/netsuite-contract.md`): its own scheduled script, every cycle. Its search takes the lines the OMS
 * tagged `hotwax-fulfilled`, oldest tagged first, and fulfils at most `itemFulfillmentBatch`
 * (default 150) a run; the rest wait for the next run. A line qualifies only when it
 *
 * - has a location,
 * - is not closed,
 * - has nothing fulfilled yet (`quantityshiprecv = 0`), and
 * - has committed quantity > 0 at its location (books.ts).
 *
 * The item fulfillment is for the line's committed quantity at the line's location (what is
 * backordered is never fulfilled: the line then has a fulfillment and never qualifies again). So a
 * second partial row for a line that already has a fulfillment is never fulfilled, and a line
 * closed before the script ran is never fulfilled. A tagged line that does not qualify is recorded
 * with the reason (`state.notFulfilled`, the simulator's `notFulfilled()`), once per reason; a line
 * fulfilled by this script and not tagged again since is done and not looked at.
 *
 * The item fulfillment lowers on hand at the location (books.ts), like NetSuite's own.
 */
import { bookSettings, changeOnHand, commitments, creationOrder } from '../books.ts';
import type { RecordContext, SuiteScript } from '../context.ts';
import {
  fulfilledQuantity,
  isTaggedFulfilled,
  nextId,
  nextRev,
  type SimItemFulfillment,
  type SimNotFulfilled,
  type SimOrderLine,
  type SimSalesOrder,
} from '../state.ts';

const SCRIPT = 'oms-item-fulfillment';
export const DEFAULT_ITEM_FULFILLMENT_BATCH = 150;

type Verdict =
  | { readonly ok: true; readonly quantity: number }
  | { readonly ok: false; readonly code: SimNotFulfilled['code']; readonly reason: string };

/** Whether the script fulfils the tagged line, for how much (module comment). */
export function qualification(line: SimOrderLine, committed: number, backordered: number): Verdict {
  if (!line.location) return { ok: false, code: 'no-location', reason: 'the line has no location' };
  if (line.closed) return { ok: false, code: 'closed', reason: 'the line is closed' };
  const fulfilled = fulfilledQuantity(line);
  if (fulfilled > 0)
    return {
      ok: false,
      code: 'already-fulfilled',
      reason: `the line already has ${fulfilled} fulfilled (quantityshiprecv > 0)`,
    };
  if (committed <= 0)
    return {
      ok: false,
      code: 'not-committed',
      reason: `nothing committed at location ${line.location} (${backordered} backordered)`,
    };
  return { ok: true, quantity: committed };
}

/** The line was fulfilled by this script and not tagged again since: nothing to look at. */
const done = (line: SimOrderLine) => {
  const last = (line.itemFulfillments ?? []).filter((f) => f.source === 'oms').at(-1);
  return last !== undefined && (line.omsRow === undefined || last.rev > line.omsRow.seq);
};

/** One run (module comment); returns the item fulfillments made. */
export function fulfilOmsLines(ctx: RecordContext): SimItemFulfillment[] {
  const { state } = ctx;
  const settings = bookSettings(ctx.options);
  const batch = ctx.options.inventory?.itemFulfillmentBatch ?? DEFAULT_ITEM_FULFILLMENT_BATCH;
  const { byLine } = commitments(state, settings);
  const at = ctx.now().toISOString();
  const tagged: Array<{ order: SimSalesOrder; line: SimOrderLine }> = [];
  for (const order of Object.values(state.salesOrders))
    for (const line of order.lines)
      if (isTaggedFulfilled(line) && !done(line)) tagged.push({ order, line });
  tagged.sort(
    (a, b) =>
      (a.line.omsRow?.seq ?? Number.MAX_SAFE_INTEGER) -
        (b.line.omsRow?.seq ?? Number.MAX_SAFE_INTEGER) || creationOrder(a, b),
  );
  const made: SimItemFulfillment[] = [];
  for (const { order, line } of tagged) {
    const key = `${order.internalId}/${line.lineId}`;
    const committed = byLine.get(line) ?? 0;
    const open = Math.max(0, Number(line.fields.quantity) - fulfilledQuantity(line));
    const verdict = qualification(line, committed, Math.max(0, open - committed));
    if (!verdict.ok) {
      if (state.notFulfilled[key]?.reason === verdict.reason) continue;
      state.notFulfilled[key] = {
        salesOrderId: order.internalId,
        hcOrderId: order.hcOrderId,
        orderLineId: line.orderLineId,
        lineId: line.lineId,
        code: verdict.code,
        reason: verdict.reason,
        at,
      };
      ctx.log({
        script: SCRIPT,
        kind: 'not-fulfilled',
        key,
        message: `line ${line.lineId} not fulfilled: ${verdict.reason}`,
      });
      continue;
    }
    if (made.length >= batch) continue; // the next run takes it
    const internalId = nextId(state, 'itemFulfillment');
    const fulfillment: SimItemFulfillment = {
      internalId,
      source: 'oms',
      quantity: verdict.quantity,
      location: line.location!,
      at,
      receivedIn: line.omsRow?.file,
      rev: nextRev(state),
    };
    (line.itemFulfillments ??= []).push(fulfillment);
    changeOnHand(state, settings, line.location!, line.itemId, -verdict.quantity);
    delete state.notFulfilled[key];
    (line.history ??= []).push({
      at,
      kind: 'fulfilled',
      location: line.location,
      quantity: String(verdict.quantity),
    });
    made.push(fulfillment);
    ctx.log({
      script: SCRIPT,
      kind: 'fulfilled',
      key,
      message: `line ${line.lineId}: ${verdict.quantity} of ${line.fields.quantity ?? ''} fulfilled for the OMS at location ${line.location} (item fulfillment ${internalId})`,
    });
  }
  return made;
}

export const omsItemFulfillmentScript: SuiteScript = {
  name: SCRIPT,
  run: async (ctx) => {
    fulfilOmsLines(ctx);
  },
};
