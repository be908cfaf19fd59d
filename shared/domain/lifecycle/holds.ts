/**
 * Holds: reasons a line may not move forward. A hold is not a status; it blocks moves and says
 * why. Order-level holds (such as `AWAITING_NETSUITE_IDS`) sit on every line of the order, so a
 * move reads and writes one item only. Gate holds are placed by a failing release gate and are
 * re-evaluated at every release attempt (lifted when the gate passes).
 */
import { CommandError } from './errors.ts';
import type { Hold, HoldKind, LineState } from './line.ts';
import { STATUS, type StatusCode } from './status.ts';

export const HOLDS = {
  /** Placed at intake; lifted when NetSuite's order id and every line id are known. */
  AWAITING_NETSUITE_IDS: 'AWAITING_NETSUITE_IDS',
} as const;

/** Targets a hold blocks: the moves that push a line forward towards the customer. */
const FORWARD_TARGETS: ReadonlySet<StatusCode> = new Set([
  STATUS.ALLOCATED,
  STATUS.PRE_ORDERED,
  STATUS.SCHEDULED,
  STATUS.RELEASED,
  STATUS.INCLUDED_IN_SHIPMENT,
]);

/**
 * Whether a hold blocks a move. Retreats (1500 → 1200, moves back to 1100, backorders),
 * cancellations, rejections and facts reported from outside (shipped, not found, delivered) are
 * never blocked. Gate holds block only the release itself (→ 3200), where they are re-evaluated.
 */
export function holdBlocks(hold: Pick<Hold, 'kind'>, from: StatusCode, to: StatusCode): boolean {
  if (hold.kind === 'gate') return false;
  if (!FORWARD_TARGETS.has(to)) return false;
  return !(from === STATUS.SCHEDULED && to === STATUS.ALLOCATED);
}

export function blockingHolds(line: LineState, from: StatusCode, to: StatusCode): Hold[] {
  return Object.values(line.holds).filter((h) => holdBlocks(h, from, to));
}

export const HOLD_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

export function withHold(
  line: LineState,
  hold: { code: string; kind: HoldKind; reason: string },
  at: string,
  by: string,
): LineState {
  if (!HOLD_CODE.test(hold.code)) {
    throw new CommandError(
      'INVALID_COMMAND',
      `hold code "${hold.code}" must be upper-case letters, digits and _ (2–64 characters)`,
    );
  }
  return { ...line, holds: { ...line.holds, [hold.code]: { ...hold, at, by } } };
}

export function withoutHold(line: LineState, code: string): LineState {
  if (!line.holds[code]) {
    throw new CommandError(
      'UNKNOWN_HOLD',
      `line ${line.orderId}/${line.lineSeq} has no hold ${code}` +
        (Object.keys(line.holds).length
          ? ` (holds: ${Object.keys(line.holds).join(', ')})`
          : ' (no holds)'),
    );
  }
  const holds = { ...line.holds };
  delete holds[code];
  return { ...line, holds };
}
