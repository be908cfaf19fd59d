/**
 * Pre-order allocation on a fresh in-memory DynamoDB Local: the order core plus the purchase-order
 * store, the pre-order queue and the services, with helpers to create approved pre-orders and POs.
 */
import { randomUUID } from 'node:crypto';
import { OrderService } from '../../shared/orders/order-service.ts';
import { StateCache } from '../../shared/orders/state-cache.ts';
import { type PreorderRuntime, preorderServices } from '../../shared/preorder/services.ts';
import { PreorderQueueStore } from '../../shared/store/preorder-queue-store.ts';
import { PurchaseOrderStore } from '../../shared/store/purchase-order-store.ts';
import { tableName } from '../../shared/store/tables.ts';
import type { LineState } from '../../shared/domain/lifecycle/index.ts';
import { sampleOrder, startOrderCore, type OrderCore } from './order-core.ts';

export interface PreorderCore extends OrderCore {
  readonly purchaseOrders: PurchaseOrderStore;
  readonly queue: PreorderQueueStore;
  readonly pre: PreorderRuntime;
  /** Another set of services with their own order-service cache (another process, in effect). */
  another(): PreorderRuntime;
  /** Upserts a PO line as the import does. */
  addPoLine(po: {
    poId: string;
    lineId: string;
    sku: string;
    quantity: number;
    arrivalDate: string;
    facilityId?: string;
  }): Promise<void>;
  /** Creates a pre-order (one pre-order line per entry) and, unless `approved: false`, approves it. */
  preorder(opts: {
    date: string;
    lines: ReadonlyArray<{ sku: string; quantity: number; preOrder?: boolean }>;
    approved?: boolean;
    name?: string;
  }): Promise<string>;
  line(orderId: string, lineSeq?: string): Promise<LineState>;
}

export const key = (): string => `t-${randomUUID()}`;
export const actor = 'test';

export async function startPreorderCore(): Promise<PreorderCore> {
  const core = await startOrderCore();
  const purchaseOrders = new PurchaseOrderStore(core.client, tableName(core.prefix, 'inventory'));
  const queue = new PreorderQueueStore(core.client, tableName(core.prefix, 'orders'));
  const build = (service: OrderService) =>
    preorderServices({ service, orders: core.orders, purchaseOrders, queue });
  return {
    ...core,
    purchaseOrders,
    queue,
    pre: build(core.service),
    another: () =>
      build(
        new OrderService({
          orders: core.orders,
          positions: core.positions,
          cache: new StateCache(),
        }),
      ),
    async addPoLine(po) {
      const facilityId = po.facilityId ?? 'WH-EAST';
      const meta = { file: 'test.csv', at: new Date().toISOString() };
      await purchaseOrders.touchHeader(po.poId, facilityId, meta);
      await purchaseOrders.upsertLine(
        {
          poId: po.poId,
          lineId: po.lineId,
          sku: po.sku,
          quantity: po.quantity,
          externalFacilityId: '101',
          arrivalDate: po.arrivalDate,
          facilityId,
        },
        meta,
      );
    },
    async preorder(opts) {
      const order = sampleOrder(
        { date: opts.date, ...(opts.name ? { name: opts.name } : {}) },
        opts.lines.map((l) => ({
          sku: l.sku,
          quantity: l.quantity,
          price: 10,
          shippingMethod: 'STANDARD',
          preOrder: l.preOrder ?? true,
        })),
      );
      const created = await core.intake.submit(order, { source: 'test', actor });
      if (created.status !== 'created') throw new Error(`order not created: ${created.status}`);
      if (opts.approved !== false) {
        await core.service.recordNetsuiteIds({
          orderId: created.orderId,
          netsuiteOrderId: String(Math.floor(Math.random() * 1e9)),
          lineIds: Object.fromEntries(
            opts.lines.map((_, i) => [String(i + 1).padStart(5, '0'), String(7000 + i)]),
          ),
          idempotencyKey: key(),
          actor,
        });
      }
      return created.orderId;
    },
    async line(orderId, lineSeq = '00001') {
      const order = await core.orders.order(orderId);
      const line = order.lines.find((l) => l.lineSeq === lineSeq);
      if (!line) throw new Error(`no line ${orderId}/${lineSeq}`);
      return line;
    },
  };
}
