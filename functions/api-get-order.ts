/** `GET /orders/{orderId}`: the order (or its storefront external id) with lines and history. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, json } from '../shared/api/http.ts';
import { findOrder } from '../shared/orders/find-order.ts';
import { orderRuntime } from '../shared/orders/runtime.ts';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const id = event.pathParameters?.orderId ?? '';
    const view = await findOrder(orderRuntime().orders, id);
    if (!view) return json(404, { error: 'UNKNOWN_ORDER', message: `there is no order ${id}` });
    return json(200, view);
  } catch (err) {
    return errorResponse(err, 'GET /orders/{orderId}');
  }
}
