/**
 * Evidence that NetSuite's books hold a promise of the OMS (docs/inventory.md, "When a hold
 * ends"): what a file NetSuite took, or a fulfillment NetSuite recorded, covers — as reflect
 * entries (shared/store/reflect-store.ts) for the settle step.
 *
 * - An **allocation** row (`<order>#<line>#<facility>`, re-quotes `…#Q…`) tells NetSuite to hold the
 *   line at the facility's location: its `quantity` column (the NetSuite line quantity) is covered.
 * - An **OMS-fulfilled** row (`<order>#<line>`, older `SF-…` ids) makes NetSuite record the item
 *   fulfillment of what the store shipped: its `quantity` (units shipped) at that store.
 * - An **inventory adjustment** row (its adjustment id) changes the store's on hand by
 *   `Adjust Qty By`: |delta| units; only a negative one is held (a positive one is not counted
 *   until NetSuite's figure has it), so only those give an entry.
 * - NetSuite's own **item fulfillment** of a line: the units the line has shipped from that
 *   facility.
 *
 * The export records each record's row quantity in the file's manifest (`rowsQuantity`); for
 * manifests written before it did, the quantity is read from the line as it is now (what
 * NetSuite holds only goes down: cancellations lower it), never more than was sent.
 */
import {
  allocationEntryId,
  netsuiteQuantity,
  type AllocationPayload,
} from '../domain/sync/allocation-rows.ts';
import type { InventoryAdjustmentPayload } from '../domain/sync/inventory-adjustment-rows.ts';
import { shippedBy, type OmsFulfilledPayload } from '../domain/sync/oms-fulfilled-rows.ts';
import type { LineState } from '../domain/lifecycle/line.ts';
import type { StoredManifestRecord } from '../store/manifest-parts.ts';
import type { FileHead } from '../store/netsuite-file-store.ts';
import type { ReflectEntryInput, ReflectKind } from '../store/reflect-store.ts';
import type { OutboxFeed } from '../store/sync-store.ts';

/** The outboxes whose records, once NetSuite took their file, are evidence for inventory holds. */
export const EVIDENCE_OUTBOXES: ReadonlySet<OutboxFeed> = new Set<OutboxFeed>([
  'allocation',
  'fulfilled',
  'invadj',
]);

export const isEvidenceOutbox = (
  outbox: OutboxFeed,
): outbox is 'allocation' | 'fulfilled' | 'invadj' => EVIDENCE_OUTBOXES.has(outbox);

const wholeOrNaN = (v: unknown): number => {
  const n = Number(String(v ?? '').trim());
  return Number.isFinite(n) && String(v ?? '').trim() !== '' ? n : NaN;
};

/**
 * The units a record's rows tell NetSuite (kept in the manifest): the `quantity` column for
 * allocation and OMS-fulfilled rows, |`Adjust Qty By`| for adjustments; undefined for other
 * outboxes or unreadable quantities.
 */
export function rowsQuantity(
  outbox: OutboxFeed,
  rows: readonly Record<string, unknown>[],
): number | undefined {
  if (!isEvidenceOutbox(outbox) || !rows.length) return undefined;
  let n = 0;
  for (const r of rows) {
    const q =
      outbox === 'invadj' ? Math.abs(wholeOrNaN(r['Adjust Qty By'])) : wholeOrNaN(r.quantity);
    if (!Number.isFinite(q) || q < 0) return undefined;
    n += q;
  }
  return n;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The line a record of an evidence outbox is about (from its kept payload). */
export function lineRefOf(
  outbox: OutboxFeed,
  record: Pick<StoredManifestRecord, 'payload'>,
): { orderId: string; lineSeq: string } | undefined {
  if (outbox !== 'allocation' && outbox !== 'fulfilled') return undefined;
  const p = record.payload;
  if (!isObject(p) || typeof p.orderId !== 'string' || typeof p.lineSeq !== 'string') {
    return undefined;
  }
  return { orderId: p.orderId, lineSeq: p.lineSeq };
}

export const lineKey = (orderId: string, lineSeq: string) => `${orderId}|${lineSeq}`;

/**
 * The reflect entries of a file NetSuite took at `takenAt`: one per record of an allocation,
 * OMS-fulfilled or inventory adjustment file, but for `refused` ones (NetSuite refused their
 * rows: its books do not hold them) and records whose line is gone. `lines`: the records' lines
 * (`lineKey`), read once for the file.
 */
export function entriesOfTakenFile(
  head: Pick<FileHead, 'name' | 'outbox'>,
  records: readonly StoredManifestRecord[],
  takenAt: string,
  lines: ReadonlyMap<string, LineState>,
  refused: ReadonlySet<string> = new Set(),
): ReflectEntryInput[] {
  if (!isEvidenceOutbox(head.outbox)) return [];
  const kind: ReflectKind = head.outbox;
  const out: ReflectEntryInput[] = [];
  for (const rec of records) {
    if (refused.has(rec.id) || !isObject(rec.payload)) continue;
    const base = { kind, recordId: rec.id, takenAt, file: head.name };
    if (kind === 'invadj') {
      const p = rec.payload as unknown as InventoryAdjustmentPayload;
      if (typeof p.sku !== 'string' || typeof p.facilityId !== 'string') continue;
      if (!(Number(p.delta) < 0)) continue; // a positive adjustment holds nothing
      out.push({
        ...base,
        sku: p.sku,
        facilityId: p.facilityId,
        covered: rec.quantity ?? Math.abs(Number(p.delta)),
        adjustmentId: p.adjustmentId ?? rec.id,
      });
      continue;
    }
    const ref = lineRefOf(kind, rec);
    const line = ref && lines.get(lineKey(ref.orderId, ref.lineSeq));
    if (!ref || !line) continue; // deleted meanwhile: nothing is held for it
    let facilityId: string | undefined;
    let fallback: number;
    if (kind === 'allocation') {
      facilityId = (rec.payload as unknown as AllocationPayload).facilityId;
      fallback = netsuiteQuantity(line);
    } else {
      const by = shippedBy(line);
      const p = rec.payload as unknown as Partial<OmsFulfilledPayload>;
      facilityId =
        typeof p.facilityId === 'string' && by.has(p.facilityId)
          ? p.facilityId
          : by.size === 1
            ? [...by.keys()][0]
            : p.facilityId;
      fallback = facilityId ? (by.get(facilityId) ?? 0) : 0;
    }
    if (typeof facilityId !== 'string' || !facilityId) continue;
    const covered = rec.quantity ?? fallback;
    if (!(covered > 0)) continue;
    out.push({
      ...base,
      sku: line.sku,
      facilityId,
      covered,
      orderId: ref.orderId,
      lineSeq: ref.lineSeq,
    });
  }
  return out;
}

/** A line shipped by NetSuite at a facility: the entry covering every unit shipped from there. */
export function nsFulfillmentEntry(
  line: Pick<LineState, 'orderId' | 'lineSeq' | 'sku' | 'shipments'>,
  facilityId: string,
  takenAt: string,
  file: string,
): ReflectEntryInput | undefined {
  const covered = shippedBy(line).get(facilityId) ?? 0;
  if (covered <= 0) return undefined;
  return {
    kind: 'nsfulfillment',
    recordId: allocationEntryId({ orderId: line.orderId, lineSeq: line.lineSeq, facilityId }),
    takenAt,
    sku: line.sku,
    facilityId,
    covered,
    file,
    orderId: line.orderId,
    lineSeq: line.lineSeq,
  };
}
