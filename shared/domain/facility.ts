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
}

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
  return accept({ facilityId, externalId, name: text('name') || facilityId, kind, groups });
}
