/**
 * The product importer (`product/csv`, `id-value,good-identification-value`): upserts the product
 * registry, SKU ↔ NetSuite internal item id, with BatchWriteItem.
 *
 * Within one file, a SKU listed with two different item ids (or an item id with two SKUs) is
 * reported for the later line and the first stands; the same pair repeated is harmless and written
 * once. What the file has said so far is checkpointed with the file's progress, so a resumed run
 * keeps checking against the lines before the checkpoint. Across files the later file wins; a
 * mapping that changed leaves the old partner's record behind, which lookups ignore (see
 * shared/store/product-store.ts).
 */
import { createHash } from 'node:crypto';
import { parseProductRow, ProductFileIndex, type ProductRecord } from '../domain/product.ts';
import type { CsvImporter, CsvImportSession } from '../feeds/file-import.ts';
import type { StateObjects } from '../files/state-objects.ts';
import { productItems, type ProductStore } from '../store/product-store.ts';

export interface ProductImporterDeps {
  readonly products: ProductStore;
  readonly state: StateObjects;
  /** BatchWriteItem calls in flight. */
  readonly concurrency?: number;
}

export function productImporter(deps: ProductImporterDeps): CsvImporter {
  return {
    async open({ key, fileName, eTag, resumed }): Promise<CsvImportSession> {
      const seenObject = `products/imports/${createHash('sha256')
        .update(`${key}#${eTag}`)
        .digest('hex')
        .slice(0, 32)}.seen`;
      const stored = resumed ? await deps.state.get(seenObject) : undefined;
      const index = stored ? ProductFileIndex.fromBuffer(stored) : new ProductFileIndex();
      const writer = deps.products.writer(deps.concurrency);
      const importedAt = new Date().toISOString();
      let written = 0;
      let repeated = 0;

      return {
        async row(record, line) {
          const parsed = parseProductRow(record as ProductRecord);
          if (!parsed.ok) return { field: parsed.field, reason: parsed.reason };
          const check = index.check(parsed.row, line);
          if (check.kind === 'conflict') return { field: check.field, reason: check.reason };
          if (check.kind === 'repeat') {
            repeated++;
            return undefined;
          }
          for (const item of productItems(parsed.row, { file: fileName, importedAt })) {
            await writer.put(item);
          }
          written++;
          return undefined;
        },
        async checkpoint() {
          await writer.flush();
          await deps.state.put(seenObject, index.toBuffer());
        },
        async finish() {
          await writer.flush();
          return { written, repeated, retries: writer.stats.retries };
        },
      };
    },
  };
}
