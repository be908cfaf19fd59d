/**
 * Property tests of the pure lifecycle: random command sequences (mostly legal, some not) over a
 * few lines and facilities, with an in-memory inventory that applies the same availability rule
 * as the store, and NetSuite's figure reflecting promised units now and then. Whatever the
 * sequence, Σ buckets = ordered quantity, no bucket and no ATP goes negative, the counted units
 * (promised, not reflected) match the position's figure, and a unit never has two open releases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_MOVES,
  CommandError,
  STATUS_CODES,
  bucketOf,
  lineInvariantViolations,
  occupiedStatuses,
  planMove,
  type LineState,
  type MoveRequest,
  type StatusCode,
} from '../../shared/domain/lifecycle/index.ts';
import { atpOf, canReserve } from '../../shared/domain/reservations/availability.ts';
import { countedAt, reflect } from '../../shared/domain/lifecycle/promises.ts';

const NOW = '2025-07-02T10:00:00.000Z';
const FACILITIES = ['F1', 'F2', 'F3'];

interface World {
  lines: LineState[];
  /** facility → NetSuite figure, reserved, safety. */
  inventory: Map<string, { nsQty: number; reserved: number; safety: number }>;
}

const step = fc.record({
  line: fc.nat(),
  from: fc.nat(),
  to: fc.nat(),
  qty: fc.nat(),
  facility: fc.nat(),
  /**
   * 0: an allowed move; 4: the forward move (first in the table) at the facility already holding
   * the quantity; 1: any status pair; 2: quantity above the bucket; 3: negative quantity.
   */
  mode: fc.constantFrom(0, 0, 0, 4, 4, 4, 4, 4, 1, 2, 3),
  gatesPass: fc.constantFrom(true, true, true, false),
  pickKey: fc.boolean(),
  /** NetSuite's figure in force now reflects `qty` units of the line at the facility. */
  reflects: fc.constantFrom(false, false, false, false, true),
});

const scenario = fc.record({
  quantities: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  stock: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
  safety: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
  steps: fc.array(step, { minLength: 20, maxLength: 120 }),
});

function newLine(i: number, quantity: number): LineState {
  return {
    orderId: 'O1',
    lineSeq: String(i + 1).padStart(5, '0'),
    sku: 'SKU',
    quantity,
    price: 1,
    shippingMethod: 'STD',
    preOrder: false,
    buckets: { 1100: quantity },
    alloc: {},
    holds: {},
    releases: {},
    shipments: {},
    rejectedBy: [],
    releaseSeq: 0,
    shipmentSeq: 0,
    version: 1,
    updatedAt: NOW,
  };
}

type Step = Parameters<Parameters<typeof step.map>[0]>[0];

/** Turns generated numbers into a request against the line as it is now. */
function request(line: LineState, s: Step): MoveRequest {
  const occupied = occupiedStatuses(line);
  let from: StatusCode;
  let to: StatusCode;
  if (s.mode === 1 || occupied.length === 0) {
    from = STATUS_CODES[s.from % STATUS_CODES.length]!;
    to = STATUS_CODES[s.to % STATUS_CODES.length]!;
  } else {
    from = occupied[s.from % occupied.length]!;
    const targets = ALLOWED_MOVES[from];
    to = targets.length ? targets[s.mode === 4 ? 0 : s.to % targets.length]! : from;
  }
  const have = bucketOf(line.buckets, from);
  const quantity =
    s.mode === 2 ? have + 1 : s.mode === 3 ? -1 - (s.qty % 3) : 1 + (s.qty % Math.max(1, have));
  const inferFacility = s.mode === 4 && (from === 1200 || from === 1500);
  const facilityId = inferFacility ? undefined : FACILITIES[s.facility % FACILITIES.length];
  const releaseKey = s.pickKey
    ? Object.values(line.releases).find((r) => r.statusQuantity - r.inShipment > 0)?.key
    : undefined;
  const shipmentKey = s.pickKey
    ? Object.values(line.shipments).find((x) => x.planned - x.quantity - x.short > 0)?.key
    : undefined;
  return { from, to, quantity, facilityId, releaseKey, shipmentKey };
}

