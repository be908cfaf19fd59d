/** The facilities file's `subsidiary`: the NetSuite subsidiary sent with a store's adjustments. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFacility } from '../../shared/domain/facility.ts';

const base = { facilityId: 'STORE-NYC', externalId: '201', kind: 'store' };

describe('facility subsidiary', () => {
  it('is optional, taken as text or a number, and must be an internal id', () => {
    expect(parseFacility(base, 0)).toMatchObject({ ok: true, row: { facilityId: 'STORE-NYC' } });
    const none = parseFacility(base, 0);
    expect(none.ok && 'subsidiary' in none.row).toBe(false);
    expect(parseFacility({ ...base, subsidiary: '3' }, 0)).toMatchObject({
      ok: true,
      row: { subsidiary: '3' },
    });
    expect(parseFacility({ ...base, subsidiary: 3 }, 0)).toMatchObject({
      ok: true,
      row: { subsidiary: '3' },
    });
    expect(parseFacility({ ...base, subsidiary: 'Parent : Child' }, 2)).toEqual({
      ok: false,
      field: 'facilities[2].subsidiary',
      reason: expect.stringMatching(/internal id/),
    });
  });

  it('the example file gives every facility one', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../docs/examples/facilities.json', import.meta.url), 'utf8'),
    ) as unknown[];
    const parsed = file.map((f, i) => parseFacility(f, i));
    expect(parsed.every((p) => p.ok && p.row.subsidiary === '1')).toBe(true);
  });
});
