/**
 * Cancelling a line, or a whole order (every line), for the customer or the merchant.
 *
 * A reason code says who and why — `CUSTOMER_…` (the customer asked, e.g. `CUSTOMER_REQUEST`) or
 * `MERCHANT_…` (the merchant decided, e.g. `MERCHANT_OUT_OF_STOCK`) — with an optional free-text
 * note. Each line is cancelled through the order core (`OrderService.cancelLine`: one transaction
 * moves the quantity to 9000, least advanced first, releasing reservations and closing releases;
 * quantity being picked or shipped cannot be cancelled), and in that same transaction:
 *
 * - the line-close outbox entry (`lineclose`, one per line): the line-close export closes the
 *   NetSuite line once NetSuite's ids are known and every unit of it is cancelled or rejected (a
 *   line with a shipped part is never closed: its quantity is lowered instead). If the order has
 *   not gone to NetSuite yet, the sales order export sends the line closed (or with the quantity
 *   left) and drops the entry, so no close row ever goes for it.
 * - the **re-quote** of a line NetSuite already holds at a location, when part of it is cancelled
 *   and some of it stays (NetSuite's line quantity must come down, or NetSuite would commit and
 *   ship the cancelled units): for each NetSuite-fulfilled facility the line still has units at
 *   (allocated, scheduled, released, being picked or shipped) whose allocation update was already
 *   written, an `allocation` outbox record with `requote` (id `requoteEntryId`: the allocation's
 *   and the cancellation's key), so the allocation export sends the row again with the lowered
 *   quantity. An allocation not written yet goes with the lowered quantity anyway; should the
 *   export write it between our read and our write, the re-quote is queued right after (a
 *   repeated row with the same quantity is harmless). A wholly cancelled line is closed, not
 *   re-quoted.
 * - the store queue item of every facility the line leaves entirely (its allocation there is all
 *   cancelled);
 * - for pre-ordered units (1250), the purchase-order allocation is given back (the PO line's ATP
 *   rises), so the pre-order release never tries to release a cancelled unit.
 *
 * Nothing else has to know: brokering places only 1100/1300/1400 quantity, the allocation export
 * drops an allocation whose line has nothing left at its facility, and the store queue lists only
 * quantity still allocated. Idempotent with the caller's key: a line cancel uses the key itself,
 * an order cancel `<key>:<lineSeq>` per line; replaying changes nothing and returns the first
 * result.
 *
 * Over 400 lines: a line's and an order's cancellation share the preview, the writes linked to the
 * cancellation (line close, store queue, pre-order, re-quotes) and the replay rules.
 *
 * Over 400 lines: the line and the order cancel share the reason codes, the linked line-close and
 * pre-order writes and the refund of reservations, documented once above.
 */
import { checkEnvelope } from '../domain/lifecycle/commands.ts';
import { CommandError, checkCommandFields } from '../domain/lifecycle/errors.ts';
import { fieldsSchema } from '../domain/input/fields.ts';
import type { EventStep } from '../domain/lifecycle/events.ts';
import { STATUS, type Buckets } from '../domain/lifecycle/status.ts';
import type { LineState } from '../domain/lifecycle/line.ts';
import type { Facility } from '../domain/facility.ts';
import {
  allocationEntryId,
  isNetsuiteFulfilled,
  netsuiteQuantity,
  requoteEntryId,
  unitsAt,
  type AllocationPayload,
} from '../domain/sync/allocation-rows.ts';
import {
  cancellableQuantity,
  cancellationPreview,
  lineCloseEntryId,
  type CancellationPreview,
  type LineClosePayload,
} from '../domain/sync/line-close-rows.ts';
import type { OrderService } from '../orders/order-service.ts';
import { retryOnLinkedChange } from '../orders/command-runner.ts';
import type { BrokeringStore } from '../store/brokering-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { PurchaseOrderStore } from '../store/purchase-order-store.ts';
import type { SyncStore } from '../store/sync-store.ts';
import type { LinkedWrite } from '../store/transactions.ts';

export interface CancellationDeps {
  readonly orders: Pick<OrderStore, 'readOrderForCommand' | 'readForCommand' | 'getEvent'>;
  readonly service: Pick<OrderService, 'cancelLine'>;
  readonly sync: Pick<SyncStore, 'linkedOutboxPut' | 'waiting' | 'enqueue'>;
  readonly brokering: Pick<BrokeringStore, 'linkedStoreQueueDelete'>;
  /** Every facility (to know which NetSuite fulfils: a partial cancellation re-quotes there). */
  readonly facilities: () => Promise<readonly Facility[]>;
  /** Pre-order allocations: a cancelled pre-ordered unit gives its PO line's ATP back. */
  readonly preorders?: Pick<PurchaseOrderStore, 'linesOfSku' | 'allocations' | 'releaseItems'>;
  readonly now?: () => Date;
}

