/** The composition root's accessors for store fulfilment (gathered by `root.ts`). */
import {
  StoreFulfillment,
  type StoreFulfillmentDeps,
} from '../store-fulfillment/store-fulfillment.ts';
import { StoreShipping, type StoreShippingDeps } from '../store-fulfillment/store-shipping.ts';
import {
  type Root,
  brokeringStore,
  inventoryDeltaStore,
  listFacilities,
  orderRuntime,
  syncStore,
} from './core.ts';

// ---------------------------------------------------------------------------------------------
// Store fulfilment

export function storeFulfillment(
  r: Root,
  overrides: Partial<StoreFulfillmentDeps> = {},
): StoreFulfillment {
  const { orders, service } = orderRuntime(r);
  return new StoreFulfillment({
    orders,
    service,
    brokering: brokeringStore(r),
    sync: syncStore(r),
    deltas: inventoryDeltaStore(r),
    ...overrides,
  });
}

export function storeShipping(r: Root, overrides: Partial<StoreShippingDeps> = {}): StoreShipping {
  const { orders, service } = orderRuntime(r);
  return new StoreShipping({
    orders,
    service,
    brokering: brokeringStore(r),
    sync: syncStore(r),
    facilities: listFacilities(r),
    handBack: storeFulfillment(r),
    ...overrides,
  });
}
