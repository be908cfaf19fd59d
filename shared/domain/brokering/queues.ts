/**
 * Brokering queues: virtual facilities that hold order items without reserving anything.
 *
 * Items wait in a queue until a brokering run places them at a real facility. A routing's `queue`
 * order filter says which queue it takes items from (the brokering queue by default), and an
 * inventory rule's `whenUnavailable` may move the items it could not place to another queue.
 * Queue ids are upper-case names between underscores (`_CSR_REVIEW_`); the engine never allocates
 * to a facility whose id looks like one.
 */

/** Approved items waiting to be brokered: where routings take items from by default. */
export const BROKERING_QUEUE = '_BROKERING_QUEUE_';
/** Items a facility rejected, before they go back to the brokering queue. */
export const REJECTED_ITEM_QUEUE = '_REJECTED_ITEM_QUEUE_';
/** Items no rule could place; auto-cancelled after {@link UNFILLABLE_AUTO_CANCEL_DAYS} by default. */
export const UNFILLABLE_PARKING = '_UNFILLABLE_PARKING_';
/** Unfillable items held without an auto-cancel date. */
export const UNFILLABLE_HOLD = '_UNFILLABLE_HOLD_';
/** Pre-order items waiting for their purchase order. */
export const PRE_ORDER_PARKING = '_PRE_ORDER_PARKING_';
/** Backordered items waiting for stock. */
export const BACKORDER_PARKING = '_BACKORDER_PARKING_';

export const STANDARD_QUEUES = [
  BROKERING_QUEUE,
  REJECTED_ITEM_QUEUE,
  UNFILLABLE_PARKING,
  UNFILLABLE_HOLD,
  PRE_ORDER_PARKING,
  BACKORDER_PARKING,
] as const;

/** Days after which items moved to `_UNFILLABLE_PARKING_` are cancelled, unless a rule says otherwise. */
export const UNFILLABLE_AUTO_CANCEL_DAYS = 7;

/** A queue id: `_` upper-case words and digits joined by `_` `_`. */
export const QUEUE_ID = /^_[A-Z0-9]+(?:_[A-Z0-9]+)*_$/;

/** True for the standard queues and any custom queue named like them (`_CSR_REVIEW_`). */
export const isQueueId = (id: string): boolean => QUEUE_ID.test(id);

/** Auto-cancel days a move to `queue` implies when the rule sets none. */
export const defaultAutoCancelDays = (queue: string): number | undefined =>
  queue === UNFILLABLE_PARKING ? UNFILLABLE_AUTO_CANCEL_DAYS : undefined;
