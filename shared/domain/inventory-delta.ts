/**
 * NetSuite inventory delta rows (`externalFacilityId,idValue,idType,availableDelta,comments`), as
 * exported to `inventoryadjustment/import`, `inventorytransfer/import` and `itemreceipt/csv`: a
 * signed change of NetSuite's quantity available of one item at one location, between snapshots.
 *
 * Row identity. NetSuite gives a delta row no id, and its exporters repeat rows across files (the
 * time cursor is truncated to the minute, with inclusive bounds). A row is therefore identified by
 * a hash of its content — facility, idType, idValue, delta and comments — scoped to the feed, and
 * applied at most once per identity (within the dedupe window of the importer). Two genuinely
 * different adjustments that are otherwise identical must differ in `comments`: NetSuite puts the
 * transaction reference there. Values are compared trimmed, idType case-insensitively, and the
 * delta as a number (`5` and `5.0` are the same row).
 *
 * A delta may take NetSuite's figure below zero: NetSuite can allow negative stock, and the OMS
 * keeps the figure NetSuite would report rather than clamping it.
 */
import { createHash } from 'node:crypto';
import { accept, parseSignedQuantity, reject, type RowResult } from './row-result.ts';

export type DeltaColumn =
  'externalFacilityId' | 'idValue' | 'idType' | 'availableDelta' | 'comments';

/** Values keyed by the catalog's column names. */
export type DeltaRecord = Readonly<Record<DeltaColumn, string>>;

/** `idType` when `idValue` is the OMS SKU. */
export const SKU_ID_TYPE = 'SKU';

/** `idType` values meaning `idValue` is NetSuite's internal item id (mapped through products). */
export const NETSUITE_ITEM_ID_TYPES: readonly string[] = [
  'NETSUITE_PRODUCT_ID',
  'NETSUITE_ITEM_ID',
];

/** Which item a delta row names: the SKU itself, or NetSuite's internal item id. */
export type DeltaItemRef =
  | { readonly kind: 'sku'; readonly sku: string }
  | { readonly kind: 'netsuite-item'; readonly itemId: string };

export interface DeltaRow {
  /** NetSuite location id (`externalFacilityId`). */
  readonly externalFacilityId: string;
  /** `idType` normalised to upper case. */
  readonly idType: string;
  /** `idValue`, trimmed. */
  readonly idValue: string;
  readonly item: DeltaItemRef;
  /** The signed change, a whole number; 0 changes nothing. */
  readonly delta: number;
  /** Free text; NetSuite puts the transaction reference here. */
  readonly comments: string;
}

export function parseDeltaRow(rec: DeltaRecord): RowResult<DeltaRow> {
  const externalFacilityId = rec.externalFacilityId.trim();
  if (!externalFacilityId) return reject('externalFacilityId', 'facility id is blank');
  const idValue = rec.idValue.trim();
  if (!idValue) return reject('idValue', 'item id is blank');
  const idType = rec.idType.trim().toUpperCase();
  let item: DeltaItemRef;
  if (idType === SKU_ID_TYPE) {
    item = { kind: 'sku', sku: idValue };
  } else if (NETSUITE_ITEM_ID_TYPES.includes(idType)) {
    if (!/^\d+$/.test(idValue)) {
      return reject('idValue', `NetSuite item id "${idValue}" is not a numeric internal id`);
    }
    item = { kind: 'netsuite-item', itemId: idValue };
  } else {
    return reject(
      'idType',
      idType
        ? `unknown id type "${rec.idType.trim()}" (expected ${[SKU_ID_TYPE, ...NETSUITE_ITEM_ID_TYPES].join(', ')})`
        : 'id type is blank',
    );
  }
  const raw = rec.availableDelta.trim();
  if (!raw) return reject('availableDelta', 'delta is blank');
  const delta = parseSignedQuantity(raw);
  if (delta === undefined) {
    return reject('availableDelta', `delta "${raw}" is not a whole number`);
  }
  return accept({
    externalFacilityId,
    idType,
    idValue,
    item,
    // -0 and +0 are the same row as 0.
    delta: delta === 0 ? 0 : delta,
    comments: rec.comments.trim(),
  });
}

