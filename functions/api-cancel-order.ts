/**
 * `POST /orders/{orderId}/cancellations` with `{lineSeq?, quantity?, reason, note?,
 * idempotencyKey}`: cancels a line (or every line) for the customer (`CUSTOMER_…`) or the
 * merchant (`MERCHANT_…`). 200 with what was cancelled (`replayed: true` for a repeated key),
 * 400/404/409 why not. The actor of the history event is the caller the token names.
 */
import { postCommand } from '../shared/auth/command-route.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { cancellations, root } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-cancel-order', kind: 'api' },
  postCommand('reason, idempotencyKey, lineSeq?, …', ({ orderId = '' }, b, actor) =>
    cancellations(root()).cancel({
      orderId,
      lineSeq: b.lineSeq,
      quantity: b.quantity,
      reason: b.reason,
      note: b.note,
      idempotencyKey: b.idempotencyKey,
      actor,
    }),
  ),
);
