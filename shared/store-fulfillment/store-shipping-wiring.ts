/** Builds the store shipping service (pick, ship, not found) from the process-wide clients. */
import { storeFulfillment } from './store-fulfillment-wiring.ts';
import { orderRuntime } from '../orders/runtime.ts';
import { BrokeringStore } from '../store/brokering-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import { StoreShipping, type StoreShippingDeps } from './store-shipping.ts';

export function storeShipping(overrides: Partial<StoreShippingDeps> = {}): StoreShipping {
  const { orders, service } = orderRuntime();
  const facilities = new FacilityStore(dynamo(), table('control'));
  return new StoreShipping({
    orders,
    service,
    brokering: new BrokeringStore(dynamo(), table('control')),
    sync: new SyncStore(dynamo(), table('control')),
    facilities: () => facilities.list(),
    handBack: storeFulfillment(),
    ...overrides,
  });
}
