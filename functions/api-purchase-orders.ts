/** The purchase-order routes (pre-order allocation; the merchandiser's page calls them). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handlePreorderRequest } from '../shared/preorder/api.ts';
import { preorderRuntime } from '../shared/preorder/runtime.ts';

export const handler = (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => handlePreorderRequest(event, preorderRuntime());
