/**
 * NetSuite's own transactions, made by its users through the simulator's methods rather than by a
 * script: item receipts (of a purchase order line or not), inventory adjustments and inventory
 * transfers (recorded by inventory.ts, exported once by their delta searches), purchase orders
 * (exported once by scripts/purchase-order-export.ts) and credit memos (reported once by
 * scripts/credit-memo-report.ts).
 *
 * Each function checks its input as the simulator's method always did, changes the account's state
 * and returns what the account log says of it; the simulator writes that note and saves.
 */
import { accountDate, isAccountDate } from './account-time.ts';
import { onHandOf, unknownLocation, type BookSettings } from './books.ts';
import { recordTransaction, type TransactionDraft } from './inventory.ts';
import { openPoQuantity } from './scripts/purchase-order-export.ts';
import {
  copiesByInternalId,
  nextId,
  type SimCreditMemo,
  type SimPurchaseOrder,
  type SimPurchaseOrderLine,
  type SimState,
} from './state.ts';

/** An item receipt (optionally of a purchase order line). */
export interface ReceiptInput {
  readonly location: string;
  readonly itemId: string;
  readonly quantity: number;
  readonly purchaseOrderId?: string;
  /** The PO line: `<poId>-<n>` or `<n>`. */
  readonly lineId?: string;
}

export interface AdjustmentInput {
  readonly location: string;
  readonly itemId: string;
  /** Signed, whole, non-zero. */
  readonly delta: number;
  readonly memo?: string;
}

export interface TransferInput {
  readonly itemId: string;
  readonly from: string;
  readonly to: string;
  readonly quantity: number;
}

export interface PurchaseOrderInput {
  /** The PO's tranid (default `PO<internal id>`). */
  readonly externalId?: string;
  readonly lines: ReadonlyArray<{
    readonly itemId: string;
    readonly quantity: number;
    readonly location: string;
    /** `MM/DD/YYYY` */
    readonly arrivalDate: string;
  }>;
}

export interface CreditMemoInput {
  /** NetSuite sales-order internal id. */
  readonly salesOrderId: string;
  readonly amount: number;
  /** `HC_RETURN_ID` */
  readonly returnId?: string;
  /** `HC_LOOP_RETURN_ID` */
  readonly loopReturnId?: string;
}

/** What a transaction made: its internal id, and the key and message of its account log entry. */
export interface Recorded {
  readonly internalId: string;
  readonly key: string;
  readonly note: string;
}

/** The simulator's clock. */
type Clock = () => Date;

/** What on hand needs from the books' settings. */
type OnHandSettings = Pick<BookSettings, 'defaultOnHand'>;

/** Throws unless NetSuite knows the item (seedItems). */
export function requireItem(state: SimState, itemId: string): void {
  if (!state.items[itemId]) throw new Error(`item ${itemId} does not exist (seedItems)`);
}

/** Throws unless NetSuite knows the location (books.ts `unknownLocation`). */
export function requireLocation(state: SimState, location: string): void {
  const problem = unknownLocation(state, location);
  if (problem) throw new Error(problem);
}

/** An item receipt (on hand up); of the PO line when the input names one, which it receives on. */
export function recordReceipt(
  state: SimState,
  settings: OnHandSettings,
  now: Clock,
  input: ReceiptInput,
): Recorded {
  requireItem(state, input.itemId);
  requireLocation(state, input.location);
  const quantity = wholePositive('quantity', input.quantity);
  const lineId = receiveOnPoLine(state, input, quantity);
  return netsuiteTransaction(
    state,
    settings,
    now,
    {
      type: 'receipt',
      lines: [{ location: input.location, itemId: input.itemId, delta: quantity }],
      ...(lineId ? { purchaseOrderId: input.purchaseOrderId, purchaseOrderLineId: lineId } : {}),
    },
    (id) =>
      `item receipt ${id}: +${quantity} of ${input.itemId} at ${input.location}${lineId ? ` (PO line ${lineId})` : ''}`,
  );
}

/**
 * Adds `quantity` to the received quantity of the PO line the receipt names, after checking it is
 * that item at that location with that much left to receive; returns the line id, or undefined
 * when the receipt names no PO.
 */
