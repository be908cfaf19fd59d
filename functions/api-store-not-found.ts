/**
 * `POST /stores/{facilityId}/not-found` with `{orderId, lineSeq, quantity?, reason?, comments?,
 * idempotencyKey}`: the store cannot find units it is picking (or released ones): 1400 at the
 * store, back to brokering (a `VAR_*` reason also adjusts inventory). 200 with the outcome
 * (`replayed: true` for a repeated key), 400/404/409 why not.
 */
import { postCommand } from '../shared/auth/command-route.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { root, storeShipping } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-store-not-found', kind: 'api' },
  postCommand('orderId, lineSeq, idempotencyKey, …', ({ facilityId = '' }, b, actor) =>
    storeShipping(root()).notFound({
      facilityId,
      orderId: b.orderId,
      lineSeq: b.lineSeq,
      quantity: b.quantity,
      reason: b.reason,
      comments: b.comments,
      idempotencyKey: b.idempotencyKey,
      actor,
    }),
  ),
);
