/**
 * The product registry in the control table: NetSuite's internal item id for every SKU, from the
 * `product/csv` export. Two records a product, one per direction:
 *
 * - pk `PRODUCT#NSITEM#<itemId>`, sk `PRODUCT` → `sku`   (deltas and fulfillments name item ids)
 * - pk `PRODUCT#SKU#<sku>`,       sk `PRODUCT` → `itemId` (the sales order export needs item ids)
 *
 * Each import upserts both. When NetSuite re-maps a SKU or an item id, the record for the old
 * partner is not deleted (a blind BatchWriteItem cannot know it); instead a lookup follows the
 * pointer and checks that the record on the other side points back. A mapping exists only when both
 * records agree, so a stale record reads as "unknown", never as a wrong item.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ProductRow } from '../domain/product.ts';
import { batchGetAll } from './batch-get.ts';
import { BatchWriter, type Item } from './batch-writer.ts';

export const PRODUCT_SK = 'PRODUCT';
const ITEM_PREFIX = 'PRODUCT#NSITEM#';
const SKU_PREFIX = 'PRODUCT#SKU#';

export const productItemKey = (itemId: string): Item => ({
  pk: { S: `${ITEM_PREFIX}${itemId}` },
  sk: { S: PRODUCT_SK },
});

export const productSkuKey = (sku: string): Item => ({
  pk: { S: `${SKU_PREFIX}${sku}` },
  sk: { S: PRODUCT_SK },
});

export interface ProductMeta {
  /** The file the mapping came from. */
  readonly file: string;
  /** ISO time of the import. */
  readonly importedAt: string;
}

/** The two registry records of one product. */
export function productItems(row: ProductRow, meta: ProductMeta): [Item, Item] {
  const common = { file: { S: meta.file }, updatedAt: { S: meta.importedAt } };
  return [
    { ...productItemKey(row.itemId), sku: { S: row.sku }, itemId: { S: row.itemId }, ...common },
    { ...productSkuKey(row.sku), sku: { S: row.sku }, itemId: { S: row.itemId }, ...common },
  ];
}

/** A registry entry as the operator sees it. */
export interface ProductMapping {
  readonly sku: string;
  readonly itemId: string;
  readonly file: string;
  readonly updatedAt: string;
}

export class ProductStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** A writer for the registry records (BatchWriteItem, deduplicated, bounded in flight). */
  writer(concurrency = 16): BatchWriter {
    return new BatchWriter({
      client: this.client,
      table: this.table,
      keyAttributes: ['pk', 'sk'],
      concurrency,
    });
  }

  /** The SKU of a NetSuite item id, when the registry knows it both ways. */
  async skuForItemId(itemId: string): Promise<string | undefined> {
    return (await this.skusForItemIds([itemId])).get(itemId);
  }

  /** NetSuite's item id for a SKU, when the registry knows it both ways. */
  async itemIdForSku(sku: string): Promise<string | undefined> {
    return (await this.itemIdsForSkus([sku])).get(sku);
  }

  /** item id → SKU for those of `itemIds` the registry knows (absent ones are left out). */
  async skusForItemIds(itemIds: readonly string[]): Promise<Map<string, string>> {
    const forward = await this.getAll([...new Set(itemIds)].map(productItemKey));
    const claimed = new Map<string, string>();
    for (const item of forward) {
      if (item.sku?.S && item.itemId?.S) claimed.set(item.itemId.S, item.sku.S);
    }
    const back = await this.getAll([...new Set(claimed.values())].map(productSkuKey));
    const itemOfSku = new Map(back.map((i) => [i.sku?.S ?? '', i.itemId?.S ?? '']));
    return new Map([...claimed].filter(([itemId, sku]) => itemOfSku.get(sku) === itemId));
  }

  /** SKU → item id for those of `skus` the registry knows (absent ones are left out). */
  async itemIdsForSkus(skus: readonly string[]): Promise<Map<string, string>> {
    const forward = await this.getAll([...new Set(skus)].map(productSkuKey));
    const claimed = new Map<string, string>();
    for (const item of forward) {
      if (item.sku?.S && item.itemId?.S) claimed.set(item.sku.S, item.itemId.S);
    }
    const back = await this.getAll([...new Set(claimed.values())].map(productItemKey));
    const skuOfItem = new Map(back.map((i) => [i.itemId?.S ?? '', i.sku?.S ?? '']));
    return new Map([...claimed].filter(([sku, itemId]) => skuOfItem.get(itemId) === sku));
  }

  /** The SKU's registry record, and whether the item id's record agrees (for the operator). */
  async show(sku: string): Promise<(ProductMapping & { readonly confirmed: boolean }) | undefined> {
    const [item] = await this.getAll([productSkuKey(sku)]);
    if (!item?.itemId?.S) return undefined;
    const confirmed = (await this.itemIdsForSkus([sku])).get(sku) === item.itemId.S;
    return {
      sku,
      itemId: item.itemId.S,
      file: item.file?.S ?? '',
      updatedAt: item.updatedAt?.S ?? '',
      confirmed,
    };
  }

  private getAll(keys: readonly Item[]): Promise<Item[]> {
    return batchGetAll(this.client, this.table, keys);
  }
}
