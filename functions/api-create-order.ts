/** `POST /orders`: one storefront order, or an array of them (see docs/order.schema.json). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, json, jsonBody } from '../shared/api/http.ts';
import { submitOrders } from '../shared/orders/submit.ts';
import { orderRuntime } from '../shared/orders/runtime.ts';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const body = jsonBody(event);
    const out = await submitOrders(orderRuntime().intake, body, { source: 'http', actor: 'api' });
    return json(out.statusCode, out.body);
  } catch (err) {
    return errorResponse(err, 'POST /orders');
  }
}
