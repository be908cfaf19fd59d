/**
 * The stores' associates: every half hour (at :15 and :45, before the OMS-fulfilled export of :00
 * and :30) each store the OMS fulfils lists its queue, picks every released item (pick and pack),
 * and ships it with a tracking number at the simulated time — or, for about one pick in fifteen,
 * reports it not found: the item goes back to brokering (never to this store again) and the next
 * brokering run places it elsewhere. Picks are drawn per release key (seeded), so the same seed
 * finds the same items missing.
 */
import { root, storeFulfillment, storeShipping } from '../../../shared/app/root.ts';
import type { StoreQueueEntry } from '../../../shared/store-fulfillment/store-fulfillment.ts';
import { isNetsuiteFulfilled } from '../../../shared/domain/sync/allocation-rows.ts';
import { seededDraw } from '../../netsuite/scripts/rejections.ts';
import type { DemoContext, DemoJob } from '../types.ts';

export const STORE_ASSOCIATES_SCHEDULE = 'cron(15/30 * * * ? *)';
/** Share (0..1) of picks the store cannot find. */
export const NOT_FOUND_SHARE = 1 / 15;
export const STORE_ACTOR = 'store-associate';
/** The carrier stores hand their parcels to. */
export const STORE_CARRIER = 'UPS';
/** Orders worked on at once (an order's items, and each item's pick and ship, one after the other). */
const CONCURRENCY = 4;

export interface StoreItemHandled {
  readonly facilityId: string;
  readonly orderId: string;
  readonly lineSeq: string;
  readonly quantity: number;
  readonly releaseKey: string;
  readonly shipmentKey: string;
  /** Simulated time (ISO). */
  readonly at: string;
}

export interface StoreWorkTotals {
  runs: number;
  picks: number;
  /** Ship commands (one per parcel) and their units. */
  shipments: number;
  shippedUnits: number;
  readonly notFound: StoreItemHandled[];
}

/** A tracking number of the parcel of a shipment: `1Z` and ten digits of its key. */
export function trackingNumberFor(shipmentKey: string): string {
  return `1Z${String(Math.floor(seededDraw('tracking', shipmentKey) * 1e10)).padStart(10, '0')}`;
}

export class StoreAssociates {
  readonly totals: StoreWorkTotals = {
    runs: 0,
    picks: 0,
    shipments: 0,
    shippedUnits: 0,
    notFound: [],
  };

  constructor(private readonly ctx: DemoContext) {}

  readonly job: DemoJob = {
    id: 'store-associates',
    expression: STORE_ASSOCIATES_SCHEDULE,
    run: (at) => this.work(at),
  };

  /** Each store works through its queue; problems are reported once every item was tried. */
  async work(at: Date): Promise<void> {
    this.totals.runs++;
    const stores = this.ctx.sample.facilities.filter((f) => !isNetsuiteFulfilled(f));
    // An order's items one after the other (a line split between the two stores is one line).
    const byOrder = new Map<string, StoreQueueEntry[]>();
    for (const store of stores) {
      for (const item of await storeFulfillment(root()).storeQueue(store.facilityId)) {
        byOrder.set(item.orderId, [...(byOrder.get(item.orderId) ?? []), item]);
      }
    }
    const queue = [...byOrder.values()];
    const problems: string[] = [];
    const externalIds = new Map([...this.ctx.orders].map(([externalId, id]) => [id, externalId]));
    const worker = async () => {
      for (let items = queue.shift(); items; items = queue.shift()) {
        for (const item of items) {
          try {
            await this.handle(item, at, externalIds.get(item.orderId) ?? item.orderId);
          } catch (err) {
            problems.push(
              `${item.facilityId} ${item.orderId}/${item.lineSeq}: ${err instanceof Error ? err.message : String(err)}`,
            );
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (problems.length) {
      throw new Error(
        `store associates could not handle ${problems.length} item(s): ${problems.join('; ')}`,
      );
    }
  }

  /** Picks what is released, then ships (or reports not found) what is being picked. */
  private async handle(item: StoreQueueEntry, at: Date, externalId: string): Promise<void> {
    const shipping = storeShipping(root());
    const { facilityId, orderId, lineSeq } = item;
    const picked = [...item.picking];
    for (const r of item.released) {
      const pick = await shipping.pick({
        facilityId,
        orderId,
        lineSeq,
        releaseKey: r.releaseKey,
        quantity: r.quantity,
        actor: STORE_ACTOR,
        idempotencyKey: `demo-pick-${r.releaseKey}`,
      });
      if (!pick.replayed) this.totals.picks++;
      picked.push({
        shipmentKey: pick.shipmentKey,
        releaseKey: pick.releaseKey,
        quantity: pick.quantity,
      });
    }
    for (const p of picked) {
      const done: StoreItemHandled = {
        facilityId,
        orderId,
        lineSeq,
        quantity: p.quantity,
        releaseKey: p.releaseKey,
        shipmentKey: p.shipmentKey,
        at: at.toISOString(),
      };
      // Drawn by the order's external id, the line and the release number: the same seed finds
      // the same items missing, whatever ids the OMS gave the orders.
      const release = /-(R\d+)$/.exec(p.releaseKey)?.[1] ?? p.releaseKey;
      const draw = seededDraw(this.ctx.seed, `not-found/${externalId}/${lineSeq}/${release}`);
      if (draw < NOT_FOUND_SHARE) {
        const r = await shipping.notFound({
          facilityId,
          orderId,
          lineSeq,
          quantity: p.quantity,
          reason: 'NOT_FOUND',
          comments: 'not on the shelf',
          actor: STORE_ACTOR,
          idempotencyKey: `demo-not-found-${p.shipmentKey}`,
        });
        if (!r.replayed) this.totals.notFound.push(done);
        continue;
      }
      const shipped = await shipping.ship({
        facilityId,
        orderId,
        lineSeq,
        shipmentKey: p.shipmentKey,
        quantity: p.quantity,
        trackingNumbers: [trackingNumberFor(p.shipmentKey)],
        carrier: STORE_CARRIER,
        shippedAt: at.toISOString(),
        actor: STORE_ACTOR,
        idempotencyKey: `demo-ship-${p.shipmentKey}`,
      });
      if (!shipped.replayed) {
        this.totals.shipments++;
        this.totals.shippedUnits += shipped.quantity;
      }
    }
  }
}
