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
  ])('rejects %j/%j/%j/%j naming the field', (sku, fac, qty, id, field, reason) => {
    expect(row(sku, fac, qty, id)).toEqual({ ok: false, field, reason });
  });

  it.each(['abc', '0', '05001', '-5', '+5', '5.0', '1e3', '12 34', '1234567890123456789'])(
    'refuses idValue %j: not what a NetSuite internal id looks like',
    (id) => {
      expect(row('S', '7', '1', id)).toEqual({
        ok: false,
        field: 'idValue',
        reason: `NetSuite item id "${id}" is not a NetSuite internal id (a whole number from 1, at most 18 digits, no leading zero)`,
      });
    },
  );

  it.each(['1', '10', '5001', '103333', '123456789012345678'])('takes idValue %j', (id) => {
    expect(row('S', '7', '1', id)).toMatchObject({ ok: true, row: { itemId: id } });
  });

  it('refuses a SKU longer than its DynamoDB partition key holds (2,048 bytes), to the byte', () => {
    expect(row('S'.repeat(2048), '7', '1')).toMatchObject({ ok: true });
    expect(row('S'.repeat(2108), '7', '1')).toEqual({
      ok: false,
      field: 'Item',
      reason: 'SKU is 2,108 bytes long; at most 2,048 bytes fit in its DynamoDB key',
    });
    // Bytes, not characters: 683 three-byte characters are 2,049 bytes.
    expect(row('€'.repeat(682), '7', '1')).toMatchObject({ ok: true });
    expect(row('€'.repeat(683), '7', '1')).toMatchObject({ ok: false, field: 'Item' });
  });
});
