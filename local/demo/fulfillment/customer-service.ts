/**
 * Customer service: a small share of the customers (2 % of the orders, at least two) ask to cancel
 * one item of an order of two items or more. Every quarter hour at :01 — before brokering at :02,
 * :17, :32 and :47 — the desk cancels what was asked since, through the same service as
 * `POST /orders/{id}/cancellations` (reason `CUSTOMER_REQUEST`):
 *
 * - half of them ask **as soon as they ordered**: cancelled at the desk's first run after the
 *   order came in, whether or not the sales order export has sent it to NetSuite yet (the export
 *   then sends the line closed; or, once NetSuite has the order, the line-close export closes it);
 * - the other half ask **once NetSuite has the order** (its ids are back, the order approved): the
 *   line-close export closes the NetSuite line.
 *
 * The item cancelled is the order's last line that can still be cancelled and is not with a
 * warehouse NetSuite fulfils (a warehouse may ship it in the meantime: customer service is told
 * "too late" instead, as it is when nothing of the order can be cancelled any more).
 */
import type { Facility } from '../../../shared/domain/facility.ts';
import { HOLDS } from '../../../shared/domain/lifecycle/holds.ts';
import type { LineState } from '../../../shared/domain/lifecycle/line.ts';
import { isNetsuiteFulfilled } from '../../../shared/domain/sync/allocation-rows.ts';
import { cancellableQuantity } from '../../../shared/domain/sync/line-close-rows.ts';
import { cancellations, orderRuntime, root } from '../../../shared/app/root.ts';
import { openAtStore } from '../../../shared/store-fulfillment/store-shipping-stages.ts';
import { seededDraw } from '../../netsuite/scripts/rejections.ts';
import type { DemoContext, DemoJob } from '../types.ts';

export const CUSTOMER_SERVICE_SCHEDULE = 'cron(1/15 * * * ? *)';
/** Share (0..1) of the orders one of whose items the customer cancels. */
export const CANCEL_SHARE = 0.02;
export const CUSTOMER_SERVICE_ACTOR = 'customer-service';
export const CANCEL_REASON = 'CUSTOMER_REQUEST';

export type CancelWhen = 'on arrival' | 'once in NetSuite';

export interface CancelRequest {
  readonly externalId: string;
  readonly when: CancelWhen;
}

export interface CancelOutcome {
  readonly externalId: string;
  readonly orderId: string;
  readonly when: CancelWhen;
  /** `cancelled`, or `too late` (nothing the desk may cancel any more). */
  readonly outcome: 'cancelled' | 'too late';
  readonly lineSeq?: string;
  readonly quantity: number;
  /** Whether NetSuite's order id was known when the line was cancelled. */
  readonly netsuiteHadIds: boolean;
  /** Simulated time (ISO). */
  readonly at: string;
  readonly note?: string;
}

/**
 * The customers who will ask: orders of two lines or more (the awkward ones of the sample
 * apart), drawn by their external id, half asking on arrival and half once in NetSuite.
 */
export function cancelRequests(
  ctx: Pick<DemoContext, 'sample'>,
  seed: number,
  share = CANCEL_SHARE,
): CancelRequest[] {
  const { orders, awkward } = ctx.sample;
  const skip = new Set([
    awkward.unmappedSku.externalId,
    awkward.noCountry.externalId,
    awkward.resubmitted.externalId,
  ]);
  const count = Math.max(2, Math.round(orders.length * share));
  return orders
    .filter((o) => o.lines.length >= 2 && !skip.has(o.externalId))
    .map((o) => ({ externalId: o.externalId, draw: seededDraw(seed, `cancel/${o.externalId}`) }))
    .sort((a, b) => a.draw - b.draw)
    .slice(0, count)
    .map((o, i) => ({ externalId: o.externalId, when: i % 2 ? 'once in NetSuite' : 'on arrival' }));
}

export class CustomerService {
  readonly outcomes: CancelOutcome[] = [];
  private readonly pending: CancelRequest[];

  constructor(
    private readonly ctx: DemoContext,
    requests: readonly CancelRequest[],
  ) {
    this.pending = [...requests];
  }

  readonly job: DemoJob = {
    id: 'customer-service',
    expression: CUSTOMER_SERVICE_SCHEDULE,
    run: (at) => this.work(at),
  };

  /** Requests not acted on (the order never came, or not in NetSuite by the end of the day). */
  get waiting(): readonly CancelRequest[] {
    return this.pending;
  }

  async work(at: Date): Promise<void> {
    const { orders } = orderRuntime(root());
    const warehouses = this.ctx.sample.facilities.filter(isNetsuiteFulfilled);
    for (const request of [...this.pending]) {
      const orderId = this.ctx.orders.get(request.externalId);
      if (!orderId) continue; // not ordered yet
      const { header, lines } = await orders.order(orderId);
      if (!header) continue;
      const netsuiteHadIds =
        !!header.netsuiteOrderId && lines.every((l) => !l.holds[HOLDS.AWAITING_NETSUITE_IDS]);
      if (request.when === 'once in NetSuite' && !netsuiteHadIds) continue;
      this.pending.splice(this.pending.indexOf(request), 1);
      const base = {
        externalId: request.externalId,
        orderId,
        when: request.when,
        netsuiteHadIds,
        at: at.toISOString(),
      };
      const line = choose(lines, warehouses);
      if (!line) {
        this.outcomes.push({
          ...base,
          outcome: 'too late',
          quantity: 0,
          note: lines.some((l) => cancellableQuantity(l) > 0)
            ? 'what is left is with a NetSuite warehouse'
            : 'nothing left to cancel',
        });
        continue;
      }
      const result = await cancellations(root()).cancel({
        orderId,
        lineSeq: line.lineSeq,
        reason: CANCEL_REASON,
        note: 'the customer changed their mind',
        idempotencyKey: `demo-cancel-${orderId}-${line.lineSeq}`,
        actor: CUSTOMER_SERVICE_ACTOR,
      });
      this.outcomes.push({
        ...base,
        outcome: 'cancelled',
        lineSeq: line.lineSeq,
        quantity: result.lines.reduce((n, l) => n + l.quantity, 0),
      });
    }
  }
}

/** The last line with something to cancel and nothing open at a NetSuite warehouse. */
function choose(lines: readonly LineState[], warehouses: readonly Facility[]) {
  return [...lines]
    .sort((a, b) => b.lineSeq.localeCompare(a.lineSeq))
    .find(
      (l) =>
        cancellableQuantity(l) > 0 && warehouses.every((f) => openAtStore(l, f.facilityId) === 0),
    );
}
