/**
 * `POST /stores/{facilityId}/picks` with `{orderId, lineSeq, releaseKey?, quantity?,
 * idempotencyKey}`: the store picks (and packs) released units: 3200 → 3350, a new shipment key.
 * 200 with the outcome (`replayed: true` for a repeated key), 400/404/409 why not.
 */
import { postCommand } from '../shared/auth/command-route.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { root, storeShipping } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-store-pick', kind: 'api' },
  postCommand('orderId, lineSeq, idempotencyKey, …', ({ facilityId = '' }, b, actor) =>
    storeShipping(root()).pick({
      facilityId,
      orderId: b.orderId,
      lineSeq: b.lineSeq,
      releaseKey: b.releaseKey,
      quantity: b.quantity,
      idempotencyKey: b.idempotencyKey,
      actor,
    }),
  ),
);
