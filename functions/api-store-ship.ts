/**
 * `POST /stores/{facilityId}/shipments` with `{orderId, lineSeq, shipmentKey?, quantity?,
 * trackingNumbers?, carrier?, shippingMethod?, shippedAt?, idempotencyKey}`: the store ships
 * picked units: 3350 → 3700, and NetSuite is told (OMS-fulfilled export). 200 with the outcome
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
    const result = await storeShipping().ship({
      facilityId,
      orderId: b.orderId,
      lineSeq: b.lineSeq,
      shipmentKey: b.shipmentKey,
      quantity: b.quantity,
      trackingNumbers: b.trackingNumbers,
      carrier: b.carrier,
      shippingMethod: b.shippingMethod,
      shippedAt: b.shippedAt,
      idempotencyKey: b.idempotencyKey,
      actor: `store:${facilityId}`,
    });
    return json(200, result);
  } catch (err) {
    return errorResponse(err, 'POST /stores/{facilityId}/shipments');
  }
}