export interface CancellationInput {
  readonly orderId: unknown;
  /** One line (`00001`); absent = every line of the order. */
  readonly lineSeq?: unknown;
  /** Units of the line to cancel (only with `lineSeq`); default everything cancellable. */
  readonly quantity?: unknown;
  /** `CUSTOMER_…` or `MERCHANT_…`, e.g. `CUSTOMER_REQUEST`. */
  readonly reason: unknown;
  readonly note?: unknown;
  readonly idempotencyKey?: unknown;
  readonly actor?: unknown;
}

export type CancelledBy = 'customer' | 'merchant';

export interface CancelledLine {
  readonly lineSeq: string;
  /** `nothing-to-cancel`: an order cancel met a line with no cancellable unit (picked, shipped). */
  readonly outcome: 'cancelled' | 'replayed' | 'nothing-to-cancel';
  /** Units moved to 9000 by this cancellation (by the first call, for a replay). */
  readonly quantity: number;
  readonly steps: readonly EventStep[];
  readonly buckets: Buckets;
  readonly notes: readonly string[];
}

export interface CancellationResult {
  readonly orderId: string;
  readonly by: CancelledBy;
  readonly reason: string;
  readonly note?: string;
  /** Units cancelled by this call (a replay cancels none). */
  readonly cancelled: number;
  /** True when nothing changed now because the key had been applied before. */
  readonly replayed: boolean;
  readonly lines: readonly CancelledLine[];
}

const ORDER_LINE = fieldsSchema(['orderId'], ['lineSeq']);
const QUANTITY = fieldsSchema([], ['quantity']);
const REASON = /^(CUSTOMER|MERCHANT)_[A-Z0-9_]{1,60}$/;
const MAX_NOTE = 500;
/** Attempts when a pre-order allocation changed between the read and the write. */
const ATTEMPTS = 5;

const invalid = (field: string, message: string): never => {
  throw new CommandError('INVALID_COMMAND', message, { field });
};

const cancelledBy = (steps: readonly EventStep[]): number =>
  steps.filter((s) => s.to === STATUS.CANCELLED).reduce((n, s) => n + s.quantity, 0);

export class Cancellations {
  constructor(private readonly deps: CancellationDeps) {}