/**
 * The identity of a delta row within a feed: a SHA-256 of the feed id and the row's normalised
 * content, hex. The same row in another file of the same feed has the same id; the same content in
 * another feed (an adjustment versus a transfer) does not.
 */
export function deltaRowId(feedId: string, row: DeltaRow): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        feedId,
        row.externalFacilityId,
        row.idType,
        row.idValue,
        row.delta,
        row.comments,
      ]),
    )
    .digest('hex');
}

// ── deltas and snapshots in one time frame ─────────────────────────────────────────────────────

/**
 * Where a delta file stands against a snapshot, all times being S3 upload times (the objects'
 * LastModified, never the times in file names): S the snapshot's, E the delta file's, P the
 * previous delta file of the same feed the OMS imported (none: −∞), L NetSuite's reflect lag. A
 * delta file holds the changes NetSuite made between P and E (its export's time window):
 *
 * - `in-snapshot`: E < S − L, every change in it happened before the snapshot's search: the
 *   snapshot's figure already holds it;
 * - `after-snapshot`: P > S + L, every change happened after the search: the figure lacks it (also
 *   when no snapshot was ever imported);
 * - `straddling`: otherwise; some changes may be in the figure, some not.
 *
 * The comparisons are strict because S3 keeps upload times to the second: two files uploaded in
 * the same second have equal times whatever their order, so equality is "not known" (straddling:
 * the safe side). With L = 0 (the local cloud) that is what tells them apart.
 */
export type DeltaTiming = 'in-snapshot' | 'after-snapshot' | 'straddling';

export interface DeltaTimes {
  /** E, ms since the epoch. */
  readonly uploadedAt: number;
  /** P, ms; undefined when the feed had no earlier file (−∞). */
  readonly previousAt?: number;
  /** S, ms; undefined when no snapshot file was ever imported (−∞). */
  readonly snapshotAt?: number;
  /** L, ms. */
  readonly lagMs: number;
}

export function deltaTiming(t: DeltaTimes): DeltaTiming {
  if (t.snapshotAt === undefined) return 'after-snapshot';
  if (t.uploadedAt < t.snapshotAt - t.lagMs) return 'in-snapshot';
  if (t.previousAt !== undefined && t.previousAt > t.snapshotAt + t.lagMs) return 'after-snapshot';
  return 'straddling';
}

/**
 * What a delta row adds to NetSuite's figure given its file's timing: all of it after the snapshot,
 * nothing when the snapshot holds it, and when the file straddles the snapshot's search only a
 * negative row (counting a loss twice undercounts until the next snapshot; counting a gain twice
 * would oversell).
 */
export const deltaEffect = (delta: number, timing: DeltaTiming): number =>
  timing === 'after-snapshot' ? delta : timing === 'straddling' && delta < 0 ? delta : 0;

/** Why a row changed nothing, for the import's figures; undefined when it applies. */
export const skipReason = (
  delta: number,
  timing: DeltaTiming,
): 'inSnapshot' | 'straddlingPositiveSkipped' | undefined =>
  timing === 'in-snapshot'
    ? 'inSnapshot'
    : timing === 'straddling' && delta > 0
      ? 'straddlingPositiveSkipped'
      : undefined;

/** A delta applied to NetSuite's figure, as the delta log keeps it. */
export interface LoggedDelta {
  readonly sku: string;
  readonly facilityId: string;
  /** The signed quantity added to nsQty. */
  readonly delta: number;
  /** E and P of its file (ms; P undefined: none). */
  readonly uploadedAt: number;
  readonly previousAt?: number;
}

/**
 * What a snapshot uploaded at `snapshotAt` must add to the figure it writes for a delta applied
 * before its import, so that its Put does not erase a change its search did not see: the same rule
 * as a delta imported after it (`deltaEffect` with this snapshot as S), never more than what was
 * applied.
 */
export function foldedDelta(entry: LoggedDelta, snapshotAt: number, lagMs: number): number {
  const timing = deltaTiming({
    uploadedAt: entry.uploadedAt,
    previousAt: entry.previousAt,
    snapshotAt,
    lagMs,
  });
  return deltaEffect(entry.delta, timing);
}
