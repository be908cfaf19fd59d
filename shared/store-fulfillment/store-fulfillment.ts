/**
 * The store side of fulfilment: what a store must fulfil (its queue), and a store handing an item
 * back — a rejection, or an item not found at picking. Picking and shipping are in
 * `shared/store-fulfillment/store-shipping.ts`.
 *
 * **Queue.** Brokering writes a queue item `FACQ#<store>` with every store allocation. The listing
 * reads those items and the lines they name (in bulk) and shows each with the line's quantity at
 * that store now, stage by stage (`store-shipping-stages.ts`): allocated (1200) and scheduled
 * (1500) — not released yet —, released (3200, per release key: to pick) and being picked (3350,
 * per shipment key: to ship). An item whose line has nothing left there (shipped, rejected,
 * cancelled) is left out; the item itself goes when the last unit leaves the store.
 *
 * **Hand back.** The store hands back `quantity` units (default: all it can) with a reason code.
 * A rejection takes released (3200), scheduled (1500, via 1200) and allocated (1200) units; "not
 * found" takes units being picked (3350: the shipment quantity stays 0) and then released ones.
 * One atomic write through the order core (`backorderFromNode`) moves them to 1400 at the store —
 * reservations released, releases closed, the store recorded in `rejectedBy` (the next brokering
 * run excludes it) — and in the same transaction: the store queue item goes (when nothing of the
 * line is left at the store), the order goes back to the brokering queue, and — for an inventory
 * reason — the `invadj` outbox entry for NetSuite's inventory adjustment is written. After the
 * move the order's daily count at the store is given back (when no line of the order is left
 * there; on the day brokering counted it, as the queue item records). Re-brokering and re-release
 * then create a new release key and, at picking, a new shipment key; the old ones stay with
 * quantity 0.
 *
 * Reasons and their inventory effect (`shared/domain/sync/inventory-adjustment-rows.ts`). The OMS
 * never changes NetSuite's figure (`nsQty`, its copy of what NetSuite reports) for an adjustment:
 * - `VAR_STOLEN`, `VAR_DAMAGED` (or `VAR_DAMANGED`): the units are not there (or not sellable):
 *   −quantity in NetSuite, and until NetSuite's figure reflects that, an **adjustment hold**
 *   (`RES#<store>#ADJ#<adjustmentId>`, qty = the units) counted in the store's reserved quantity.
 *   The released reservation and the hold cancel out: the store's ATP does not change. The hold
 *   ends when NetSuite's adjustment delta returns the adjustment (with
 *   `OMS_ADJUSTMENT_DELTAS_INCLUDE_OMS=true`: the delta lowers the figure and ends the hold in one
 *   transaction) or else at the first snapshot that reflects it (the settle step).
 * - `VAR_FOUND`: the store reports a found variance — it holds `quantity` more units than recorded
 *   (e.g. counted while handling the item) and still hands the item back: +quantity in NetSuite;
 *   the OMS counts nothing more until NetSuite's figure carries them (the next delta or snapshot).
 *   The store's ATP rises by the released reservation.
 * - any other code (e.g. `NOT_IN_STOCK`, `WORN_DISPLAY`, `OTHER`): re-brokered only.
 *
 * Order of writes: the hold is placed first (with its idempotency record, `DELTA#store-rejection#
 * <adjustmentId>`, one transaction), then the move. In between, the units count twice (the line's
 * reservation and the hold): the OMS promises less for milliseconds, never more. A move refused
 * (nothing moved) takes the hold back.
 *
 * Idempotency: the move carries the caller's key, so a replay (same key, same request) changes
 * nothing and returns the first result. The adjustment id — outbox id and hold id — derives from
 * the key, so a replay never writes an adjustment or a hold twice (nor holds one that has ended
 * since). The daily count is given back by the call that made the move only.
 *
 * Over 400 lines: the queue listing and the hand-back share the store's view of a line; store
 * fulfillment is split between brokering/ and fulfillment/ until part 3 of issue 17.
 *
 * Over 400 lines: the queue listing and the hand-back share the stage arithmetic of a line at a
 * store; the seam if it grows is the queue listing.
 */
