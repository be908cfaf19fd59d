/**
 * The edge of the order commands: each command's input checked (envelope, ids, quantities) and
 * turned into what the service works with, including the canonical request that an idempotent
 * replay must match. Checks run in the order callers have always seen their errors.
 */
import {
  CommandError,
  checkCommandFields,
  canonicalJson,
  checkEnvelope,
  checkMoveDetails,
  type CommandEnvelope,
  type MoveRequest,
} from '../domain/lifecycle/index.ts';
import type { BackorderSource } from '../domain/orders/steps-plan.ts';
import type {
  BackorderCommand,
  CancelLineCommand,
  EnvelopeInput,
  FulfillCommand,
  HoldCommand,
  MoveCommand,
  MoveLinesCommand,
  NetsuiteIdsCommand,
  PackCommand,
  ReflectCommand,
} from './commands.ts';
import { STATUS } from '../domain/lifecycle/status.ts';
import { fieldsSchema } from '../domain/input/fields.ts';

const ORDER_ID = fieldsSchema(['orderId']);
const LINE_SEQ = fieldsSchema(['lineSeq']);
const QUANTITY = fieldsSchema([], ['quantity']);

export function checkOrderId(orderId: unknown): string {
  checkCommandFields(ORDER_ID, { orderId });
  return orderId as string;
}

export function checkLineSeq(lineSeq: unknown): string {
  checkCommandFields(LINE_SEQ, { lineSeq });
  return lineSeq as string;
}

/** A command checked at the edge: its envelope, its order and the request a replay must match. */
export interface Checked {
  readonly env: CommandEnvelope;
  readonly orderId: string;
  readonly request: string;
}

/** A command on one line. */
export interface CheckedLine extends Checked {
  readonly lineSeq: string;
}

/** Envelope, order id and line of a one-line command; `payload` goes into its request. */
function lineCommand(
  cmd: EnvelopeInput & { orderId: string; lineSeq: string },
  payload: Record<string, unknown>,
  check?: () => void,
): CheckedLine {
  const env = checkEnvelope(cmd);
  const orderId = checkOrderId(cmd.orderId);
  const lineSeq = checkLineSeq(cmd.lineSeq);
  check?.();
  return { env, orderId, lineSeq, request: canonicalJson({ ...payload, orderId, lineSeq }) };
}

export function moveInput(cmd: MoveCommand): CheckedLine & { req: MoveRequest } {
  const req: MoveRequest = {
    from: cmd.from,
    to: cmd.to,
    quantity: cmd.quantity,
    facilityId: cmd.facilityId,
    releaseKey: cmd.releaseKey,
    shipmentKey: cmd.shipmentKey,
    shipped: cmd.shipped,
    schedule: cmd.schedule,
  };
  return { ...lineCommand(cmd, { type: 'move', ...req }), req };
}

export function fulfillInput(cmd: FulfillCommand): CheckedLine {
  checkMoveDetails({ from: STATUS.INCLUDED_IN_SHIPMENT, to: STATUS.SHIPPED, shipped: cmd.shipped });
  return lineCommand(cmd, {
    type: 'fulfill',
    facilityId: cmd.facilityId,
    quantity: cmd.quantity,
    shipped: cmd.shipped,
  });
}

export function cancelInput(cmd: CancelLineCommand): CheckedLine {
  checkCommandFields(QUANTITY, { quantity: cmd.quantity });
  return lineCommand(cmd, { type: 'cancel', quantity: cmd.quantity });
}

export function backorderInput(
  cmd: BackorderCommand,
): CheckedLine & { order: readonly BackorderSource[] } {
  const order = cmd.from ?? [
    STATUS.INCLUDED_IN_SHIPMENT,
    STATUS.RELEASED,
    STATUS.SCHEDULED,
    STATUS.ALLOCATED,
  ];
  const payload = { type: 'backorder', facilityId: cmd.facilityId, quantity: cmd.quantity };
  return { ...lineCommand(cmd, { ...payload, from: order }), order };
}

export function packInput(cmd: PackCommand): CheckedLine {
  const { shipmentKey, packages } = cmd;
  return lineCommand(cmd, { type: 'pack', shipmentKey, packages }, () => {
    if (packages === undefined) return;
    if (!Number.isSafeInteger(packages) || packages < 1 || packages > 999) {
      throw new CommandError('INVALID_COMMAND', 'packages must be a whole number 1–999', {
        field: 'packages',
      });
    }
  });
}

export function moveLinesInput(cmd: MoveLinesCommand): Checked & { seqs: string[] } {
  const env = checkEnvelope(cmd);
  const orderId = checkOrderId(cmd.orderId);
  if (!Array.isArray(cmd.moves) || cmd.moves.length === 0 || cmd.moves.length > 15) {
    throw new CommandError('INVALID_COMMAND', 'moves must list 1–15 moves', { field: 'moves' });
  }
  const seqs = [...new Set(cmd.moves.map((m) => checkLineSeq(m.lineSeq)))];
  if (cmd.moves.some((m) => m.to === STATUS.RELEASED)) {
    throw new CommandError('INVALID_COMMAND', 'moveLines does not release (→ 3200): use move');
  }
  const request = canonicalJson({
    type: 'move-lines',
    orderId,
    moves: cmd.moves.map(({ linked: _l, ...m }) => m),
  });
  return { env, orderId, request, seqs };
}

export function holdInput(cmd: HoldCommand, add: boolean): Checked & { lineSeq?: string } {
  const env = checkEnvelope(cmd);
  const orderId = checkOrderId(cmd.orderId);
  const lineSeq = cmd.lineSeq === undefined ? undefined : checkLineSeq(cmd.lineSeq);
  if (!add) {
    const request = canonicalJson({ type: 'hold-lift', orderId, lineSeq, code: cmd.code });
    return { env, orderId, lineSeq, request };
  }
  if (typeof cmd.holdReason !== 'string' || !cmd.holdReason.trim()) {
    throw new CommandError('INVALID_COMMAND', 'a hold needs a reason (holdReason)', {
      field: 'holdReason',
    });
  }
  const request = canonicalJson({
    type: 'hold-add',
    orderId,
    lineSeq,
    code: cmd.code,
    holdReason: cmd.holdReason,
  });
  return { env, orderId, lineSeq, request };
}

export function reflectInput(cmd: ReflectCommand): CheckedLine {
  const { facilityId, covered } = cmd;
  return lineCommand(cmd, { type: 'reflected', facilityId, covered }, () => {
    if (typeof facilityId !== 'string' || !facilityId)
      throw new CommandError('INVALID_COMMAND', 'facilityId is required', { field: 'facilityId' });
    if (!Number.isSafeInteger(covered) || covered < 0)
      throw new CommandError(
        'INVALID_COMMAND',
        `covered must be a whole number ≥ 0, got ${covered}`,
        { field: 'covered' },
      );
  });
}

export function netsuiteIdsInput(cmd: NetsuiteIdsCommand): Checked {
  const env = checkEnvelope(cmd);
  const orderId = checkOrderId(cmd.orderId);
  const request = canonicalJson({
    type: 'netsuite-ids',
    orderId,
    netsuiteOrderId: cmd.netsuiteOrderId,
    lineIds: cmd.lineIds,
  });
  return { env, orderId, request };
}
