import { describe, expect, it } from 'vitest';
import { keyPartTooLong } from '../../shared/domain/key-limits.ts';
import { parseProductRow } from '../../shared/domain/product.ts';
import { deltaKeysTooLong } from '../../shared/jobs/inventory-delta-importer.ts';
import { staleKeySortKey } from '../../shared/store/stale-keys.ts';

describe('DynamoDB key limits, per row', () => {
  it('counts UTF-8 bytes and what the key adds around the value', () => {
    expect(keyPartTooLong('SKU', 'a'.repeat(2048), 2048)).toBeUndefined();
    expect(keyPartTooLong('SKU', 'a'.repeat(2049), 2048)).toBe(
      'SKU is 2,049 bytes long; at most 2,048 bytes fit in its DynamoDB key',
    );
    expect(keyPartTooLong('SKU', 'é'.repeat(1020), 2048, 'SKU#')).toBeUndefined();
    expect(keyPartTooLong('SKU', 'é'.repeat(1023), 2048, 'SKU#')).toMatch(
      /2,046 bytes long; at most 2,044/,
    );
  });

  it('a product row: SKU and item id must fit the registry keys', () => {
    expect(
      parseProductRow({ 'id-value': 'S'.repeat(2036), 'good-identification-value': '1' }),
    ).toMatchObject({ ok: true });
    expect(
      parseProductRow({ 'id-value': 'S'.repeat(2037), 'good-identification-value': '1' }),
    ).toEqual({
      ok: false,
      field: 'id-value',
      reason: 'SKU is 2,037 bytes long; at most 2,036 bytes fit in its DynamoDB key',
    });
    expect(
      parseProductRow({ 'id-value': 'S', 'good-identification-value': '9'.repeat(2100) }),
    ).toMatchObject({ ok: false, field: 'good-identification-value' });
  });

  it('a delta row: the stale-key marker (a 1,024-byte sort key) is the tightest', () => {
    const fits = 'S'.repeat(1024 - staleKeySortKey({ sku: '', facilityId: 'F-1' }).length);
    expect(deltaKeysTooLong(fits, 'F-1')).toBeUndefined();
    expect(deltaKeysTooLong(`${fits}S`, 'F-1')).toBe(
      `SKU is ${fits.length + 1} bytes long; at most ${fits.length} bytes fit in its DynamoDB key (the snapshot's stale-key marker)`.replace(
        /(\d)(\d{3}) bytes/g,
        '$1,$2 bytes',
      ),
    );
    expect(deltaKeysTooLong('S'.repeat(2108), 'F-1')).toMatch(
      /^SKU is 2,108 bytes long; at most 2,048/,
    );
  });
});
