/** Facilities: where inventory sits and orders are fulfilled, with their NetSuite location ids. */
import { accept, reject, type RowResult } from './row-result.ts';

export type FacilityKind = 'warehouse' | 'store';

export interface Facility {
  /** OMS facility id. */
  readonly facilityId: string;
  /** NetSuite location internal id (`externalFacilityId` in the feeds). */
  readonly externalId: string;
  readonly name: string;
  readonly kind: FacilityKind;
  /** Facility groups, e.g. `NETSUITE_FULFILLED`. */
  readonly groups: readonly string[];
  /** Where it is, for the brokering distance filter and sort. */
  readonly latitude?: number;
  readonly longitude?: number;
  /** Orders brokering may send it per day (absent: no limit). */
  readonly dailyOrderLimit?: number;
  /** Position in a routing's custom sequence sort (lower first). */
  readonly sequence?: number;
  /**
   * The NetSuite subsidiary (internal id) the location belongs to: sent with the facility's
   * inventory adjustments (`Subsidiary`, required by NetSuite in OneWorld accounts).
   */
  readonly subsidiary?: string;
}

/** A NetSuite internal id as the facilities file gives it. */
const NS_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks one facility definition as loaded from a file or the CLI. */
export function parseFacility(input: unknown, index: number): RowResult<Facility> {
  const at = `facilities[${index}]`;
  if (typeof input !== 'object' || input === null) return reject(at, 'is not an object');
  const o = input as Record<string, unknown>;
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string).trim() : '');
  const facilityId = text('facilityId');
  if (!facilityId) return reject(`${at}.facilityId`, 'is required');
  const externalId = text('externalId');
  if (!externalId) return reject(`${at}.externalId`, 'is required (the NetSuite location id)');
  const kind = text('kind') || 'warehouse';
  if (kind !== 'warehouse' && kind !== 'store') {
    return reject(`${at}.kind`, `"${kind}" is neither "warehouse" nor "store"`);
  }
  const groups = o.groups === undefined ? [] : o.groups;
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) {
    return reject(`${at}.groups`, 'must be a list of group names');
  }
  const num = (k: string, min: number, max: number, whole = false) => {
    const v = o[k];
    if (v === undefined || v === null || v === '') return { ok: true as const, value: undefined };
    const n = typeof v === 'number' ? v : Number.NaN;
    if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
      return {
        ok: false as const,
        reason: `must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`,
      };
    }
    return { ok: true as const, value: n };
  };
  const extras: Record<string, number | undefined> = {};
  for (const [k, min, max, whole] of [
    ['latitude', -90, 90, false],
    ['longitude', -180, 180, false],
    ['dailyOrderLimit', 0, 1_000_000, true],
    ['sequence', 0, 1_000_000, true],
  ] as const) {
    const r = num(k, min, max, whole);
    if (!r.ok) return reject(`${at}.${k}`, r.reason);
    if (r.value !== undefined) extras[k] = r.value;
  }
  if ((extras.latitude === undefined) !== (extras.longitude === undefined)) {
    return reject(`${at}.latitude`, 'latitude and longitude go together');
  }
  let subsidiary: string | undefined;
  if (o.subsidiary !== undefined && o.subsidiary !== null && o.subsidiary !== '') {
    subsidiary = typeof o.subsidiary === 'number' ? String(o.subsidiary) : text('subsidiary');
    if (!NS_ID.test(subsidiary)) {
      return reject(`${at}.subsidiary`, 'must be a NetSuite subsidiary internal id, e.g. "1"');
    }
  }
  return accept({
    facilityId,
    externalId,
    name: text('name') || facilityId,
    kind,
    groups,
    ...extras,
    ...(subsidiary ? { subsidiary } : {}),
  });
}
