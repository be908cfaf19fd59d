/**
 * `POST /stores/{facilityId}/rejections` with `{orderId, lineSeq, quantity?, reason, comments?,
 * idempotencyKey}`: the store hands back an allocated item (re-brokered; an inventory reason also
 * adjusts inventory). 200 with the outcome (`replayed: true` for a repeated key), 400/404/409 why not.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, errorResponse, json, jsonBody } from '../shared/api/http.ts';
import { storeFulfillment } from '../shared/brokering/store-fulfillment-wiring.ts';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const facilityId = event.pathParameters?.facilityId ?? '';
    const body = jsonBody(event);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequest('the body must be one JSON object {orderId, lineSeq, reason, …}');
    const b = body as Record<string, unknown>;
    const result = await storeFulfillment().rejectStoreItem({
      facilityId,
      orderId: b.orderId,
      lineSeq: b.lineSeq,
      quantity: b.quantity,
      reason: b.reason,
      comments: b.comments,
      idempotencyKey: b.idempotencyKey,
      actor: `store:${facilityId}`,
    });
    return json(200, result);
  } catch (err) {
    return errorResponse(err, 'POST /stores/{facilityId}/rejections');
  }
}
