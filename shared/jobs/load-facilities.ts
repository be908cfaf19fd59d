/** Loads facility definitions (a JSON array) into the registry, reporting each bad entry. */
import { parseFacility, type Facility } from '../domain/facility.ts';
import type { FacilityStore } from '../store/facility-store.ts';

export interface LoadReport {
  readonly loaded: number;
  readonly errors: ReadonlyArray<{ field: string; reason: string }>;
}

export async function loadFacilities(
  store: FacilityStore,
  json: string,
  source: string,
): Promise<LoadReport> {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (err) {
    throw new Error(`${source}: not valid JSON (${err instanceof Error ? err.message : err})`);
  }
  if (!Array.isArray(input)) throw new Error(`${source}: expected a JSON array of facilities`);
  const good: Facility[] = [];
  const errors: Array<{ field: string; reason: string }> = [];
  const ids = new Set<string>();
  input.forEach((entry, i) => {
    const r = parseFacility(entry, i);
    if (!r.ok) errors.push({ field: r.field, reason: r.reason });
    else if (ids.has(r.row.facilityId)) {
      errors.push({
        field: `facilities[${i}].facilityId`,
        reason: `"${r.row.facilityId}" is listed twice`,
      });
    } else {
      ids.add(r.row.facilityId);
      good.push(r.row);
    }
  });
  await store.save(good);
  return { loaded: good.length, errors };
}
