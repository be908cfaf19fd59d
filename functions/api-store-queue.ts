/** `GET /stores/{facilityId}/queue`: the items allocated to a store for it to fulfil. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json } from '../shared/api/http.ts';
import { root, storeFulfillment } from '../shared/app/root.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';

export const handler = lambdaShell(
  { name: 'api-store-queue', kind: 'api' },
  async (event: APIGatewayProxyEventV2) => {
    const facilityId = event.pathParameters?.facilityId ?? '';
    const items = await storeFulfillment(root()).storeQueue(facilityId);
    return json(200, { facilityId, items });
  },
);
