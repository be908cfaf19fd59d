/**
 * Submitting orders over HTTP: one order object or an array of them. Each order is taken or
 * rejected on its own, so an invalid order does not block the valid ones.
 *
 * One order: 201 created; 200 duplicate (the same order again: idempotent); 409 conflict (its
 * external id is known with other content: `differences` says what, nothing was changed); 400
 * invalid. An array: 200 with one result per order, unless none was taken (400, or 409 when every
 * one was a conflict).
 */
import type { OrderIntake, SubmitMeta, SubmitResult } from './intake.ts';

/** Orders per request (a request is one Lambda invocation; a file import has no such limit). */
export const MAX_ORDERS_PER_REQUEST = 100;

export interface SubmitResponse {
  readonly statusCode: number;
  readonly body: unknown;
}

const describe = (r: SubmitResult) =>
  r.status === 'rejected'
    ? {
        status: r.status,
        order: r.order,
        errors: r.errors.map((e) => ({ field: e.field, message: e.message })),
        messages: r.messages,
      }
    : r;

export async function submitOrders(
  intake: OrderIntake,
  body: unknown,
  meta: Omit<SubmitMeta, 'position'>,
): Promise<SubmitResponse> {
  if (Array.isArray(body)) {
    if (body.length === 0) {
      return {
        statusCode: 400,
        body: { error: 'BAD_REQUEST', message: 'the array holds no orders' },
      };
    }
    if (body.length > MAX_ORDERS_PER_REQUEST) {
      return {
        statusCode: 413,
        body: {
          error: 'TOO_MANY_ORDERS',
          message: `at most ${MAX_ORDERS_PER_REQUEST} orders per request, got ${body.length}; use the storefront file feed for bulk`,
        },
      };
    }
    const results: SubmitResult[] = [];
    for (const [i, order] of body.entries()) {
      results.push(await intake.submit(order, { ...meta, position: i + 1 }));
    }
    const count = (s: SubmitResult['status']) => results.filter((r) => r.status === s).length;
    const summary = {
      created: count('created'),
      duplicate: count('duplicate'),
      conflict: count('conflict'),
      rejected: count('rejected'),
    };
    const taken = summary.created + summary.duplicate;
    return {
      statusCode: taken > 0 ? 200 : summary.conflict === results.length ? 409 : 400,
      body: { ...summary, results: results.map(describe) },
    };
  }
  if (typeof body !== 'object' || body === null) {
    return {
      statusCode: 400,
      body: {
        error: 'BAD_REQUEST',
        message: 'send one order (a JSON object) or an array of orders',
      },
    };
  }
  const result = await intake.submit(body, meta);
  if (result.status === 'rejected') {
    return { statusCode: 400, body: { error: 'INVALID_ORDER', ...describe(result) } };
  }
  if (result.status === 'conflict') {
    return { statusCode: 409, body: { error: 'ORDER_CONFLICT', ...result } };
  }
  return { statusCode: result.status === 'created' ? 201 : 200, body: result };
}
