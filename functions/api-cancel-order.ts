/**
 * `POST /orders/{orderId}/cancellations` with `{lineSeq?, quantity?, reason, note?,
 * idempotencyKey, actor?}`: cancels a line (or every line) for the customer (`CUSTOMER_…`) or the
 * merchant (`MERCHANT_…`). 200 with what was cancelled (`replayed: true` for a repeated key),
 * 400/404/409 why not.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, errorResponse, json, jsonBody } from '../shared/api/http.ts';
import { cancellations } from '../shared/fulfillment/cancellation-wiring.ts';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const body = jsonBody(event);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequest(
        'the body must be one JSON object {reason, idempotencyKey, lineSeq?, …}',
      );
    const b = body as Record<string, unknown>;
    const result = await cancellations().cancel({
      orderId: event.pathParameters?.orderId ?? '',
      lineSeq: b.lineSeq,
      quantity: b.quantity,
      reason: b.reason,
      note: b.note,
      idempotencyKey: b.idempotencyKey,
      actor: typeof b.actor === 'string' && b.actor.trim() ? `api:${b.actor}` : 'api',
    });
    return json(200, result);
  } catch (err) {
    return errorResponse(err, 'POST /orders/{orderId}/cancellations');
  }
}
