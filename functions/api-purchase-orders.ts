/** The purchase-order routes (pre-order allocation; the merchandiser's page calls them). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { handlePreorderRequest } from '../shared/preorder/api.ts';
import { preorderRuntime, root } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-purchase-orders', kind: 'api' },
  (event: APIGatewayProxyEventV2) => handlePreorderRequest(event, preorderRuntime(root())),
);
