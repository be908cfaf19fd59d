/** Builds the purchase-order importer from the process-wide clients. */
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { PurchaseOrderStore } from '../store/purchase-order-store.ts';
import { purchaseOrderImporter as build } from './purchase-order-importer.ts';

export const purchaseOrderImporter = () =>
  build({
    purchaseOrders: new PurchaseOrderStore(dynamo(), table('inventory')),
    facilities: new FacilityStore(dynamo(), table('control')),
  });