function check(world: World): void {
  for (const line of world.lines) expect(lineInvariantViolations(line)).toEqual([]);
  for (const [facility, inv] of world.inventory) {
    // Counted units: promised there (reserved through shipped) and not reflected.
    const reserved = world.lines.reduce((sum, l) => sum + countedAt(l, facility), 0);
    expect(inv.reserved, `reserved at ${facility}`).toBe(reserved);
    // Brokering never takes a facility below its safety stock: ATP ≥ 0 unclamped.
    expect(inv.nsQty - inv.reserved - inv.safety, `ATP at ${facility}`).toBeGreaterThanOrEqual(
      Math.min(0, inv.nsQty - inv.safety),
    );
    expect(atpOf(inv)).toBeGreaterThanOrEqual(0);
  }
}

describe('lifecycle properties (pure)', () => {
  it('random command sequences keep every invariant; refused commands change nothing', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(scenario, ({ quantities, stock, safety, steps }) => {
        const world: World = {
          lines: quantities.map((q, i) => newLine(i, q)),
          inventory: new Map(
            FACILITIES.map((f, i) => [f, { nsQty: stock[i]!, reserved: 0, safety: safety[i]! }]),
          ),
        };
        let moved = 0;
        for (const s of steps) {
          const index = s.line % world.lines.length;
          const line = world.lines[index]!;
          if (s.reflects) {
            // A snapshot reflects promised units: they stop counting (never more than counted).
            const facility = FACILITIES[s.facility % FACILITIES.length]!;
            const r = reflect(line, facility, s.qty % 6);
            expect(r.drop).toBe(countedAt(line, facility) - countedAt(r.line, facility));
            world.lines[index] = r.line;
            world.inventory.get(facility)!.reserved -= r.drop;
            check(world);
            continue;
          }
          const req = request(line, s);
          const before = JSON.stringify(world.lines) + JSON.stringify([...world.inventory]);
          const gates = [
            { code: 'G', passed: s.gatesPass, reason: s.gatesPass ? undefined : 'no' },
          ];
          let outcome;
          try {
            outcome = planMove(line, req, { now: NOW, actor: 't', gates });
          } catch (err) {
            expect(err).toBeInstanceOf(CommandError);
            expect(JSON.stringify(world.lines) + JSON.stringify([...world.inventory])).toBe(before);
            continue;
          }
          if (outcome.kind === 'moved' && outcome.move.reservationDelta !== 0) {
            const inv = world.inventory.get(outcome.move.facilityId!)!;
            if (
              outcome.move.reservationDelta > 0 &&
              !canReserve(inv, outcome.move.reservationDelta)
            ) {
              continue; // out of stock: the store refuses the whole transaction
            }
            inv.reserved += outcome.move.reservationDelta;
          }
          expect(outcome.line.version).toBe(line.version + 1);
          world.lines[index] = outcome.line;
          if (outcome.kind === 'moved') moved++;
          reached.add(outcome.kind === 'held' ? 'held' : String(req.to));
          check(world);
        }
        check(world);
        return moved >= 0;
      }),
      { numRuns: 250 },
    );
    // The generator does reach the deep end of the lifecycle, not only the first moves.
    for (const s of ['1200', '1500', '3200', '3350', '3700', '1400', '9000', 'held']) {
      expect(reached, `reached ${s}`).toContain(s);
    }
  });

  it('quantity reaching 3700 always went through a release and a shipment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { minLength: 5, maxLength: 40 }),
        (q, picks) => {
          let line = newLine(0, q);
          for (const p of picks) {
            const occupied = occupiedStatuses(line).filter((s) => ALLOWED_MOVES[s].length);
            if (!occupied.length) break;
            const from = occupied[p % occupied.length]!;
            const to = ALLOWED_MOVES[from][p % ALLOWED_MOVES[from].length]!;
            try {
              const out = planMove(
                line,
                { from, to, quantity: 1, facilityId: 'F1' },
                { now: NOW, actor: 't', gates: [] },
              );
              line = out.line;
            } catch (err) {
              expect(err).toBeInstanceOf(CommandError);
            }
          }
          const shipped = bucketOf(line.buckets, 3700) + bucketOf(line.buckets, 3800);
          const shipmentsShipped = Object.values(line.shipments).reduce(
            (n, s) => n + s.quantity,
            0,
          );
          expect(shipmentsShipped).toBe(shipped);
          const released = Object.values(line.releases).reduce((n, r) => n + r.releasedQty, 0);
          expect(released).toBeGreaterThanOrEqual(shipped);
        },
      ),
      { numRuns: 300 },
    );
  });
});
