/** `GET /stores/{facilityId}/queue`: the items allocated to a store for it to fulfil. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, json } from '../shared/api/http.ts';
import { storeFulfillment } from '../shared/brokering/store-fulfillment-wiring.ts';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const facilityId = event.pathParameters?.facilityId ?? '';
    const items = await storeFulfillment().storeQueue(facilityId);
    return json(200, { facilityId, items });
  } catch (err) {
    return errorResponse(err, 'GET /stores/{facilityId}/queue');
  }
}
