/**
 * The pre-order HTTP API: one handler for the purchase-order routes of `shared/api/routes.ts`,
 * dispatched on the route key (API Gateway payload 2.0). Errors (`PreorderError`, `BadRequest`)
 * are mapped by the Lambda shell to responses that say why, with the code the CLI and the page show.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, json, jsonBody } from '../api/http.ts';
import { requestActor } from '../auth/guard.ts';
import type { PreorderRuntime } from './services.ts';

type Body = Record<string, unknown>;

/** Who called: the verified token's user, or the IAM caller (`shared/auth/`). */
export const actorOf = (event: APIGatewayProxyEventV2): string => requestActor(event);

const body = (event: APIGatewayProxyEventV2): Body => {
  if (!event.body) return {};
  const value = jsonBody(event);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequest('the body must be a JSON object');
  }
  return value as Body;
};

const text = (b: Body, k: string): string | undefined =>
  typeof b[k] === 'string' && b[k] ? (b[k] as string) : undefined;

export async function handlePreorderRequest(
  event: APIGatewayProxyEventV2,
  rt: PreorderRuntime,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = event.routeKey;
  const p = event.pathParameters ?? {};
  const poId = p.poId ?? '';
  const lineId = p.lineId ?? '';
  const { allocation, supply } = rt;
  switch (route) {
    case 'GET /purchase-orders':
      return json(200, { purchaseOrders: await allocation.listPurchaseOrders() });
    case 'GET /purchase-orders/{poId}':
      return json(200, await allocation.purchaseOrder(poId));
    case 'GET /purchase-orders/{poId}/lines/{lineId}/allocations':
      return json(200, await allocation.review(poId, lineId));
    case 'GET /purchase-orders/{poId}/lines/{lineId}/candidates':
      return json(200, await allocation.candidates(poId, lineId));
    case 'POST /purchase-orders/{poId}/lines/{lineId}/allocations': {
      const b = body(event);
      const env = { idempotencyKey: text(b, 'idempotencyKey'), actor: actorOf(event) };
      return json(200, await allocation.allocate(poId, lineId, b.orders, env));
    }
    case 'POST /purchase-orders/{poId}/lines/{lineId}/sync-dates':
      return json(200, await allocation.syncDates(poId, lineId));
    case 'POST /purchase-orders/{poId}/lines/{lineId}/removals': {
      const b = body(event);
      const env = { idempotencyKey: text(b, 'idempotencyKey'), actor: actorOf(event) };
      return json(200, await allocation.remove(poId, lineId, b.orders, env));
    }
    case 'POST /purchase-orders/{poId}/cancel': {
      const b = body(event);
      const env = { idempotencyKey: text(b, 'idempotencyKey'), actor: actorOf(event) };
      return json(200, await supply.cancel(poId, env));
    }
    case 'POST /preorders/allocate': {
      const b = body(event);
      return json(200, await allocation.runFifo({ sku: text(b, 'sku'), actor: actorOf(event) }));
    }
    case 'POST /preorders/release': {
      const b = body(event);
      const sel = { poId: text(b, 'poId'), sku: text(b, 'sku'), orderId: text(b, 'orderId') };
      if (!sel.poId && !sel.sku && !sel.orderId) {
        throw new BadRequest('say what to release: poId, sku or orderId');
      }
      return json(200, await supply.release({ ...sel, actor: actorOf(event) }));
    }
    default:
      return json(404, { error: 'NOT_FOUND', message: `no pre-order route ${route}` });
  }
}
