/** Builds the product importer from the process-wide clients and configuration. */
import { config } from '../platform/config.ts';
import { s3 } from '../files/s3-client.ts';
import { StateObjects } from '../files/state-objects.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { ProductStore } from '../store/product-store.ts';
import { productImporter as build, type ProductImporterDeps } from './product-importer.ts';

export function productImporterDeps(
  overrides: Partial<ProductImporterDeps> = {},
): ProductImporterDeps {
  return {
    products: new ProductStore(dynamo(), table('control')),
    state: new StateObjects(s3(), config().bucket),
    ...overrides,
  };
}

export const productImporter = (overrides: Partial<ProductImporterDeps> = {}) =>
  build(productImporterDeps(overrides));
