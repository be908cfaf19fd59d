/** The pre-order services as one process uses them (on the order core's runtime). */
import { orderRuntime } from '../orders/runtime.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { PreorderQueueStore } from '../store/preorder-queue-store.ts';
import { PurchaseOrderStore } from '../store/purchase-order-store.ts';
import { AllocationService, type PreorderDeps } from './allocation-service.ts';
import { SupplyService } from './supply-service.ts';

export interface PreorderRuntime {
  readonly deps: PreorderDeps;
  readonly allocation: AllocationService;
  readonly supply: SupplyService;
}

/** Builds the services over given stores (tests run several at once against one table). */
export function preorderServices(deps: PreorderDeps): PreorderRuntime {
  const allocation = new AllocationService(deps);
  return { deps, allocation, supply: new SupplyService(deps, allocation) };
}

let runtime: PreorderRuntime | undefined;

export function preorderRuntime(): PreorderRuntime {
  if (!runtime) {
    const core = orderRuntime();
    runtime = preorderServices({
      service: core.service,
      orders: core.orders,
      purchaseOrders: new PurchaseOrderStore(dynamo(), table('inventory')),
      queue: new PreorderQueueStore(dynamo(), table('orders')),
    });
  }
  return runtime;
}

/** Hours a PO may be missing from NetSuite's open list before it is closed (OMS_PO_ABSENT_HOURS). */
export const poAbsentHours = (): number => Number(process.env.OMS_PO_ABSENT_HOURS) || 48;
