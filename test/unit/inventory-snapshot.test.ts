import { describe, expect, it } from 'vitest';
import { parseSnapshotRow } from '../../shared/domain/inventory-snapshot.ts';

const row = (Item: string, externalFacilityId: string, availableQty: string, idValue = '') =>
  parseSnapshotRow({ Item, externalFacilityId, availableQty, idValue });

describe('parseSnapshotRow', () => {
  it('accepts a NetSuite row, trimming values and reading 12.0 as 12', () => {
    expect(row(' SKU-1 ', '7', '12.0', '1234')).toEqual({
      ok: true,
      row: { sku: 'SKU-1', facilityId: '7', availableQty: 12, itemId: '1234' },
    });
    expect(row('SKU-1', '7', '0')).toMatchObject({
      ok: true,
      row: { availableQty: 0, itemId: '' },
    });
  });

  it.each([
    ['', '7', '1', '', 'Item', 'SKU is blank'],
    ['S', ' ', '1', '', 'externalFacilityId', 'facility id is blank'],
    ['S', '7', '', '', 'availableQty', 'quantity is blank'],
    ['S', '7', '-3', '', 'availableQty', 'quantity "-3" is negative'],
    ['S', '7', 'ten', '', 'availableQty', 'quantity "ten" is not a whole number'],
    ['S', '7', '1.5', '', 'availableQty', 'quantity "1.5" is not a whole number'],
    ['S', '7', '1e3', '', 'availableQty', 'quantity "1e3" is not a whole number'],
    ['S', '7', '1', 'abc', 'idValue', 'NetSuite item id "abc" is not a numeric internal id'],
  ])('rejects %j/%j/%j/%j naming the field', (sku, fac, qty, id, field, reason) => {
    expect(row(sku, fac, qty, id)).toEqual({ ok: false, field, reason });
  });
});
