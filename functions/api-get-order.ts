/** `GET /orders/{orderId}`: the order (or its storefront external id) with lines and history. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json } from '../shared/api/http.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { findOrder } from '../shared/orders/find-order.ts';
import { orderStore, root } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-get-order', kind: 'api' },
  async (event: APIGatewayProxyEventV2) => {
    const id = event.pathParameters?.orderId ?? '';
    const view = await findOrder(orderStore(root()), id);
    if (!view) return json(404, { error: 'UNKNOWN_ORDER', message: `there is no order ${id}` });
    return json(200, view);
  },
);
