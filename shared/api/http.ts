/** Helpers for the API Lambda handlers (API Gateway HTTP API, payload format 2.0). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorBody, RequestError } from '../domain/input/request-error.ts';
import { Unauthorized } from './refusals.ts';
import { jsonDepthProblem, MAX_JSON_DEPTH } from '../feeds/json-limits.ts';
import { count } from '../feeds/limits.ts';

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
