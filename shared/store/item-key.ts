/**
 * A table item's key as DynamoDB's low-level API takes it, written out: what `marshall` makes
 * of `{ pk, sk }`, without its generic walk (issue #21: the sync reads and deletes keys by the
 * tens of thousands a run).
 */
import type { Item } from './batch-writer.ts';

export const keyItem = (pk: string, sk: string): Item => ({ pk: { S: pk }, sk: { S: sk } });
