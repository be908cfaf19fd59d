/**
 * `POST /stores/{facilityId}/rejections` with `{orderId, lineSeq, quantity?, reason, comments?,
 * idempotencyKey}`: the store hands back an allocated item (re-brokered; an inventory reason also
 * adjusts inventory). 200 with the outcome (`replayed: true` for a repeated key), 400/404/409 why not.
 */
import { postCommand } from '../shared/auth/command-route.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { root, storeFulfillment } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-store-reject', kind: 'api' },
  postCommand('orderId, lineSeq, reason, …', ({ facilityId = '' }, b, actor) =>
    storeFulfillment(root()).rejectStoreItem({
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
