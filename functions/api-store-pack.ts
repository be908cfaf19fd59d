/**
 * `POST /stores/{facilityId}/packs` with `{orderId, lineSeq, shipmentKey?, packages?,
 * idempotencyKey}`: the store packs a shipment it is picking (recorded on the shipment; the
 * quantity stays in 3350 until it ships). 200 with the outcome (`replayed: true` for a repeated
 * key), 400/404/409 why not.
 */
import { postCommand } from '../shared/auth/command-route.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { root, storeShipping } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-store-pack', kind: 'api' },
  postCommand('orderId, lineSeq, idempotencyKey, …', ({ facilityId = '' }, b, actor) =>
    storeShipping(root()).pack({
      facilityId,
      orderId: b.orderId,
      lineSeq: b.lineSeq,
      shipmentKey: b.shipmentKey,
      packages: b.packages,
      idempotencyKey: b.idempotencyKey,
      actor,
    }),
  ),
);