function receiveOnPoLine(
  state: SimState,
  input: ReceiptInput,
  quantity: number,
): string | undefined {
  if (input.purchaseOrderId === undefined && input.lineId === undefined) return undefined;
  const { po, line } = purchaseOrderLine(state, input.purchaseOrderId ?? '', input.lineId ?? '');
  if (line.itemId !== input.itemId || line.location !== input.location)
    throw new Error(
      `PO line ${line.lineId} is item ${line.itemId} at ${line.location}, not ${input.itemId} at ${input.location}`,
    );
  const open = openPoQuantity(po, line);
  if (quantity > open)
    throw new Error(`PO line ${line.lineId} has ${open} left to receive, not ${quantity}`);
  line.received += quantity;
  return line.lineId;
}

/** An inventory adjustment made in NetSuite (on hand changes by the signed delta). */
export function recordAdjustment(
  state: SimState,
  settings: OnHandSettings,
  now: Clock,
  input: AdjustmentInput,
): Recorded {
  requireItem(state, input.itemId);
  requireLocation(state, input.location);
  if (!Number.isInteger(input.delta) || input.delta === 0)
    throw new Error(`delta ${input.delta} is not a whole non-zero number`);
  return netsuiteTransaction(
    state,
    settings,
    now,
    {
      type: 'adjustment',
      lines: [{ location: input.location, itemId: input.itemId, delta: input.delta }],
      memo: input.memo,
    },
    (id) => `inventory adjustment ${id}: ${input.delta} of ${input.itemId} at ${input.location}`,
  );
}

/** An inventory transfer: on hand moves (−from, +to), never more than `from` has. */
export function recordTransfer(
  state: SimState,
  settings: OnHandSettings,
  now: Clock,
  input: TransferInput,
): Recorded {
  requireItem(state, input.itemId);
  requireLocation(state, input.from);
  requireLocation(state, input.to);
  if (input.from === input.to) throw new Error(`transfer from ${input.from} to itself`);
  const quantity = wholePositive('quantity', input.quantity);
  const onHand = onHandOf(state, settings, input.from, input.itemId);
  if (quantity > onHand)
    throw new Error(`location ${input.from} has ${onHand} of ${input.itemId}, not ${quantity}`);
  return netsuiteTransaction(
    state,
    settings,
    now,
    {
      type: 'transfer',
      lines: [
        { location: input.from, itemId: input.itemId, delta: -quantity },
        { location: input.to, itemId: input.itemId, delta: quantity },
      ],
    },
    (id) =>
      `inventory transfer ${id}: ${quantity} of ${input.itemId} from ${input.from} to ${input.to}`,
  );
}

/**
 * An inventory transaction made by NetSuite's user (not the OMS), stamped now, on hand changed by
 * its lines (inventory.ts); logged under its internal id with `describe`'s text.
 */
function netsuiteTransaction(
  state: SimState,
  settings: OnHandSettings,
  now: Clock,
  draft: Omit<TransactionDraft, 'source' | 'at'>,
  describe: (internalId: string) => string,
): Recorded {
  const { internalId } = recordTransaction(state, settings, {
    ...draft,
    source: 'netsuite',
    at: now().toISOString(),
  });
  return { internalId, key: internalId, note: describe(internalId) };
}

/** A purchase order, its lines numbered `<poId>-<n>` with nothing received. */
export function recordPurchaseOrder(
  state: SimState,
  now: Clock,
  input: PurchaseOrderInput,
): Recorded {
  checkPurchaseOrder(state, input);
  const internalId = nextId(state, 'purchaseOrder');
  const po: SimPurchaseOrder = {
    internalId,
    externalId: input.externalId ?? `PO${internalId}`,
    lines: input.lines.map((line, i) => ({
      lineId: `${internalId}-${i + 1}`,
      itemId: line.itemId,
      quantity: line.quantity,
      received: 0,
      location: line.location,
      arrivalDate: line.arrivalDate,
    })),
    createdAt: now().toISOString(),
  };
  state.purchaseOrders[internalId] = po;
  return {
    internalId,
    key: internalId,
    note: `purchase order ${po.externalId} (${internalId}) created`,
  };
}

