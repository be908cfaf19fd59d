import { describe, expect, it } from 'vitest';
import { parseProductRow, ProductFileIndex } from '../../shared/domain/product.ts';

const row = (sku: string, itemId: string) =>
  parseProductRow({ 'id-value': sku, 'good-identification-value': itemId });

describe('parseProductRow', () => {
  it('reads a SKU and a NetSuite item id, trimmed', () => {
    expect(row(' SKU-1 ', ' 5001 ')).toEqual({ ok: true, row: { sku: 'SKU-1', itemId: '5001' } });
  });

  it.each([
    ['', '5001', 'id-value', 'SKU is blank'],
    ['SKU-1', '  ', 'good-identification-value', 'NetSuite item id is blank'],
    [
      'SKU-1',
      'A-1',
      'good-identification-value',
      'NetSuite item id "A-1" is not a numeric internal id',
    ],
  ])('rejects %j/%j naming the field', (sku, itemId, field, reason) => {
    expect(row(sku, itemId)).toEqual({ ok: false, field, reason });
  });
});

describe('ProductFileIndex', () => {
  it('accepts new pairs, calls the same pair again a repeat, and refuses a second mapping', () => {
    const index = new ProductFileIndex();
    expect(index.check({ sku: 'A', itemId: '1' }, 2)).toEqual({ kind: 'new' });
    expect(index.check({ sku: 'B', itemId: '2' }, 3)).toEqual({ kind: 'new' });
    expect(index.check({ sku: 'A', itemId: '1' }, 4)).toEqual({ kind: 'repeat', firstLine: 2 });
    expect(index.check({ sku: 'A', itemId: '9' }, 5)).toEqual({
      kind: 'conflict',
      field: 'good-identification-value',
      reason:
        'SKU "A" is listed with item id "9", but line 2 gave it another item id; line 2 stands',
    });
    expect(index.check({ sku: 'C', itemId: '2' }, 6)).toEqual({
      kind: 'conflict',
      field: 'id-value',
      reason: 'item id "2" is listed for SKU "C", but line 3 gave it another SKU; line 3 stands',
    });
    // A refused row is not remembered: its item id and SKU stay free.
    expect(index.check({ sku: 'D', itemId: '9' }, 7)).toEqual({ kind: 'new' });
    expect(index.check({ sku: 'C', itemId: '3' }, 8)).toEqual({ kind: 'new' });
  });

  it('keeps what it has seen across a checkpoint (toBuffer / fromBuffer)', () => {
    const index = new ProductFileIndex();
    for (let i = 0; i < 5_000; i++)
      index.check({ sku: `SKU-${i}`, itemId: String(10_000 + i) }, i + 2);
    const again = ProductFileIndex.fromBuffer(index.toBuffer());
    expect(again.check({ sku: 'SKU-42', itemId: '10042' }, 9_000)).toEqual({
      kind: 'repeat',
      firstLine: 44,
    });
    expect(again.check({ sku: 'SKU-42', itemId: '1' }, 9_001)).toMatchObject({
      kind: 'conflict',
      field: 'good-identification-value',
    });
    expect(again.check({ sku: 'NEW', itemId: '10043' }, 9_002)).toMatchObject({
      kind: 'conflict',
      field: 'id-value',
    });
  });

  it('does not confuse a SKU with an item id that reads the same', () => {
    const index = new ProductFileIndex();
    expect(index.check({ sku: '100', itemId: '200' }, 2)).toEqual({ kind: 'new' });
    expect(index.check({ sku: '200', itemId: '100' }, 3)).toEqual({ kind: 'new' });
  });
});
