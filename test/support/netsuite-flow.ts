/**
 * What the end-to-end tests of the NetSuite flow (brokering, fulfillment) load before they run,
 * into a started test cloud: two NetSuite-fulfilled warehouses and two stores, a routing of
 * "warehouses for the whole order, then stores split", a sample's products and mappings, and
 * NetSuite's figures per product and facility.
 */
import type { Sample } from '../../local/sample/netsuite-sample.ts';
import { BROKERING_QUEUE, parseRoutingConfig } from '../../shared/domain/brokering/index.ts';
import type { Facility } from '../../shared/domain/facility.ts';
import { BatchWriter } from '../../shared/store/batch-writer.ts';
import { BrokeringStore } from '../../shared/store/brokering-store.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { snapshotItem } from '../../shared/store/inventory-store.ts';
import { productItems, ProductStore } from '../../shared/store/product-store.ts';
import { mappingStore, root } from '../../shared/app/root.ts';

const warehouse = (facilityId: string, externalId: string, name: string, sequence: number) =>
  ({
    facilityId,
    externalId,
    name,
    kind: 'warehouse',
    groups: ['NETSUITE_FULFILLED'],
    subsidiary: '1',
    sequence,
  }) as const;
const store = (facilityId: string, externalId: string, name: string, sequence: number) =>
  ({
    facilityId,
    externalId,
    name,
    kind: 'store',
    groups: ['OMS_FULFILLED'],
    subsidiary: '1',
    sequence,
  }) as const;

export const FLOW_FACILITIES: Facility[] = [
  warehouse('WH-EAST', '101', 'East', 1),
  warehouse('WH-WEST', '102', 'West', 2),
  store('STORE-A', '201', 'Store A', 3),
  store('STORE-B', '202', 'Store B', 4),
];

export const FLOW_ROUTING = {
  runs: [
    {
      productStoreId: 'WEB',
      name: 'Web brokering',
      routings: [
        {
          name: 'Everything',
          orderFilters: { queue: [BROKERING_QUEUE] },
          orderSorts: ['orderDate'],
          inventoryRules: [
            {
              name: 'Warehouses, whole order',
              filters: { facilityGroup: { include: ['NETSUITE_FULFILLED'] } },
              sorts: ['customSequence'],
              partialAllocation: false,
            },
            {
              name: 'Stores, split',
              filters: { facilityGroup: { include: ['OMS_FULFILLED'] } },
              sorts: ['inventoryBalance'],
              partialAllocation: true,
            },
          ],
        },
      ],
    },
  ],
};

/** Loads products, mappings, facilities, the routing and NetSuite's figure per facility. */
export async function loadFlowReferenceData(
  sample: Sample,
  stock: Readonly<Record<string, number>>,
): Promise<void> {
  const products = new ProductStore(dynamo(), table('control')).writer();
  for (const p of sample.products) {
    for (const item of productItems(p, { file: 't', importedAt: 'now' })) await products.put(item);
  }
  await products.flush();
  await mappingStore(root()).save(sample.mappings);
  await saveFlowFacilitiesAndRouting();
  const inventory = new BatchWriter({
    client: dynamo(),
    table: table('inventory'),
    keyAttributes: ['pk', 'sk'],
  });
  for (const p of sample.products) {
    for (const [facilityId, qty] of Object.entries(stock)) {
      await inventory.put(
        snapshotItem(
          { sku: p.sku, facilityId, availableQty: qty, itemId: p.itemId },
          { file: 's', importedAt: 'now' },
        ),
      );
    }
  }
  await inventory.flush();
}

/** The facilities (with their NetSuite locations) and the routing, as an operator loads them. */
export async function saveFlowFacilitiesAndRouting(): Promise<void> {
  await new FacilityStore(dynamo(), table('control')).save(FLOW_FACILITIES);
  const parsed = parseRoutingConfig(FLOW_ROUTING);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await new BrokeringStore(dynamo(), table('control')).saveRouting(parsed.config);
}