/** Throws on a purchase order without lines, or on its first line NetSuite would refuse. */
function checkPurchaseOrder(state: SimState, input: PurchaseOrderInput): void {
  if (input.lines.length === 0) throw new Error('a purchase order needs a line');
  for (const line of input.lines) {
    requireItem(state, line.itemId);
    requireLocation(state, line.location);
    wholePositive('quantity', line.quantity);
    if (!isAccountDate(line.arrivalDate))
      throw new Error(`arrivalDate ${line.arrivalDate} is not MM/DD/YYYY`);
  }
}

/** The receipt of `quantity` on the PO line (`<poId>-<n>` or `<n>`): its item and location. */
export function poLineReceipt(
  state: SimState,
  poId: string,
  lineId: string,
  quantity: number,
): ReceiptInput {
  const { line } = purchaseOrderLine(state, poId, lineId);
  return {
    location: line.location,
    itemId: line.itemId,
    quantity,
    purchaseOrderId: poId,
    lineId: line.lineId,
  };
}

/** Closes the PO and every line of it (their open quantity becomes 0); returns the log note. */
export function closePurchaseOrderIn(state: SimState, poId: string): string {
  const po = purchaseOrderOf(state, poId);
  po.closed = true;
  for (const line of po.lines) line.closed = true;
  return `purchase order ${po.externalId} (${poId}) closed`;
}

/** Flags the PO for the next open purchase order export. */
export function flagPurchaseOrderForReexport(state: SimState, poId: string): void {
  purchaseOrderOf(state, poId).reexport = true;
}

/** A copy of every purchase order, oldest first. */
export function allPurchaseOrders(state: SimState): SimPurchaseOrder[] {
  return copiesByInternalId(state.purchaseOrders);
}

/** The purchase order, or throws. */
function purchaseOrderOf(state: SimState, poId: string): SimPurchaseOrder {
  const po = state.purchaseOrders[poId];
  if (!po) throw new Error(`purchase order ${poId} does not exist`);
  return po;
}

/** The PO and its line (`<poId>-<n>` or `<n>`), or throws. */
function purchaseOrderLine(
  state: SimState,
  poId: string,
  lineId: string,
): { po: SimPurchaseOrder; line: SimPurchaseOrderLine } {
  const po = purchaseOrderOf(state, poId);
  const line = po.lines.find((l) => l.lineId === lineId || l.lineId === `${poId}-${lineId}`);
  if (!line) throw new Error(`purchase order ${poId} has no line ${lineId}`);
  return { po, line };
}

/**
 * A credit memo against a sales order, dated in account time (`accountUtcOffset`, default `Z`);
 * its Shopify order name and id come from the order, else from its customer deposit.
 */
export function recordCreditMemo(
  state: SimState,
  now: Clock,
  accountUtcOffset: string | undefined,
  input: CreditMemoInput,
): Recorded {
  const order = state.salesOrders[input.salesOrderId];
  if (!order) throw new Error(`sales order ${input.salesOrderId} does not exist`);
  if (!(Number.isFinite(input.amount) && input.amount > 0))
    throw new Error(`amount ${input.amount} is not > 0`);
  const deposit = Object.values(state.deposits).find((d) => d.salesOrderId === order.internalId);
  const internalId = nextId(state, 'creditMemo');
  const at = now();
  const memo: SimCreditMemo = {
    internalId,
    salesOrderId: order.internalId,
    shopifyOrderName: order.fields.orderId ?? deposit?.fields.shopifyOrderName ?? '',
    shopifyOrderId: order.fields.HCShopifySalesOrderId ?? deposit?.fields.shopifyOrderId ?? '',
    amount: Math.round(input.amount * 100) / 100,
    ...(input.returnId !== undefined ? { returnId: input.returnId } : {}),
    ...(input.loopReturnId !== undefined ? { loopReturnId: input.loopReturnId } : {}),
    date: accountDate(at, accountUtcOffset ?? 'Z'),
    at: at.toISOString(),
  };
  state.creditMemos[internalId] = memo;
  return {
    internalId,
    key: order.hcOrderId,
    note: `credit memo ${internalId} for sales order ${order.internalId}: ${memo.amount.toFixed(2)}`,
  };
}

/** A copy of every credit memo, oldest first. */
export function allCreditMemos(state: SimState): SimCreditMemo[] {
  return copiesByInternalId(state.creditMemos);
}

/** A whole positive number, or throws naming the field. */
function wholePositive(field: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new Error(`${field} ${value} is not a whole number > 0`);
  return value;
}
