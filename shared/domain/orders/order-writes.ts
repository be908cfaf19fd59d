/**
 * What a command writes, as a description the store turns into one conditional transaction: the
 * lines under the versions read, the event (the command's idempotency record), release and
 * shipment rows, header attributes, inventory changes and the caller's linked writes. The planners
 * (command-plans) produce it from the state read; they never see a DynamoDB item.
 */
import type { CommandEnvelope } from '../lifecycle/commands.ts';
import type { LifecycleEvent } from '../lifecycle/events.ts';
import type { LineState, Release, Shipment } from '../lifecycle/line.ts';
import type { FacilityFigures } from '../reservations/facility-figures.ts';
import type { Reservation, ReservationGrant } from '../reservations/reservation-records.ts';

/** A history event as recorded: with the command that made it and what it returned. */
export interface RecordedEvent extends LifecycleEvent {
  /** Canonical JSON of the command payload, to spot a key reused for another command. */
  readonly request: string;
  /** What the command returned; a replay returns it again. */
  readonly result: unknown;
}

export interface LineWrite {
  readonly line: LineState;
  /** The version the line was read at (the write's condition); 0 = a new line. */
  readonly expectedVersion: number;
}

/** A change to the inventory side of an order command. */
export type InventoryWrite =
  /**
   * Reserved units at the facility change by `delta`, conditioned on the figures read; a
   * reservation (delta > 0) also checks that NetSuite's figure still covers it.
   */
  | { readonly kind: 'reserve'; readonly facility: FacilityFigures; readonly delta: number }
  /** NetSuite's figure at the facility must still be the one read (gates passed on it). */
  | { readonly kind: 'netsuite-unchanged'; readonly facility: FacilityFigures }
  /**
   * Units reserved ahead by a group commit (the position already counts them): the command's
   * transaction takes the grant over instead of writing the position.
   */
  | ({ readonly kind: 'grant' } & ReservationGrant)
  /** The line's reservation row at a facility: `qty` units counted there (0: none left). */
  | ({ readonly kind: 'reservation' } & Reservation);

export interface OrderWrites<Linked = unknown> {
  readonly lines: readonly LineWrite[];
  readonly event: RecordedEvent;
  readonly releases?: ReadonlyArray<Release & { lineSeq: string }>;
  readonly shipments?: ReadonlyArray<Shipment & { lineSeq: string }>;
  /** Header attributes to set (the header must exist). */
  readonly headerSet?: Readonly<Record<string, unknown>>;
  readonly inventory?: readonly InventoryWrite[];
  /** Writes of another module that commit with the command or not at all (opaque here). */
  readonly linked?: readonly Linked[];
}

/** A command's plan: what it returns and what it writes for that. */
export interface CommandPlan<R, Linked = unknown> {
  readonly result: R;
  readonly writes: OrderWrites<Linked>;
}

/** The record part of a command's event: who, when, under which key, what was asked and returned. */
export const recorded = (
  c: { readonly env: CommandEnvelope; readonly now: string; readonly request: string },
  result: unknown,
) => ({
  reason: c.env.reason,
  actor: c.env.actor,
  idempotencyKey: c.env.idempotencyKey,
  at: c.now,
  request: c.request,
  result,
});
