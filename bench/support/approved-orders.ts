/** Approved orders written straight into the orders table, as the benchmarks seed them. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { applyNetsuiteIds } from '../../shared/domain/orders/netsuite-ids.ts';
import { newOrder, type OrderInput } from '../../shared/domain/orders/order.ts';
import { type OrderStore } from '../../shared/store/order-store.ts';
import { HEADER_SK, orderPk } from '../../shared/store/order-items.ts';

/**
 * The items of an order created from `input` and approved with NetSuite's ids (`netsuiteOrderId`,
 * and line i's id `lineIdOf(i)`): its header, then its lines, marshalled for BatchWriteItem.
 */
export function approvedOrderItems(
  orders: Pick<OrderStore, 'lineItem'>,
  input: OrderInput,
  orderId: string,
  ids: { netsuiteOrderId: string; lineIdOf: (i: number) => string },
  now: string,
): Record<string, AttributeValue>[] {
  const created = newOrder(input, orderId, { now, source: 'bench', actor: 'bench' });
  const approved = applyNetsuiteIds(
    created.header,
    created.lines,
    {
      netsuiteOrderId: ids.netsuiteOrderId,
      lineIds: Object.fromEntries(created.lines.map((l, i) => [l.lineSeq, ids.lineIdOf(i)])),
    },
    now,
  );
  if (!approved.approved) throw new Error(`order ${orderId} not approved`);
  return [
    marshall(
      { pk: orderPk(orderId), sk: HEADER_SK, itemType: 'header', ...approved.header },
      { removeUndefinedValues: true },
    ),
    ...approved.lines.map((line) =>
      marshall(orders.lineItem(line), { removeUndefinedValues: true }),
    ),
  ];
}
