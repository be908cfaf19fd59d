/** Builds the cancellation service from the process-wide clients and configuration. */
import { orderRuntime } from '../orders/runtime.ts';
import { BrokeringStore } from '../store/brokering-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { PurchaseOrderStore } from '../store/purchase-order-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import { Cancellations, type CancellationDeps } from './cancellation.ts';

export function cancellations(overrides: Partial<CancellationDeps> = {}): Cancellations {
  const { orders, service } = orderRuntime();
  return new Cancellations({
    orders,
    service,
    sync: new SyncStore(dynamo(), table('control')),
    brokering: new BrokeringStore(dynamo(), table('control')),
    preorders: new PurchaseOrderStore(dynamo(), table('inventory')),
    facilities: () => new FacilityStore(dynamo(), table('control')).list(),
    ...overrides,
  });
}
