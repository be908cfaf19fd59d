/**
 * NetSuite's rejected items (`salesorder/rejectedorderitem`: `orderId,orderItemSeqId,
 * rejectionComments,rejectionReason`): a NetSuite location could not fulfil an item and moved it
 * to its "Rejected Orders" location. Every unit of the item at that NetSuite-fulfilled facility
 * not shipped yet moves to 1400 in one write (`OrderService.backorderFromNode`): allocated
 * 1200 → 1400, scheduled 1500 → 1200 → 1400, released 3200 → 1400 (its release closes, kept with
 * quantity 0 as history). The reservation is released and the facility recorded in `rejectedBy`,
 * which every later brokering run excludes; the order goes back to the brokering queue in the same
 * transaction, and the facility's daily order count is given back.
 *
 * The row does not name the location, so the rejection applies to the line's allocation at a
 * NetSuite-fulfilled facility **that NetSuite had been sent before it wrote the file** (the
 * allocation update's send time ≤ the file's S3 time). A row for an item already re-brokered (no
 * such allocation any more, or the new one not sent yet, or sent after the file was written)
 * changes nothing, and so does NetSuite's habit of repeating the previous file's last row first in
 * the next file: the first row of a file equal to the last row of the file before is skipped. What
 * no rule can tell apart: a later file, written after the new allocation was sent, that repeats an
 * old row word for word — it reads as the new facility rejecting too. The write's idempotency key
 * is the line, the facility and the line's version, so the same row imported twice at once moves
 * once.
 */
import { parseLineSeq } from '../domain/sync/id-rows.ts';
import { allocationEntryId, isNetsuiteFulfilled } from '../domain/sync/allocation-rows.ts';
import type { Facility } from '../domain/facility.ts';
import type { LineState } from '../domain/lifecycle/line.ts';
import type { CsvImporter, RowRejection } from '../feeds/file-import.ts';
import type { OrderService } from '../orders/order-service.ts';
import { BROKERING_QUEUE, type BrokeringStore } from '../store/brokering-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

export interface RejectionImportDeps {
  readonly orders: OrderStore;
  readonly service: OrderService;
  readonly brokering: BrokeringStore;
  readonly sync: SyncStore;
  readonly facilities: () => Promise<Facility[]>;
  /** The last row of the previous file, and remembering this file's. */
  readonly lastRow: { get(): Promise<string | undefined>; set(row: string): Promise<void> };
  readonly now?: () => Date;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What a NetSuite rejection takes back at a facility: every unit there not shipped yet — allocated
 * (1200), scheduled (1500), released (3200) and, should picking have started, picking (3350).
 */
const rejectableAt = (line: LineState, facilityId: string): number =>
  (line.alloc[facilityId]?.[STATUS.ALLOCATED] ?? 0) +
  (line.alloc[facilityId]?.[STATUS.SCHEDULED] ?? 0) +
  Object.values(line.releases)
    .filter((r) => r.facilityId === facilityId)
    .reduce((n, r) => n + r.statusQuantity, 0);

export function rejectedItemImporter(deps: RejectionImportDeps): CsvImporter {
  return {
    // NetSuite writes the comments unescaped: "Not found in bin, location 101".
    freeTextColumn: 'rejectionComments',
    async open({ fileName, lastModified }) {
      const fileTime = lastModified?.getTime();
      const previousLast = await deps.lastRow.get();
      const facilities = new Map((await deps.facilities()).map((f) => [f.facilityId, f]));
      const counts: Record<string, number> = {
        released: 0,
        repeated: 0,
        alreadyRebrokered: 0,
        notSent: 0,
        fromReleased: 0,
      };
      let first = true;
      let last: string | undefined;

      const row = async (
        record: Readonly<Record<string, string>>,
      ): Promise<RowRejection | undefined> => {
        const text = [
          record.orderId,
          record.orderItemSeqId,
          record.rejectionComments,
          record.rejectionReason,
        ].join(',');
        const isFirst = first;
        first = false;
        last = text;
        if (isFirst && previousLast !== undefined && text === previousLast) {
          counts.repeated!++;
          return undefined;
        }
        const orderId = (record.orderId ?? '').trim();
        if (!ID.test(orderId))
          return { field: 'orderId', reason: `"${orderId}" is not an OMS order id` };
        const seq = parseLineSeq(record);
        if (!seq.ok) return { field: seq.field, reason: seq.reason };
        const lineSeq = seq.row;
        const { lines, headers } = await deps.orders.linesWithHeaders([{ orderId, lineSeq }]);
        const header = headers.get(orderId);
        if (!header) return { field: 'orderId', reason: `unknown order "${orderId}"` };
        const line = lines.get(`${orderId}|${lineSeq}`);
        if (!line)
          return { field: 'orderItemSeqId', reason: `order ${orderId} has no line ${lineSeq}` };

        const places = [
          ...new Set([
            ...Object.keys(line.alloc),
            ...Object.values(line.releases).map((r) => r.facilityId),
          ]),
        ];
        const candidates = places.filter((f) => {
          const facility = facilities.get(f);
          return facility && isNetsuiteFulfilled(facility) && rejectableAt(line, f) > 0;
        });
        if (!candidates.length) {
          counts.alreadyRebrokered!++;
          return undefined;
        }
        const ids = candidates.map((facilityId) =>
          allocationEntryId({ orderId, lineSeq, facilityId }),
        );
        const [waiting, sentAt] = await Promise.all([
          deps.sync.waiting('allocation', ids),
          deps.sync.lastSent('allocation', ids),
        ]);
        // NetSuite can only reject what it was sent before it wrote this file.
        const sent = candidates.filter((facilityId) => {
          const id = allocationEntryId({ orderId, lineSeq, facilityId });
          const when = sentAt.get(id);
          return (
            !waiting.has(id) &&
            when !== undefined &&
            (fileTime === undefined || Date.parse(when) <= fileTime + 999)
          );
        });
        if (!sent.length) {
          counts.notSent!++;
          return undefined;
        }
        const at = (deps.now?.() ?? new Date()).toISOString();
        const reason = [record.rejectionReason, record.rejectionComments]
          .map((x) => (x ?? '').trim())
          .filter(Boolean)
          .join(': ');
        for (const facilityId of sent) {
          const result = await deps.service.backorderFromNode({
            orderId,
            lineSeq,
            facilityId,
            idempotencyKey: `nsreject-${lineSeq}-${facilityId}-v${line.version}`,
            actor: 'netsuite',
            reason: `rejected by NetSuite at ${facilityId}${reason ? ` (${reason})` : ''} — ${fileName}`,
            linked: [
              deps.brokering.linkedQueuePut({
                queue: BROKERING_QUEUE,
                orderId,
                orderDate: header.date,
                enqueuedAt: at,
                reason: `rejected by ${facilityId}`,
              }),
            ],
          });
          if (
            result.steps.some(
              (x) => x.from === STATUS.RELEASED || x.from === STATUS.INCLUDED_IN_SHIPMENT,
            )
          )
            counts.fromReleased!++;
          await deps.brokering.addDailyCount(at.slice(0, 10), facilityId, -1);
          counts.released!++;
        }
        return undefined;
      };

      return {
        row,
        async checkpoint() {},
        async finish() {
          if (last !== undefined) await deps.lastRow.set(last);
          return counts;
        },
      };
    },
  };
}
