/**
 * Inventory adjustments for NetSuite (`inventoryadjustment/csv`), pushed when a store rejects an
 * item with an inventory reason: `VAR_STOLEN` and `VAR_DAMAGED` (HotWax also spells it
 * `VAR_DAMANGED`; both are taken) take the rejected units off the store's figure, `VAR_FOUND` adds
 * them (the store counted more than recorded). Any other reason only re-brokers the item.
 *
 * One row per rejection, every header present. `Reference No` is the adjustment id (NetSuite's
 * external id of the adjustment: unique per adjustment, so two rejections of one line are two
 * adjustments), `Adjustment Account` the account's internal id, `Adjust Qty By` the signed delta,
 * `Date` the rejection's day **in the NetSuite account's time** (`OMS_NETSUITE_UTC_OFFSET`) as
 * `MM/dd/yyyy`, `Item` the NetSuite item id, `Location` and `Adjustment Location` the facility's
 * NetSuite location id, `Subsidiary` the facility's subsidiary (empty when the facilities file
 * gives none: NetSuite requires it in OneWorld accounts only). A row whose item id or facility is
 * unknown is held back (with reasons), never written half empty.
 */
import { hash64 } from '../hash64.ts';
import type { Facility } from '../facility.ts';
import { parseUtcOffset } from '../fulfillment/netsuite-date.ts';

/** Rejection reasons that change inventory, with the sign of their adjustment. */
export const ADJUSTMENT_SIGNS = { VAR_STOLEN: -1, VAR_DAMAGED: -1, VAR_FOUND: 1 } as const;
export type AdjustmentReason = keyof typeof ADJUSTMENT_SIGNS;

/** Spellings taken for a reason code (a HotWax page writes `VAR_DAMANGED`). */
const ALIASES: Readonly<Record<string, string>> = { VAR_DAMANGED: 'VAR_DAMAGED' };

/** A reason code: letters, digits and `_`, starting with a letter, at most 40 characters. */
const REASON = /^[A-Z][A-Z0-9_]{0,39}$/;

/** The reason code in canonical form (upper case, aliases resolved), or undefined if it is none. */
export function normalizeRejectionReason(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const code = text.trim().toUpperCase();
  if (!REASON.test(code)) return undefined;
  return ALIASES[code] ?? code;
}

export const isAdjustmentReason = (reason: string): reason is AdjustmentReason =>
  Object.hasOwn(ADJUSTMENT_SIGNS, reason);

/**
 * The change to the store's figure for rejecting `quantity` units with `reason` (canonical): −q for
 * stolen or damaged units (they are not there), +q for found ones, 0 for any other reason.
 */
export const adjustmentDelta = (reason: string, quantity: number): number =>
  isAdjustmentReason(reason) ? ADJUSTMENT_SIGNS[reason] * quantity : 0;

/** What the export needs, kept in the `invadj` outbox from the rejection on. */
export interface InventoryAdjustmentPayload {
  readonly adjustmentId: string;
  readonly sku: string;
  /** OMS facility id (the store). */
  readonly facilityId: string;
  /** Signed, whole, non-zero. */
  readonly delta: number;
  /** Canonical reason code. */
  readonly reason: string;
  readonly comments?: string;
  /** ISO time of the rejection. */
  readonly at: string;
  readonly orderId: string;
  readonly lineSeq: string;
}

/**
 * The adjustment's id (`HC Inventory Adj Id`, the outbox id, the inventory delta's row id), from the
 * rejection's idempotency key: the same key always names the same adjustment, so a replay writes
 * nothing twice. Keys are unique per order, hence the order and line in the id.
 */
export function adjustmentIdFor(orderId: string, lineSeq: string, idempotencyKey: string): string {
  const h = hash64(`${orderId}\n${lineSeq}\n${idempotencyKey}`);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `SR-${orderId}-${lineSeq}-${hex(h.hi)}${hex(h.lo)}`;
}

export type InventoryAdjustmentRow =
  | { readonly kind: 'ready'; readonly row: Record<string, string> }
  | { readonly kind: 'held'; readonly reasons: string[] };

/** Memo text: the reason, then the store's comments on one line. */
const memoOf = (p: InventoryAdjustmentPayload): string => {
  const comments = (p.comments ?? '').replace(/\s+/g, ' ').trim();
  return comments ? `${p.reason}: ${comments}` : p.reason;
};

export function inventoryAdjustmentRow(
  p: InventoryAdjustmentPayload,
  ctx: {
    /** The facility of `p.facilityId`, when known. */
    readonly facility?: Facility;
    /** NetSuite item id of `p.sku`, when known. */
    readonly itemId?: string;
    /** NetSuite's adjustment account internal id (`OMS_NETSUITE_ADJUSTMENT_ACCOUNT`). */
    readonly account: string;
    /** The NetSuite account's UTC offset (`OMS_NETSUITE_UTC_OFFSET`; default `+00:00`). */
    readonly utcOffset?: string;
  },
): InventoryAdjustmentRow {
  const reasons: string[] = [];
  if (!ctx.facility) reasons.push(`unknown facility "${p.facilityId}"`);
  else if (!ctx.facility.externalId)
    reasons.push(`facility "${p.facilityId}" has no NetSuite location id`);
  if (!ctx.itemId) reasons.push(`no NetSuite item id for SKU "${p.sku}"`);
  if (!Number.isInteger(p.delta) || p.delta === 0)
    reasons.push(`adjustment ${p.adjustmentId} has no whole non-zero quantity (${p.delta})`);
  if (!ctx.account)
    reasons.push('no adjustment account configured (OMS_NETSUITE_ADJUSTMENT_ACCOUNT)');
  const date = accountDay(p.at, ctx.utcOffset ?? '+00:00');
  if (!date) reasons.push(`adjustment ${p.adjustmentId} has no date`);
  if (reasons.length) return { kind: 'held', reasons };
  const location = ctx.facility!.externalId;
  return {
    kind: 'ready',
    row: {
      'Reference No': p.adjustmentId,
      'Adjustment Account': ctx.account,
      Item: ctx.itemId!,
      'Adjust Qty By': String(p.delta),
      Location: location,
      Date: date,
      Memo: memoOf(p),
      'HC Inventory Adj Id': p.adjustmentId,
      'Adjustment Location': location,
      Subsidiary: ctx.facility!.subsidiary ?? '',
    },
  };
}

/**
 * The day of `iso` (an instant) in the NetSuite account's time at `utcOffset`, as `MM/dd/yyyy`;
 * empty when `iso` is not an instant. NetSuite dates a transaction by the account's calendar: a
 * rejection at 02:00 UTC is the previous day in an account at −07:00.
 */
export function accountDay(iso: string, utcOffset: string): string {
  const t = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(t)) return '';
  const local = new Date(t + parseUtcOffset(utcOffset) * 60_000).toISOString();
  return `${local.slice(5, 7)}/${local.slice(8, 10)}/${local.slice(0, 4)}`;
}