  /** Cancels a line (`lineSeq`) or every line of an order (see the module comment). */
  async cancel(input: CancellationInput): Promise<CancellationResult> {
    const env = checkEnvelope({ idempotencyKey: input.idempotencyKey, actor: input.actor });
    const c = checkInput(input);
    const { header, lines } = await this.deps.orders.readOrderForCommand(
      c.orderId,
      env.idempotencyKey,
    );
    if (!header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${c.orderId}`);
    const at = (this.deps.now?.() ?? new Date()).toISOString();
    const reasonText = `cancelled by the ${c.by} (${c.reason})${c.note ? `: ${c.note}` : ''}`;
    const ctx = { ...c, at, reasonText, actor: env.actor };

    const out: CancelledLine[] = [];
    if (c.lineSeq !== undefined) {
      const line = lines.find((l) => l.lineSeq === c.lineSeq);
      if (!line) {
        throw new CommandError(
          'UNKNOWN_LINE',
          `order ${c.orderId} has no line ${c.lineSeq} (it has ${header.lineCount} line${header.lineCount === 1 ? '' : 's'})`,
        );
      }
      out.push(await this.cancelLine(line, env.idempotencyKey, c.quantity, ctx));
    } else {
      const sorted = [...lines].sort((a, b) => a.lineSeq.localeCompare(b.lineSeq));
      for (const line of sorted) {
        const key = `${env.idempotencyKey}:${line.lineSeq}`;
        if (cancellableQuantity(line) === 0 && !(await this.deps.orders.getEvent(c.orderId, key))) {
          out.push({
            lineSeq: line.lineSeq,
            outcome: 'nothing-to-cancel',
            quantity: 0,
            steps: [],
            buckets: line.buckets,
            notes: [`nothing of line ${line.lineSeq} can be cancelled (${describe(line)})`],
          });
          continue;
        }
        out.push(await this.cancelLine(line, key, undefined, ctx));
      }
      if (out.every((l) => l.outcome === 'nothing-to-cancel')) {
        throw new CommandError(
          'INSUFFICIENT_QUANTITY',
          `nothing of order ${c.orderId} can be cancelled: ${out.map((l) => l.notes[0]).join('; ')}`,
        );
      }
    }
    const acted = out.filter((l) => l.outcome !== 'nothing-to-cancel');
    return {
      orderId: c.orderId,
      by: c.by,
      reason: c.reason,
      note: c.note,
      cancelled: out.filter((l) => l.outcome === 'cancelled').reduce((n, l) => n + l.quantity, 0),
      replayed: acted.every((l) => l.outcome === 'replayed'),
      lines: out,
    };
  }

  private async cancelLine(
    read: LineState,
    idempotencyKey: string,
    quantity: number | undefined,
    ctx: { orderId: string; reason: string; reasonText: string; at: string; actor: string },
  ): Promise<CancelledLine> {
    const outcome = await retryOnLinkedChange(
      read,
      ATTEMPTS,
      async (line) => {
        const { linked, unsent } = await this.linkedWrites(line, quantity, idempotencyKey, ctx);
        const result = await this.deps.service.cancelLine({
          orderId: ctx.orderId,
          lineSeq: line.lineSeq,
          quantity,
          idempotencyKey,
          actor: ctx.actor,
          reason: ctx.reasonText,
          linked,
        });
        if (!result.replayed && unsent.length) {
          await this.requoteIfSent(unsent, idempotencyKey, ctx.at);
        }
        return result;
      },
      // A pre-order allocation changed between our read and the write: read again.
      async (line) =>
        (await this.deps.orders.readForCommand(ctx.orderId, line.lineSeq, idempotencyKey, false))
          .line ?? line,
    );
    if (!outcome.done) {
      throw new CommandError(
        'CONFLICT',
        `line ${ctx.orderId}/${outcome.last.lineSeq}: its pre-order allocation kept changing; try again`,
      );
    }
    const result = outcome.result;
    return {
      lineSeq: result.lineSeq,
      outcome: result.replayed ? 'replayed' : 'cancelled',
      quantity: cancelledBy(result.steps),
      steps: result.steps,
      buckets: result.buckets,
      notes: result.notes,
    };
  }

  /**
   * The writes that go with the cancellation of `quantity` of the line as read, and the re-quotes
   * not queued because their allocation was not written yet (`unsent`, looked at again after).
   */
  private async linkedWrites(
    line: LineState,
    quantity: number | undefined,
    idempotencyKey: string,
    ctx: { orderId: string; reason: string; at: string },
  ): Promise<{
    linked: LinkedWrite[];
    unsent: AllocationPayload[];
  }> {
    const payload: LineClosePayload = {
      orderId: ctx.orderId,
      lineSeq: line.lineSeq,
      cancelledAt: ctx.at,
      reason: ctx.reason,
    };
    const { sync, brokering } = this.deps;
    const linked: LinkedWrite[] = [
      sync.linkedOutboxPut('line-close', 'lineclose', lineCloseEntryId(payload), payload, ctx.at),
    ];
    const preview = cancellationPreview(line, quantity);
    for (const r of preview.reserved) {
      if (r.left > 0) continue;
      const name = `store-queue:${r.facilityId}`;
      linked.push(brokering.linkedStoreQueueDelete(r.facilityId, ctx.orderId, line.lineSeq, name));
    }
    if (preview.preOrdered > 0 && this.deps.preorders) {
      linked.push(...(await this.preorderRelease(line, preview.preOrdered, ctx.at)));
    }
    const requotes = await this.requotes(line, preview);
    const unsent: AllocationPayload[] = [];
    if (requotes.length) {
      const waiting = await this.deps.sync.waiting('allocation', requotes.map(allocationEntryId));
      for (const p of requotes) {
        if (waiting.has(allocationEntryId(p))) unsent.push(p);
        else
          linked.push(
            sync.linkedOutboxPut(
              `allocation-requote:${p.facilityId}`,
              'allocation',
              requoteEntryId(p, idempotencyKey),
              p,
              ctx.at,
            ),
          );
      }
    }
    return { linked, unsent };
  }

  /**
   * The allocation rows to send again with the lowered quantity: one per NetSuite-fulfilled
   * facility the line keeps units at (in any state), unless nothing of the line is left to hold
   * (wholly cancelled: the line close does it). Released units cancelled are not told apart by
   * facility here, so a facility may be named that keeps nothing: its row is then not sent.
   */
  private async requotes(
    line: LineState,
    preview: CancellationPreview,
  ): Promise<AllocationPayload[]> {
    if (preview.quantity <= 0 || netsuiteQuantity(line) - preview.quantity <= 0) return [];
    const taken = new Map(preview.reserved.map((r) => [r.facilityId, r.taken]));
    const out: AllocationPayload[] = [];
    for (const f of await this.deps.facilities()) {
      if (!isNetsuiteFulfilled(f)) continue;
      if (unitsAt(line, f.facilityId) - (taken.get(f.facilityId) ?? 0) <= 0) continue;
      out.push({
        orderId: line.orderId,
        lineSeq: line.lineSeq,
        facilityId: f.facilityId,
        afterRejection: line.rejectedBy.length > 0,
        requote: true,
      });
    }
    return out;
  }

  /**
   * After the cancellation: an allocation that was waiting to be written when it was read, and is
   * gone now, may have been written with the quantity from before: queue the re-quote.
   */
  private async requoteIfSent(
    unsent: readonly AllocationPayload[],
    idempotencyKey: string,
    at: string,
  ): Promise<void> {
    const still = await this.deps.sync.waiting('allocation', unsent.map(allocationEntryId));
    for (const p of unsent) {
      if (still.has(allocationEntryId(p))) continue;
      await this.deps.sync.enqueue('allocation', requoteEntryId(p, idempotencyKey), p, at);
    }
  }

  /** Gives `quantity` of the line's pre-order allocations back to their PO lines. */
  private async preorderRelease(
    line: LineState,
    quantity: number,
    at: string,
  ): Promise<LinkedWrite[]> {
    const po = this.deps.preorders!;
    const poLines = await po.linesOfSku(line.sku);
    const allocations = (await Promise.all(poLines.map((l) => po.allocations(l.poId, l.lineId))))
      .flat()
      .filter((a) => a.orderId === line.orderId && a.lineSeq === line.lineSeq)
      .sort((a, b) => (a.allocatedAt < b.allocatedAt ? 1 : -1));
    const out: LinkedWrite[] = [];
    let need = quantity;
    for (const a of allocations) {
      if (need <= 0) break;
      const take = Math.min(need, a.quantity);
      need -= take;
      out.push(...po.releaseItems(a, take, at, 'unallocate', `:${a.poId}/${a.lineId}`));
    }
    return out;
  }
}

/** What holds the line's units, for a message (`2 being picked, 1 shipped`). */
function describe(line: LineState): string {
  const parts: string[] = [];
  const b = line.buckets;
  if (b[STATUS.INCLUDED_IN_SHIPMENT]) parts.push(`${b[STATUS.INCLUDED_IN_SHIPMENT]} being picked`);
  if ((b[STATUS.SHIPPED] ?? 0) + (b[STATUS.DELIVERED] ?? 0))
    parts.push(`${(b[STATUS.SHIPPED] ?? 0) + (b[STATUS.DELIVERED] ?? 0)} shipped`);
  if (b[STATUS.CANCELLED]) parts.push(`${b[STATUS.CANCELLED]} already cancelled`);
  if (b[STATUS.REJECTED]) parts.push(`${b[STATUS.REJECTED]} rejected`);
  return parts.join(', ') || 'no open quantity';
}

function checkInput(input: CancellationInput): {
  orderId: string;
  lineSeq?: string;
  quantity?: number;
  reason: string;
  by: CancelledBy;
  note?: string;
} {
  const { orderId, lineSeq, quantity, note } = input;
  checkCommandFields(ORDER_LINE, { orderId, lineSeq });
  const hasLine = typeof lineSeq === 'string';
  if (quantity !== undefined && quantity !== null) {
    if (!hasLine)
      invalid('quantity', 'quantity needs a line (lineSeq): an order is cancelled whole');
    checkCommandFields(QUANTITY, { quantity });
  }
  const reason = typeof input.reason === 'string' ? input.reason.trim().toUpperCase() : '';
  if (!REASON.test(reason))
    invalid(
      'reason',
      `reason must be a code starting with CUSTOMER_ (the customer asked) or MERCHANT_ (the merchant decided), letters, digits and _, e.g. CUSTOMER_REQUEST or MERCHANT_OUT_OF_STOCK; got ${JSON.stringify(input.reason)}`,
    );
  if (note !== undefined && note !== null && typeof note !== 'string')
    invalid('note', 'note must be text');
  const text = typeof note === 'string' ? note.replace(/\s+/g, ' ').trim() : '';
  if (text.length > MAX_NOTE) invalid('note', `note must be at most ${MAX_NOTE} characters`);
  return {
    orderId: orderId as string,
    lineSeq: hasLine ? (lineSeq as string) : undefined,
    quantity: quantity === undefined || quantity === null ? undefined : (quantity as number),
    reason,
    by: reason.startsWith('CUSTOMER_') ? 'customer' : 'merchant',
    note: text || undefined,
  };
}
