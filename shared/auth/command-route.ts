/** Command routes whose actor is the verified caller (`guard.ts`), never the request body. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BadRequest, json, jsonBody } from '../api/http.ts';
import { appendKeys } from '../platform/invocation.ts';
import { requestActor } from './guard.ts';

/**
 * The work of a `POST` command route whose body is one JSON object: `run` gets the path
 * parameters, the body's fields and the actor (from the verified token, `shared/auth/`; never
 * from the body) and returns the outcome (200). Errors are left to the shell
 * (`lambdaShell` kind `api`): bad input and command errors answer 400/404/409 with why, anything
 * else 500.
 */
export function postCommand(
  fields: string,
  run: (
    path: Readonly<Record<string, string>>,
    body: Readonly<Record<string, unknown>>,
    actor: string,
  ) => Promise<unknown>,
): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => {
    const body = jsonBody(event);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequest(`the body must be one JSON object {${fields}}`);
    const { orderId } = body as { orderId?: unknown };
    if (typeof orderId === 'string') appendKeys({ orderId });
    const path = Object.fromEntries(
      Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v ?? '']),
    );
    return json(200, await run(path, body as Record<string, unknown>, requestActor(event)));
  };
}
