/**
 * `POST /stores/{facilityId}/not-found` with `{orderId, lineSeq, quantity?, reason?, comments?,
 * idempotencyKey}`: the store cannot find units it is picking (or released ones): 1400 at the
 * store, back to brokering (a `VAR_*` reason also adjusts inventory). 200 with the outcome
 * (`replayed: true` for a repeated key), 400/404/409 why not.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, errorResponse, json, jsonBody } from '../shared/api/http.ts';
import { storeShipping } from '../shared/fulfillment/store-shipping-wiring.ts';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const facilityId = event.pathParameters?.facilityId ?? '';
    const body = jsonBody(event);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequest(
        'the body must be one JSON object {orderId, lineSeq, idempotencyKey, …}',
      );
    const b = body as Record<string, unknown>;
    const result = await storeShipping().notFound({
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
    return errorResponse(err, 'POST /stores/{facilityId}/not-found');
  }
}
