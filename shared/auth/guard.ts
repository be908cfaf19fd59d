/**
 * The authorization every HTTP handler goes through: the Lambda shell (kind `api`) calls
 * `authorizeRequest` before the handler's work, so no route can forget it. A refusal is thrown
 * as `Unauthorized` (401) or `Forbidden` (403) and answered with its reason; nothing is read or
 * changed. The handlers then take the actor from `requestActor(event)`, never from the body.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Forbidden, Unauthorized } from '../api/refusals.ts';
import { decide } from './policy.ts';
import { actorOf, principalOf, type Principal } from './principal.ts';

type ApiEvent = Pick<APIGatewayProxyEventV2, 'requestContext' | 'routeKey' | 'pathParameters'>;

/** The caller of an allowed request; throws Unauthorized/Forbidden otherwise. */
export function authorizeRequest(event: ApiEvent): Principal {
  const principal = principalOf(event);
  const route = event.routeKey ?? event.requestContext?.routeKey ?? '';
  const decision = decide(principal, route, event.pathParameters ?? {});
  if (decision.allow) return principal;
  if (decision.status === 401) throw new Unauthorized(decision.message);
  throw new Forbidden(decision.code, decision.message);
}

/** The actor of the request's history events, from the verified token (or the IAM caller). */
export const requestActor = (event: Pick<APIGatewayProxyEventV2, 'requestContext'>): string =>
  actorOf(principalOf(event));
