/** `POST /orders`: one storefront order, or an array of them (see docs/order.schema.json). */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json, jsonBody } from '../shared/api/http.ts';
import { requestActor } from '../shared/auth/guard.ts';
import { appendKeys, lambdaShell } from '../shared/lambda-shell/shell.ts';
import { submitOrders } from '../shared/orders/submit.ts';
import { orderRuntime, root } from '../shared/app/root.ts';

export const handler = lambdaShell(
  {
    name: 'api-create-order',
    kind: 'api',
    // One order: 201 created / 200 duplicate; an array: the counts in the body.
    metrics: (response, add) => {
      const body = typeof response.body === 'string' ? safeParse(response.body) : undefined;
      if (typeof body?.created === 'number') add('OrdersCreated', body.created);
      else if (response.statusCode === 201) add('OrdersCreated', 1);
      const refused = (Number(body?.rejected) || 0) + (Number(body?.conflict) || 0);
      if (refused > 0) add('OrdersRefused', refused);
    },
  },
  async (event: APIGatewayProxyEventV2) => {
    const body = jsonBody(event);
    const externalId = (body as { externalId?: unknown } | null)?.externalId;
    if (typeof externalId === 'string') appendKeys({ externalId });
    const out = await submitOrders(orderRuntime(root()).intake, body, {
      source: 'http',
      actor: requestActor(event),
    });
    const orderId = (out.body as { orderId?: unknown } | null)?.orderId;
    if (typeof orderId === 'string') appendKeys({ orderId });
    return json(out.statusCode, out.body);
  },
);

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
