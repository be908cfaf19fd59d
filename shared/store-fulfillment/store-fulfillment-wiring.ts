/** Builds the store fulfilment service from the process-wide clients and configuration. */
import { orderRuntime } from '../orders/runtime.ts';
import { BrokeringStore } from '../store/brokering-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import { StoreFulfillment, type StoreFulfillmentDeps } from './store-fulfillment.ts';

export function storeFulfillment(overrides: Partial<StoreFulfillmentDeps> = {}): StoreFulfillment {
  const { orders, service } = orderRuntime();
  return new StoreFulfillment({
    orders,
    service,
    brokering: new BrokeringStore(dynamo(), table('control')),
    sync: new SyncStore(dynamo(), table('control')),
    deltas: new InventoryDeltaStore(dynamo(), table('inventory'), table('control')),
    ...overrides,
  });
}
