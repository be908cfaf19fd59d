/**
 * The OMS's reference data before the day starts, loaded the way an operator loads it: products
 * (SKU ↔ NetSuite item id), facilities with their NetSuite location ids and groups (through the
 * same loader as `npx oms facility load`), and the shipping / payment / channel / subsidiary
 * mappings.
 */
import { loadFacilities } from '../../shared/jobs/load-facilities.ts';
import { dynamo, table } from '../../shared/store/dynamo-client.ts';
import { FacilityStore } from '../../shared/store/facility-store.ts';
import { ProductStore, productItems } from '../../shared/store/product-store.ts';
import { mappingStore, root } from '../../shared/app/root.ts';
import type { DemoSample } from './sample.ts';

export interface ReferenceDataReport {
  readonly products: number;
  readonly facilities: number;
  /** Facilities NetSuite fulfils from (group `NETSUITE_FULFILLED`). */
  readonly netsuiteFulfilled: number;
  readonly mappings: number;
}

export async function loadReferenceData(sample: DemoSample): Promise<ReferenceDataReport> {
  const products = new ProductStore(dynamo(), table('control'));
  const writer = products.writer();
  const meta = { file: 'demo', importedAt: new Date().toISOString() };
  for (const p of sample.products) for (const item of productItems(p, meta)) await writer.put(item);
  await writer.flush();

  const facilities = await loadFacilities(
    new FacilityStore(dynamo(), table('control')),
    JSON.stringify(sample.facilities),
    'demo facilities',
  );
  if (facilities.errors.length) {
    throw new Error(
      `demo facilities: ${facilities.errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`,
    );
  }

  await mappingStore(root()).save(sample.mappings);
  return {
    products: sample.products.length,
    facilities: facilities.loaded,
    netsuiteFulfilled: sample.facilities.filter((f) => f.groups.includes('NETSUITE_FULFILLED'))
      .length,
    mappings: sample.mappings.length,
  };
}
