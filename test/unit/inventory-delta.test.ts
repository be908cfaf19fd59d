import { describe, expect, it } from 'vitest';
import { deltaRowId, parseDeltaRow, type DeltaRow } from '../../shared/domain/inventory-delta.ts';

const rec = (
  externalFacilityId: string,
  idValue: string,
  idType: string,
  availableDelta: string,
  comments = '',
) => ({ externalFacilityId, idValue, idType, availableDelta, comments });

const ok = (r: ReturnType<typeof parseDeltaRow>): DeltaRow => {
  if (!r.ok) throw new Error(`rejected: ${r.field} ${r.reason}`);
  return r.row;
};

describe('parseDeltaRow', () => {
  it('reads a SKU row, trimming values and keeping the sign', () => {
    expect(parseDeltaRow(rec(' 101 ', ' SKU-1 ', 'SKU', ' -3 ', ' IA-42 '))).toEqual({
      ok: true,
      row: {
        externalFacilityId: '101',
        idType: 'SKU',
        idValue: 'SKU-1',
        item: { kind: 'sku', sku: 'SKU-1' },
        delta: -3,
        comments: 'IA-42',
      },
    });
    expect(ok(parseDeltaRow(rec('101', 'S', 'SKU', '+2'))).delta).toBe(2);
    expect(ok(parseDeltaRow(rec('101', 'S', 'SKU', '4.0'))).delta).toBe(4);
  });

  it('reads NetSuite item id types (case-insensitively) as item ids', () => {
    expect(ok(parseDeltaRow(rec('101', '5001', 'NETSUITE_PRODUCT_ID', '6'))).item).toEqual({
      kind: 'netsuite-item',
      itemId: '5001',
    });
    const row = ok(parseDeltaRow(rec('101', '5001', 'netsuite_item_id', '6')));
    expect(row.idType).toBe('NETSUITE_ITEM_ID');
    expect(row.item).toEqual({ kind: 'netsuite-item', itemId: '5001' });
  });

  it('accepts a zero delta as 0 (also written -0 or +0)', () => {
    for (const zero of ['0', '-0', '+0', '0.0']) {
      expect(Object.is(ok(parseDeltaRow(rec('101', 'S', 'SKU', zero))).delta, 0)).toBe(true);
    }
  });

  it.each([
    [rec('', 'S', 'SKU', '1'), 'externalFacilityId', 'facility id is blank'],
    [rec('101', ' ', 'SKU', '1'), 'idValue', 'item id is blank'],
    [rec('101', 'S', '', '1'), 'idType', 'id type is blank'],
    [
      rec('101', 'S', 'UPCA', '1'),
      'idType',
      'unknown id type "UPCA" (expected SKU, NETSUITE_PRODUCT_ID, NETSUITE_ITEM_ID)',
    ],
    [
      rec('101', 'ABC', 'NETSUITE_PRODUCT_ID', '1'),
      'idValue',
      'NetSuite item id "ABC" is not a numeric internal id',
    ],
    [rec('101', 'S', 'SKU', ''), 'availableDelta', 'delta is blank'],
    [rec('101', 'S', 'SKU', 'abc'), 'availableDelta', 'delta "abc" is not a whole number'],
    [rec('101', 'S', 'SKU', '1.5'), 'availableDelta', 'delta "1.5" is not a whole number'],
    [rec('101', 'S', 'SKU', '1e3'), 'availableDelta', 'delta "1e3" is not a whole number'],
    [rec('101', 'S', 'SKU', '--1'), 'availableDelta', 'delta "--1" is not a whole number'],
  ])('rejects %j naming the field', (input, field, reason) => {
    expect(parseDeltaRow(input)).toEqual({ ok: false, field, reason });
  });
});

describe('deltaRowId', () => {
  const id = (feed: string, r: ReturnType<typeof rec>) => deltaRowId(feed, ok(parseDeltaRow(r)));
  const base = rec('101', 'SKU-1', 'SKU', '-3', 'IA-42');

  it('is the same for the same row, however NetSuite spaced or wrote the number', () => {
    expect(id('f', base)).toMatch(/^[0-9a-f]{64}$/);
    expect(id('f', rec(' 101', 'SKU-1 ', 'sku', '-3.0', ' IA-42'))).toBe(id('f', base));
  });

  it('differs when any of facility, id, id type, delta, comments or feed differs', () => {
    const ids = new Set([
      id('f', base),
      id('g', base),
      id('f', rec('102', 'SKU-1', 'SKU', '-3', 'IA-42')),
      id('f', rec('101', 'SKU-2', 'SKU', '-3', 'IA-42')),
      id('f', rec('101', '5001', 'NETSUITE_PRODUCT_ID', '-3', 'IA-42')),
      id('f', rec('101', '5001', 'NETSUITE_ITEM_ID', '-3', 'IA-42')),
      id('f', rec('101', 'SKU-1', 'SKU', '3', 'IA-42')),
      id('f', rec('101', 'SKU-1', 'SKU', '-3', 'IA-43')),
      id('f', rec('101', 'SKU-1', 'SKU', '-3', '')),
    ]);
    expect(ids.size).toBe(9);
  });

  it('cannot be forged by moving text between fields', () => {
    expect(id('f', rec('101', 'A', 'SKU', '1', 'B,C'))).not.toBe(
      id('f', rec('101', 'A', 'SKU', '1', 'B')),
    );
    expect(id('f', rec('10', '1A', 'SKU', '1'))).not.toBe(id('f', rec('101', 'A', 'SKU', '1')));
  });
});
