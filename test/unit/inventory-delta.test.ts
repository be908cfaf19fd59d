import { describe, expect, it } from 'vitest';
import {
  deltaEffect,
  deltaRowId,
  deltaTiming,
  foldedDelta,
  parseDeltaRow,
  skipReason,
  type DeltaRow,
} from '../../shared/domain/inventory-delta.ts';

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

describe('deltas and snapshots in one time frame', () => {
  const m = (minutes: number) => minutes * 60_000;
  const L = m(45);

  it('places a delta file against the snapshot: before it, after it, or straddling it', () => {
    const S = m(600);
    // E < S − L: the snapshot holds it.
    expect(deltaTiming({ uploadedAt: S - L - 1, previousAt: 0, snapshotAt: S, lagMs: L })).toBe(
      'in-snapshot',
    );
    // Uploaded before the snapshot, but not more than L before it: not known to be in it.
    expect(deltaTiming({ uploadedAt: S - L, previousAt: 0, snapshotAt: S, lagMs: L })).toBe(
      'straddling',
    );
    // P > S + L: every change after the search.
    expect(
      deltaTiming({ uploadedAt: S + m(60), previousAt: S + L + 1, snapshotAt: S, lagMs: L }),
    ).toBe('after-snapshot');
    expect(deltaTiming({ uploadedAt: S + m(60), previousAt: S + L, snapshotAt: S, lagMs: L })).toBe(
      'straddling',
    );
    // No previous file of the feed: its window is open to the past.
    expect(deltaTiming({ uploadedAt: S + m(600), snapshotAt: S, lagMs: L })).toBe('straddling');
    // No snapshot imported yet: every delta applies.
    expect(deltaTiming({ uploadedAt: m(1), lagMs: L })).toBe('after-snapshot');
    // L = 0: S3 keeps times to the second, so a file of the snapshot's second is not known to be
    // before or after it.
    expect(deltaTiming({ uploadedAt: S, previousAt: 0, snapshotAt: S, lagMs: 0 })).toBe(
      'straddling',
    );
    expect(deltaTiming({ uploadedAt: S - 1_000, previousAt: 0, snapshotAt: S, lagMs: 0 })).toBe(
      'in-snapshot',
    );
    expect(deltaTiming({ uploadedAt: S + 1_000, previousAt: S, snapshotAt: S, lagMs: 0 })).toBe(
      'straddling',
    );
    expect(
      deltaTiming({ uploadedAt: S + 2_000, previousAt: S + 1_000, snapshotAt: S, lagMs: 0 }),
    ).toBe('after-snapshot');
  });

  it('applies all of a row after the snapshot, none in it, and only a loss when straddling', () => {
    expect(deltaEffect(5, 'after-snapshot')).toBe(5);
    expect(deltaEffect(-5, 'after-snapshot')).toBe(-5);
    expect(deltaEffect(5, 'in-snapshot')).toBe(0);
    expect(deltaEffect(-5, 'in-snapshot')).toBe(0);
    expect(deltaEffect(-5, 'straddling')).toBe(-5);
    expect(deltaEffect(5, 'straddling')).toBe(0);
    expect(skipReason(-5, 'in-snapshot')).toBe('inSnapshot');
    expect(skipReason(5, 'straddling')).toBe('straddlingPositiveSkipped');
    expect(skipReason(-5, 'straddling')).toBeUndefined();
    expect(skipReason(5, 'after-snapshot')).toBeUndefined();
  });

  it('folds into a snapshot what its search did not see, by the same rule', () => {
    const S = m(600);
    const entry = (delta: number, uploadedAt: number, previousAt?: number) => ({
      sku: 'A',
      facilityId: 'F',
      delta,
      uploadedAt,
      previousAt,
    });
    // Whole window after the search: folded whole, gains too.
    expect(foldedDelta(entry(4, S + m(90), S + m(50)), S, L)).toBe(4);
    expect(foldedDelta(entry(-4, S + m(90), S + m(50)), S, L)).toBe(-4);
    // Straddling the search: only a loss is folded (counting it twice undercounts, never over).
    expect(foldedDelta(entry(-4, S + m(10), S - m(10)), S, L)).toBe(-4);
    expect(foldedDelta(entry(4, S + m(10), S - m(10)), S, L)).toBe(0);
    // Uploaded more than L before the snapshot: in its figure already.
    expect(foldedDelta(entry(-4, S - L - 1_000, S - m(100)), S, L)).toBe(0);
  });
});
