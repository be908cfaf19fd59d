/**
 * NetSuite's product export (`product/csv`, `id-value,good-identification-value`): the OMS SKU and
 * NetSuite's internal item id, one pair a row. The registry built from it maps either to the other.
 */
import { hash64 } from './hash64.ts';
import { HashMap64 } from './hash-map64.ts';
import { keyPartTooLong, PARTITION_KEY_MAX_BYTES } from './key-limits.ts';
import { accept, reject, type RowResult } from './row-result.ts';

/** The registry's keys (shared/store/product-store.ts): `PRODUCT#SKU#<sku>`, `PRODUCT#NSITEM#<id>`. */
const SKU_KEY_PREFIX = 'PRODUCT#SKU#';
const ITEM_KEY_PREFIX = 'PRODUCT#NSITEM#';

/** Values keyed by the catalog's column names. */
export type ProductRecord = Readonly<Record<'id-value' | 'good-identification-value', string>>;

export interface ProductRow {
  /** OMS SKU (`id-value`). */
  readonly sku: string;
  /** NetSuite internal item id (`good-identification-value`). */
  readonly itemId: string;
}

export function parseProductRow(rec: ProductRecord): RowResult<ProductRow> {
  const sku = rec['id-value'].trim();
  if (!sku) return reject('id-value', 'SKU is blank');
  const longSku = keyPartTooLong('SKU', sku, PARTITION_KEY_MAX_BYTES, SKU_KEY_PREFIX);
  if (longSku) return reject('id-value', longSku);
  const itemId = rec['good-identification-value'].trim();
  if (!itemId) return reject('good-identification-value', 'NetSuite item id is blank');
  const longId = keyPartTooLong(
    'NetSuite item id',
    itemId,
    PARTITION_KEY_MAX_BYTES,
    ITEM_KEY_PREFIX,
  );
  if (longId) return reject('good-identification-value', longId);
  if (!/^\d+$/.test(itemId)) {
    return reject(
      'good-identification-value',
      `NetSuite item id "${itemId}" is not a numeric internal id`,
    );
  }
  return accept({ sku, itemId });
}

export type ProductCheck =
  | { readonly kind: 'new' }
  /** The same pair again (harmless; nothing to write). */
  | { readonly kind: 'repeat'; readonly firstLine: number }
  | { readonly kind: 'conflict'; readonly field: string; readonly reason: string };

/**
 * What one product file has said so far, to refuse a second, different mapping for a SKU or an item
 * id within the file (the first stands). Hashes only — 12 bytes an entry — so a file of a million
 * products costs tens of megabytes at most, and the state can be checkpointed with `toBuffer`.
 */
export class ProductFileIndex {
  constructor(private readonly map = new HashMap64(1 << 12)) {}

  static fromBuffer(buf: Buffer): ProductFileIndex {
    return new ProductFileIndex(HashMap64.fromBuffer(buf));
  }

  toBuffer(): Buffer {
    return this.map.toBuffer();
  }

  /** Checks a row and, when it is new, remembers it as given on `line`. */
  check(row: ProductRow, line: number): ProductCheck {
    const pair = hash64(`P\u0000${row.sku}\u0000${row.itemId}`);
    const bySku = hash64(`S\u0000${row.sku}`);
    const byItem = hash64(`I\u0000${row.itemId}`);
    const same = this.map.get(pair);
    if (same !== undefined) return { kind: 'repeat', firstLine: same };
    const skuLine = this.map.get(bySku);
    if (skuLine !== undefined) {
      return {
        kind: 'conflict',
        field: 'good-identification-value',
        reason: `SKU "${row.sku}" is listed with item id "${row.itemId}", but line ${skuLine} gave it another item id; line ${skuLine} stands`,
      };
    }
    const itemLine = this.map.get(byItem);
    if (itemLine !== undefined) {
      return {
        kind: 'conflict',
        field: 'id-value',
        reason: `item id "${row.itemId}" is listed for SKU "${row.sku}", but line ${itemLine} gave it another SKU; line ${itemLine} stands`,
      };
    }
    this.map.set(pair, line);
    this.map.set(bySku, line);
    this.map.set(byItem, line);
    return { kind: 'new' };
  }
}
