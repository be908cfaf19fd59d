/**
 * Where a line's quantity stands at one store, stage by stage — what the store queue shows and
 * what pick, ship, not-found and rejection take from. Pure: reads a line, no I/O.
 *
 * - allocated (1200) and scheduled (1500) at the store: not released yet (the release job's gates
 *   decide when); the store can reject them, not pick them;
 * - released (3200) under a release key at the store, not yet in a shipment: to pick;
 * - picking (3350) in a shipment at the store (shipment quantity 0 until shipped): to ship, or
 *   report not found.
 */
import { shipmentOpenQty, type LineState } from '../domain/lifecycle/line.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

export interface ReleasedAtStore {
  readonly releaseKey: string;
  /** Released under the key and not yet in a shipment. */
  readonly quantity: number;
}

export interface PickingAtStore {
  readonly shipmentKey: string;
  readonly releaseKey: string;
  /** Being picked: planned − shipped − not found. */
  readonly quantity: number;
  /** When it was packed (pick → pack → ship). */
  readonly packedAt?: string;
}

export interface StoreStages {
  readonly allocated: number;
  readonly scheduled: number;
  readonly released: readonly ReleasedAtStore[];
  readonly picking: readonly PickingAtStore[];
  /** Every unit the store still has to handle (all four stages). */
  readonly total: number;
}

const byKey = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export function stagesAt(line: LineState, facilityId: string): StoreStages {
  const allocated = line.alloc[facilityId]?.[STATUS.ALLOCATED] ?? 0;
  const scheduled = line.alloc[facilityId]?.[STATUS.SCHEDULED] ?? 0;
  const released = Object.values(line.releases)
    .filter((r) => r.facilityId === facilityId && r.statusQuantity - r.inShipment > 0)
    .sort((a, b) => byKey(a.key, b.key))
    .map((r) => ({ releaseKey: r.key, quantity: r.statusQuantity - r.inShipment }));
  const picking = Object.values(line.shipments)
    .filter((s) => s.facilityId === facilityId && shipmentOpenQty(s) > 0)
    .sort((a, b) => byKey(a.key, b.key))
    .map((s) => ({
      shipmentKey: s.key,
      releaseKey: s.releaseKey,
      quantity: shipmentOpenQty(s),
      ...(s.packedAt ? { packedAt: s.packedAt } : {}),
    }));
  const sum = (xs: readonly { quantity: number }[]) => xs.reduce((n, x) => n + x.quantity, 0);
  return {
    allocated,
    scheduled,
    released,
    picking,
    total: allocated + scheduled + sum(released) + sum(picking),
  };
}

/** Units of the line the store still has to handle. */
export const openAtStore = (line: LineState, facilityId: string): number =>
  stagesAt(line, facilityId).total;

/** The stages a store hands units back from, furthest along first (see `OrderService.backorderFromNode`). */
export type HandBackStage =
  | typeof STATUS.ALLOCATED
  | typeof STATUS.SCHEDULED
  | typeof STATUS.RELEASED
  | typeof STATUS.INCLUDED_IN_SHIPMENT;

/** Units a hand-back can take from the given stages. */
export function handBackAvailable(
  line: LineState,
  facilityId: string,
  from: readonly HandBackStage[],
): number {
  const s = stagesAt(line, facilityId);
  const at: Record<HandBackStage, number> = {
    [STATUS.ALLOCATED]: s.allocated,
    [STATUS.SCHEDULED]: s.scheduled,
    [STATUS.RELEASED]: s.released.reduce((n, r) => n + r.quantity, 0),
    [STATUS.INCLUDED_IN_SHIPMENT]: s.picking.reduce((n, p) => n + p.quantity, 0),
  };
  return from.reduce((n, st) => n + at[st], 0);
}
