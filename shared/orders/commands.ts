/** The order commands as callers send them (checked at the edge by command-input.ts). */
import type { MoveRequest, ShipmentDetails } from '../domain/lifecycle/index.ts';
import type { NetsuiteIds } from '../domain/orders/netsuite-ids.ts';
import type { BackorderSource } from '../domain/orders/steps-plan.ts';
import type { LinkedWrite } from '../store/transactions.ts';

/** Envelope fields as they arrive (from JSON, the CLI): checked by the command. */
export interface EnvelopeInput {
  readonly idempotencyKey?: string;
  readonly actor?: string;
  readonly reason?: string;
}

/**
 * Writes of another module that must commit atomically with the command (e.g. a purchase-order
 * line's ATP for a pre-order allocation), built by their store. Labels start with `linked:`. If
 * one of their conditions fails, the command changes nothing and throws LinkedConditionFailed.
 */
export type Linked = readonly LinkedWrite[];

export interface MoveCommand extends MoveRequest, EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly linked?: Linked; /**
   * Reserve through the adaptive group commit (shared/orders/group-commit.ts): the plain path when
   * no reservation write of this process is in flight at the SKU × facility (the same writes as
   * without it), else batched with the others that met a write in flight into one position write.
   * Not part of the request a replay must match.
   */
  readonly groupCommit?: boolean;
}

export interface HoldCommand extends EnvelopeInput {
  readonly orderId: string;
  /** One line; absent = an order-level hold on every line. */
  readonly lineSeq?: string;
  readonly code: string;
  /** Why the hold is placed (required to add one). */
  readonly holdReason?: string;
}

export interface NetsuiteIdsCommand extends NetsuiteIds, EnvelopeInput {
  readonly orderId: string;
}

/**
 * NetSuite's figure in force now reflects up to `covered` units of the line at the facility (a
 * snapshot taken after NetSuite took the file that told it): they stop counting (promises.ts).
 */
export interface ReflectCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  readonly covered: number;
}

/** Ships quantity of a line at a facility: every move to 3700 in one write (see fulfill). */
export interface FulfillCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  /** The OMS facility it shipped from (may differ from the allocated one). */
  readonly facilityId: string;
  readonly quantity: number;
  readonly shipped?: ShipmentDetails;
  readonly linked?: Linked;
}

/** Cancels quantity of a line (default: every cancellable unit). */
export interface CancelLineCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly quantity?: number;
  readonly linked?: Linked;
}

/** Hands quantity at a facility back (1400, backordered from node): a rejection or not found. */
export interface BackorderCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  /** Default: every unit at the facility not yet shipped. */
  readonly quantity?: number;
  /** Where to take it from, in order (default: 3350, 3200, 1500, 1200 — furthest along first). */
  readonly from?: readonly BackorderSource[];
  readonly linked?: Linked;
}

/** One move of a moveLines command: a line, a move and what commits with it. */
export interface LineMove extends MoveRequest {
  readonly lineSeq: string;
  readonly linked?: Linked;
}

export interface MoveLinesCommand extends EnvelopeInput {
  readonly orderId: string;
  /** Applied in order, each on its line as the previous moves left it (no releases: → 3200). */
  readonly moves: readonly LineMove[]; /**
   * Reserve through the adaptive group commit (shared/orders/group-commit.ts): the plain path when
   * no reservation write of this process is in flight at the SKU × facility (the same writes as
   * without it), else batched with the others that met a write in flight into one position write.
   * Not part of the request a replay must match.
   */
  readonly groupCommit?: boolean;
}

/** Records that a shipment being picked is packed (the quantity stays in 3350). */
export interface PackCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly shipmentKey: string;
  readonly packages?: number;
}
