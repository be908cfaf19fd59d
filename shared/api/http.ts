/** Helpers for the API Lambda handlers (API Gateway HTTP API, payload format 2.0). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorBody, RequestError } from '../domain/input/request-error.ts';
import { appendKeys } from '../lambda-shell/shell.ts';
import { jsonDepthProblem, MAX_JSON_DEPTH } from '../feeds/json-limits.ts';
import { count } from '../feeds/limits.ts';
import { requestActor } from '../auth/guard.ts';

export const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

export class BadRequest extends RequestError {
  constructor(message: string) {
    super('BAD_REQUEST', 400, message);
  }
}

/** No valid token (none, expired, not verifiable): answered 401, the page signs in again. */
export class Unauthorized extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthorized';
  }
}

/** Signed in, but not allowed this route or this store (`shared/auth/`): answered 403. */
export class Forbidden extends RequestError {
  declare readonly code: 'FORBIDDEN' | 'WRONG_STORE';

  constructor(code: 'FORBIDDEN' | 'WRONG_STORE', message: string) {
    super(code, 403, message);
  }
}

/** A JSON body over `MAX_JSON_BODY_BYTES`: answered 413. */
export class PayloadTooLarge extends RequestError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', 413, message);
  }
}

/** The largest JSON body a route reads (bytes): about 2,000 orders of ten lines. */
export const MAX_JSON_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The request body parsed as JSON (base64 bodies decoded): 413 (PayloadTooLarge) over
 * `MAX_JSON_BODY_BYTES`, 400 (BadRequest) when it is not JSON or nests deeper than
 * `MAX_JSON_DEPTH` — checked before parsing, so a hostile body costs one linear pass.
 */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body)
    throw new BadRequest('the request has no body; send a JSON order or array of orders');
  const bytes = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_JSON_BODY_BYTES) {
    throw new PayloadTooLarge(
      `the body has ${count(bytes.length)} bytes; a JSON body may have at most ${count(MAX_JSON_BODY_BYTES)} bytes`,
    );
  }
  const text = event.isBase64Encoded ? bytes.toString('utf8') : event.body;
  const tooDeep = jsonDepthProblem(text, MAX_JSON_DEPTH);
  if (tooDeep) throw new BadRequest(`the body is refused: ${tooDeep}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`the body is not valid JSON: ${err instanceof Error ? err.message : err}`);
  }
}

/**
 * Maps an error to a response: every refusal (`RequestError`: bad input, no access, command
 * errors) says why with its status and code, in one shape (`errorBody`);
 * anything else is a 500 that says nothing of the cause (the shell logs it with its context).
 */
export function errorResponse(err: unknown): APIGatewayProxyStructuredResultV2 {
  if (err instanceof Unauthorized)
    return {
      ...json(401, { error: 'UNAUTHENTICATED', message: err.message }),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': 'Bearer',
      },
    };
  if (err instanceof RequestError) return json(err.httpStatus, errorBody(err));
  return json(500, { error: 'INTERNAL', message: 'internal error; see the logs' });
}

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
