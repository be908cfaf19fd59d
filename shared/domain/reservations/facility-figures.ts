/**
 * The figures a reservation change at one facility is decided on — NetSuite's figure and the OMS
 * position as read — and the decisions made on them: whether a reservation fits, the refusal when
 * it does not, and the figures after a reservation change committed.
 */
import { CommandError } from '../lifecycle/errors.ts';
import { canReserve } from './availability.ts';

/** NetSuite's figure and the OMS position of a SKU at a facility, as read before a write. */
export interface FacilityFigures {
  readonly sku: string;
  readonly facilityId: string;
  /** NetSuite's figure; undefined when NetSuite reported none. */
  readonly nsQty?: number;
  readonly position: {
    readonly reserved: number;
    readonly safety: number;
    /** The position's version (0 = none yet). */
    readonly v: number;
  };
}

/** True when `delta` (> 0) more units would take the facility past its figure less safety stock. */
export const cannotReserve = (f: FacilityFigures, delta: number): boolean =>
  delta > 0 &&
  !canReserve(
    { nsQty: f.nsQty ?? 0, reserved: f.position.reserved, safety: f.position.safety },
    delta,
  );

/** The refusal of a reservation the facility's figures do not cover, with the figures. */
export function outOfStock(f: FacilityFigures, quantity: number): CommandError {
  const p = f.position;
  return new CommandError(
    'OUT_OF_STOCK',
    `facility ${f.facilityId} cannot reserve ${quantity} of ${f.sku}: NetSuite reports ${
      f.nsQty ?? 'nothing'
    }, ${p.reserved} reserved, safety stock ${p.safety}`,
    {
      sku: f.sku,
      facilityId: f.facilityId,
      nsQty: f.nsQty ?? 0,
      reserved: p.reserved,
      safety: p.safety,
    },
  );
}

/** The figures once a reservation change of `delta` committed (one more position version). */
export const afterReserve = <F extends FacilityFigures>(f: F, delta: number): F => ({
  ...f,
  position: { ...f.position, reserved: f.position.reserved + delta, v: f.position.v + 1 },
});
