/** Builds the NetSuite fulfillment imports from the process-wide clients and configuration. */
import { netsuiteUtcOffset } from '../platform/config.ts';
import { orderRuntime } from '../orders/runtime.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { InventoryDeltaStore } from '../store/inventory-delta-store.ts';
import { ReflectStore } from '../store/reflect-store.ts';
import type { FulfillmentImportDeps } from './netsuite-fulfillment-import.ts';

export function fulfillmentImportDeps(
  overrides: Partial<FulfillmentImportDeps> = {},
): FulfillmentImportDeps {
  const facilities = new FacilityStore(dynamo(), table('control'));
  return {
    service: orderRuntime().service,
    facilities: () => facilities.list(),
    utcOffset: netsuiteUtcOffset(),
    // NetSuite's shipments are evidence for inventory holds (docs/inventory.md).
    evidence: {
      entries: new ReflectStore(dynamo(), table('control')),
      lines: orderRuntime().orders,
      // Units NetSuite shipped that the OMS no longer promised are held until a snapshot.
      holds: new InventoryDeltaStore(dynamo(), table('inventory'), table('control')),
    },
    ...overrides,
  };
}
