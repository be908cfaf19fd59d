/** Looks an order up by OMS order id, or else by the storefront's external id. */
import type { OrderStore } from '../store/order-store.ts';
import { orderView, type OrderView } from './order-view.ts';

export async function findOrder(orders: OrderStore, id: string): Promise<OrderView | undefined> {
  if (!id || id.length > 128) return undefined;
  let records = await orders.order(id);
  let orderId = id;
  if (!records.header) {
    const byExternal = await orders.orderIdForExternal(id);
    if (!byExternal) return undefined;
    orderId = byExternal;
    records = await orders.order(orderId);
  }
  return records.header ? orderView(orderId, records) : undefined;
}
