/**
 * `POST /stores/{facilityId}/shipments` with `{orderId, lineSeq, shipmentKey?, quantity?,
 * trackingNumbers?, carrier?, shippingMethod?, shippedAt?, idempotencyKey}`: the store ships
 * picked units: 3350 → 3700, and NetSuite is told (OMS-fulfilled export). 200 with the outcome
 * (`replayed: true` for a repeated key), 400/404/409 why not.
 */
import { postCommand } from '../shared/auth/command-route.ts';
import { lambdaShell } from '../shared/lambda-shell/shell.ts';
import { root, storeShipping } from '../shared/app/root.ts';

export const handler = lambdaShell(
  { name: 'api-store-ship', kind: 'api' },
  postCommand('orderId, lineSeq, idempotencyKey, …', ({ facilityId = '' }, b, actor) =>
    storeShipping(root()).ship({
      facilityId,
      orderId: b.orderId,
      lineSeq: b.lineSeq,
      shipmentKey: b.shipmentKey,
      quantity: b.quantity,
      trackingNumbers: b.trackingNumbers,
      carrier: b.carrier,
      shippingMethod: b.shippingMethod,
      shippedAt: b.shippedAt,
      idempotencyKey: b.idempotencyKey,
      actor,
    }),
  ),
);