import { BROKERING_QUEUE } from '../domain/brokering/index.ts';
import { checkEnvelope } from '../domain/lifecycle/commands.ts';
import { CommandError, checkCommandFields } from '../domain/lifecycle/errors.ts';
import { fieldsSchema } from '../domain/input/fields.ts';
import {
  adjustmentDelta,
  adjustmentIdFor,
  normalizeRejectionReason,
  type InventoryAdjustmentPayload,
} from '../domain/sync/inventory-adjustment-rows.ts';
import {
  handBackAvailable,
  openAtStore,
  stagesAt,
  type HandBackStage,
  type PickingAtStore,
  type ReleasedAtStore,
} from './store-shipping-stages.ts';
import {
  LinkedConditionFailed,
  type OrderService,
  type StepsResult,
} from '../orders/order-service.ts';
import type { BrokeringStore } from '../store/brokering-store.ts';
import type { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import type { LinkedWrite } from '../store/transactions.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

/**
 * The feed id of store rejections' idempotency records (`DELTA#store-rejection#<adjustmentId>`:
 * once the hold, earlier the delta on the figure).
 */
export const STORE_REJECTION_FEED = 'store-rejection';

export interface StoreFulfillmentDeps {
  readonly orders: Pick<OrderStore, 'linesWithHeaders' | 'readOrderForCommand'>;
  readonly service: Pick<OrderService, 'backorderFromNode'>;
  readonly brokering: Pick<
    BrokeringStore,
    'storeQueue' | 'linkedStoreQueueDelete' | 'linkedQueuePut' | 'addDailyCount' | 'dailyCounts'
  >;
  readonly sync: Pick<SyncStore, 'linkedOutboxPut'>;
  readonly deltas: Pick<InventoryDeltaStore, 'placeHold' | 'undoHold'>;
  readonly now?: () => Date;
}

export interface StoreQueueEntry {
  readonly facilityId: string;
  readonly orderId: string;
  readonly orderName?: string;
  readonly orderDate?: string;
  readonly lineSeq: string;
  readonly sku: string;
  /** Units of the line the store still has to handle (the four stages below). */
  readonly quantity: number;
  /** Allocated (1200) at the store, not scheduled or released yet. */
  readonly allocated: number;
  /** Scheduled (1500) at the store, not released yet. */
  readonly scheduled: number;
  /** Released (3200) per release key, not yet picked: to pick. */
  readonly released: readonly ReleasedAtStore[];
  /** Being picked (3350) per shipment key: to ship or report not found. */
  readonly picking: readonly PickingAtStore[];
  readonly shippingMethod?: string;
  /** The ship date scheduling fixed at the store (`YYYY-MM-DD`), once scheduled. */
  readonly shipDate?: string;
  readonly allocatedAt: string;
}

export interface StoreRejectionInput {
  readonly facilityId: unknown;
  readonly orderId: unknown;
  readonly lineSeq: unknown;
  /** Units handed back; default all the hand-back can take at the store. */
  readonly quantity?: unknown;
  /** Reason code, e.g. `VAR_DAMAGED`, `NOT_IN_STOCK` (not found: default `NOT_FOUND`). */
  readonly reason?: unknown;
  readonly comments?: unknown;
  readonly actor?: unknown;
  readonly idempotencyKey?: unknown;
}

export interface StoreRejectionResult {
  readonly facilityId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly sku: string;
  readonly quantity: number;
  /** Canonical reason code (`VAR_DAMANGED` becomes `VAR_DAMAGED`). */
  readonly reason: string;
  /** `rejected`: a store rejection; `not-found`: not found at picking. */
  readonly kind: HandBackKind;
  /** The order core's result: every move to 1400 (and 1500 → 1200), buckets after. */
  readonly move: StepsResult;
  /** The inventory adjustment, for inventory reasons. */
  readonly adjustment?: {
    readonly adjustmentId: string;
    readonly delta: number;
    /**
     * `held`: the units are held until NetSuite's figure reflects the adjustment (stolen,
     * damaged); `duplicate`: held before (a replay); `unchanged`: a found variance, counted once
     * NetSuite's figure has it.
     */
    readonly inventory: 'held' | 'duplicate' | 'unchanged';
  };
  /** True when the order's daily count at the store was given back by this call. */
  readonly dailyCountReturned: boolean;
  /** True when the key had been applied before and nothing changed now. */
  readonly replayed: boolean;
}

const FACILITY = fieldsSchema(['facilityId']);
const REF = fieldsSchema(['facilityId', 'orderId', 'lineSeq']);
const MAX_COMMENTS = 500;

const invalid = (field: string, message: string): never => {
  throw new CommandError('INVALID_COMMAND', message, { field });
};

/** A store hands units back: rejected, or not found at picking. */
export type HandBackKind = 'rejected' | 'not-found';

/** Where each kind takes units from, in order (furthest along first). */
export const HAND_BACK_FROM: Readonly<Record<HandBackKind, readonly HandBackStage[]>> = {
  rejected: [STATUS.RELEASED, STATUS.SCHEDULED, STATUS.ALLOCATED],
  'not-found': [STATUS.INCLUDED_IN_SHIPMENT, STATUS.RELEASED],
};

/** The reason code of a "not found" without one. */
export const NOT_FOUND_REASON = 'NOT_FOUND';

/** The move's reason text: also what tells a replay of this hand-back from another use of its key. */
const moveReason = (
  kind: HandBackKind,
  facilityId: string,
  reason: string,
  comments: string | undefined,
) =>
  `store ${facilityId} ${kind === 'rejected' ? 'rejected' : 'did not find the item'}: ${reason}${
    comments ? ` (${comments})` : ''
  }`;

/** Units a hand-back event moved to 1400. */
const handedBack = (steps: readonly { to: number; quantity: number }[] | undefined): number =>
  (steps ?? [])
    .filter((s) => s.to === STATUS.BACKORDERED_FROM_NODE)
    .reduce((n, s) => n + s.quantity, 0);

export class StoreFulfillment {
  constructor(private readonly deps: StoreFulfillmentDeps) {}

  /** Items allocated to a store, oldest allocation first (stale queue items left out). */
  async storeQueue(facilityId: string): Promise<StoreQueueEntry[]> {
    checkCommandFields(FACILITY, { facilityId });
    const items = await this.deps.brokering.storeQueue(facilityId);
    if (!items.length) return [];
    const { lines, headers } = await this.deps.orders.linesWithHeaders(items);
    const out: StoreQueueEntry[] = [];
    for (const item of items) {
      const line = lines.get(`${item.orderId}|${item.lineSeq}`);
      if (!line) continue;
      const stages = stagesAt(line, facilityId);
      if (stages.total <= 0) continue;
      const header = headers.get(item.orderId);
      out.push({
        facilityId,
        orderId: item.orderId,
        orderName: header?.name,
        orderDate: header?.date,
        lineSeq: item.lineSeq,
        sku: line.sku,
        quantity: stages.total,
        allocated: stages.allocated,
        scheduled: stages.scheduled,
        released: stages.released,
        picking: stages.picking,
        shippingMethod: line.schedules?.[facilityId]?.shippingMethod ?? line.shippingMethod,
        shipDate: line.schedules?.[facilityId]?.shipDate,
        allocatedAt: item.allocatedAt,
      });
    }
    return out.sort((a, b) =>
      a.allocatedAt === b.allocatedAt
        ? `${a.orderId}#${a.lineSeq}`.localeCompare(`${b.orderId}#${b.lineSeq}`)
        : a.allocatedAt < b.allocatedAt
          ? -1
          : 1,
    );
  }

  /** A store rejects units of an item: allocated, scheduled or released there (module comment). */
  rejectStoreItem(input: StoreRejectionInput): Promise<StoreRejectionResult> {
    return this.handBack(input, 'rejected');
  }

  /**
   * A store cannot find units it is picking (3350), or released ones (3200): they go to 1400 at
   * the store like a rejection (reason default `NOT_FOUND`; a `VAR_*` reason also adjusts
   * inventory); the shipment keeps quantity 0 and the release closes.
   */
  reportNotFound(input: StoreRejectionInput): Promise<StoreRejectionResult> {
    return this.handBack({ ...input, reason: input.reason ?? NOT_FOUND_REASON }, 'not-found');
  }

  private async handBack(
    input: StoreRejectionInput,
    kind: HandBackKind,
  ): Promise<StoreRejectionResult> {
    const env = checkEnvelope({ idempotencyKey: input.idempotencyKey, actor: input.actor });
    const { facilityId, orderId, lineSeq, reason, comments } = checkInput(input);
    const from = HAND_BACK_FROM[kind];
    const { header, lines, event } = await this.deps.orders.readOrderForCommand(
      orderId,
      env.idempotencyKey,
    );
    if (!header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
    const line = lines.find((l) => l.lineSeq === lineSeq);
    if (!line) {
      throw new CommandError(
        'UNKNOWN_LINE',
        `order ${orderId} has no line ${lineSeq} (it has ${header.lineCount} line${header.lineCount === 1 ? '' : 's'})`,
      );
    }
    const why = moveReason(kind, facilityId, reason, comments);
    const available = handBackAvailable(line, facilityId, from);
    const what = kind === 'rejected' ? 'allocated, scheduled or released' : 'picked or released';
    let quantity: number;
    if (event) {
      // A replay: the first call's quantity (the units have left since).
      const moved = handedBack(event.steps);
      const same =
        event.type === 'backordered' &&
        event.lineSeq === lineSeq &&
        (event.steps ?? []).every((st) => st.facilityId === facilityId) &&
        event.reason === why &&
        (input.quantity === undefined || input.quantity === moved);
      if (!same) {
        throw new CommandError(
          'IDEMPOTENCY_KEY_REUSED',
          `idempotency key ${env.idempotencyKey} was used for another command (${event.type} at ${event.at}); use a new key`,
        );
      }
      quantity = moved;
    } else {
      if (available <= 0) {
        throw new CommandError(
          'INSUFFICIENT_QUANTITY',
          `nothing of ${orderId}/${lineSeq} is ${what} at ${facilityId}`,
          { facilityId, available: 0 },
        );
      }
      quantity = checkQuantity(input.quantity, available);
      if (quantity > available) {
        throw new CommandError(
          'INSUFFICIENT_QUANTITY',
          `${orderId}/${lineSeq} has ${available} ${what} at ${facilityId}; cannot hand back ${quantity}`,
          { facilityId, available, quantity },
        );
      }
    }

    const now = this.deps.now?.() ?? new Date();
    const at = now.toISOString();
    const delta = adjustmentDelta(reason, quantity);
    const adjustment: InventoryAdjustmentPayload | undefined = delta
      ? {
          adjustmentId: adjustmentIdFor(orderId, lineSeq, env.idempotencyKey),
          sku: line.sku,
          facilityId,
          delta,
          reason,
          comments,
          at,
          orderId,
          lineSeq,
        }
      : undefined;
    // The queue item goes when nothing of the line is left at the store; the order's daily count
    // is given back when nothing of the order is.
    const wholeAllocation = !event && quantity >= openAtStore(line, facilityId);
    const orderLeaves =
      wholeAllocation &&
      lines.every((l) => l.lineSeq === lineSeq || openAtStore(l, facilityId) === 0);
    const countedOn =
      !event && orderLeaves ? await this.allocationDay(facilityId, orderId, lineSeq) : undefined;

    const { brokering, sync } = this.deps;
    const linked: LinkedWrite[] = [];
    if (wholeAllocation)
      linked.push(brokering.linkedStoreQueueDelete(facilityId, orderId, lineSeq));
    linked.push(
      brokering.linkedQueuePut({
        queue: BROKERING_QUEUE,
        orderId,
        orderDate: header.date,
        enqueuedAt: at,
        reason: `store ${facilityId} ${kind === 'rejected' ? 'rejected' : 'did not find'} line ${lineSeq}: ${reason}`,
      }),
    );
    if (adjustment) {
      const id = adjustment.adjustmentId;
      linked.push(sync.linkedOutboxPut('inventory-adjustment', 'invadj', id, adjustment, at));
    }

    // Units stolen or damaged are held before the move (counted twice for a moment, never zero).
    const hold =
      adjustment && delta < 0
        ? { sku: line.sku, facilityId, adjustmentId: adjustment.adjustmentId, qty: -delta, at }
        : undefined;
    const held = hold
      ? await this.deps.deltas.placeHold(
          hold,
          {
            feedId: STORE_REJECTION_FEED,
            file: `store-rejection/${facilityId}/${orderId}`,
            line: Number(lineSeq),
            at,
          },
          now.getTime(),
        )
      : undefined;

    let move: StepsResult;
    try {
      move = await this.deps.service.backorderFromNode({
        orderId,
        lineSeq,
        facilityId,
        quantity,
        from,
        idempotencyKey: env.idempotencyKey,
        actor: env.actor,
        reason: why,
        linked,
      });
    } catch (err) {
      // Refused: nothing moved (unless another call with this key moved meanwhile).
      if (
        hold &&
        held === 'held' &&
        (err instanceof CommandError || err instanceof LinkedConditionFailed) &&
        !(await this.deps.orders.readOrderForCommand(orderId, env.idempotencyKey)).event
      ) {
        await this.deps.deltas.undoHold(hold, STORE_REJECTION_FEED);
      }
      throw err;
    }

    let dailyCountReturned = false;
    if (!move.replayed && countedOn) {
      const counts = await brokering.dailyCounts(countedOn);
      if ((counts.get(facilityId) ?? 0) > 0) {
        await brokering.addDailyCount(countedOn, facilityId, -1);
        dailyCountReturned = true;
      }
    }
    const applied: StoreRejectionResult['adjustment'] = adjustment && {
      adjustmentId: adjustment.adjustmentId,
      delta,
      inventory: held ?? 'unchanged',
    };
    return {
      facilityId,
      orderId,
      lineSeq,
      sku: line.sku,
      quantity,
      reason,
      kind,
      move,
      adjustment: applied,
      dailyCountReturned,
      replayed: move.replayed,
    };
  }

  /** The day brokering counted the allocation (its store queue item), if it has one. */
  private async allocationDay(
    facilityId: string,
    orderId: string,
    lineSeq: string,
  ): Promise<string | undefined> {
    const items = await this.deps.brokering.storeQueue(facilityId);
    const item = items.find((i) => i.orderId === orderId && i.lineSeq === lineSeq);
    return item?.allocatedAt ? item.allocatedAt.slice(0, 10) : undefined;
  }
}

function checkInput(input: StoreRejectionInput): {
  facilityId: string;
  orderId: string;
  lineSeq: string;
  reason: string;
  comments?: string;
} {
  const { facilityId, orderId, lineSeq, comments } = input;
  checkCommandFields(REF, { facilityId, orderId, lineSeq });
  const reason = normalizeRejectionReason(input.reason);
  if (!reason)
    invalid(
      'reason',
      `reason must be a reason code (letters, digits and _, starting with a letter, e.g. VAR_DAMAGED or NOT_IN_STOCK), got ${JSON.stringify(input.reason)}`,
    );
  if (comments !== undefined && comments !== null && typeof comments !== 'string')
    invalid('comments', 'comments must be text');
  const text = typeof comments === 'string' ? comments.replace(/\s+/g, ' ').trim() : '';
  if (text.length > MAX_COMMENTS)
    invalid('comments', `comments must be at most ${MAX_COMMENTS} characters`);
  return {
    facilityId: facilityId as string,
    orderId: orderId as string,
    lineSeq: lineSeq as string,
    reason: reason!,
    comments: text || undefined,
  };
}

function checkQuantity(quantity: unknown, allocated: number): number {
  if (quantity === undefined || quantity === null) return allocated;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= 0)
    invalid('quantity', `quantity must be a whole number above 0, got ${JSON.stringify(quantity)}`);
  return quantity as number;
}
