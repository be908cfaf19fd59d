/**
 * The order commands: move quantity between statuses, place and lift holds, record NetSuite ids.
 *
 * Each command reads what it needs (the line, the event under its idempotency key, and for
 * inventory moves NetSuite's figure and the OMS position), decides with the pure lifecycle code,
 * and writes everything in one TransactWriteItems guarded by the versions it read. A cancelled
 * transaction is read reason by reason: the key already used → the recorded result is returned
 * (a replay changes nothing); a version moved under us → retry with jittered backoff; NetSuite's
 * figure no longer covers the reservation → out of stock.
 */
import {
  CommandError,
  applyMove,
  canonicalJson,
  checkEnvelope,
  evaluateGates,
  DEFAULT_GATES,
  reservedAt,
  resolveMove,
  withHold,
  withoutHold,
  type Buckets,
  type CommandEnvelope,
  type GateResult,
  type LineState,
  type MoveRequest,
  type ReleaseGate,
  type StatusCode,
} from '../domain/lifecycle/index.ts';
import { canReserve } from '../domain/reservations/availability.ts';
import { applyNetsuiteIds, type NetsuiteIds } from '../domain/orders/netsuite-ids.ts';
import type { OrderStore, StoredEvent } from '../store/order-store.ts';
import { TxCancelled } from '../store/order-store.ts';
import type { FacilityState, PositionStore } from '../store/position-store.ts';
import { backoffMs, sleep } from '../store/transactions.ts';

/** Envelope fields as they arrive (from JSON, the CLI): checked by the command. */
export interface EnvelopeInput {
  readonly idempotencyKey?: string;
  readonly actor?: string;
  readonly reason?: string;
}

export interface MoveCommand extends MoveRequest, EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
}

export interface MoveResult {
  readonly outcome: 'moved' | 'held';
  readonly orderId: string;
  readonly lineSeq: string;
  readonly from: StatusCode;
  readonly to: StatusCode;
  readonly quantity: number;
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
  readonly buckets: Buckets;
  readonly holds: readonly string[];
  /** Gates that failed (outcome `held`). */
  readonly failures?: ReadonlyArray<{ code: string; reason?: string }>;
  readonly lineVersion: number;
  /** True when the idempotency key had been applied before and nothing changed now. */
  readonly replayed: boolean;
}

export interface HoldCommand extends EnvelopeInput {
  readonly orderId: string;
  /** One line; absent = an order-level hold on every line. */
  readonly lineSeq?: string;
  readonly code: string;
  /** Why the hold is placed (required to add one). */
  readonly holdReason?: string;
}

export interface OrderCommandResult {
  readonly orderId: string;
  readonly lines: ReadonlyArray<{ lineSeq: string; holds: string[]; lineVersion: number }>;
  readonly approved?: boolean;
  readonly replayed: boolean;
}

export interface NetsuiteIdsCommand extends NetsuiteIds, EnvelopeInput {
  readonly orderId: string;
}

export interface OrderServiceOptions {
  readonly orders: OrderStore;
  readonly positions: PositionStore;
  /** Release gates in the order they are evaluated (default: inventory, payment, fraud, completeness). */
  readonly gates?: readonly ReleaseGate[];
  readonly now?: () => string;
  /** Attempts before a command gives up on conflicts (default 60). */
  readonly maxAttempts?: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const LINE_SEQ = /^\d{5}$/;

function checkOrderId(orderId: unknown): string {
  if (typeof orderId !== 'string' || !ID.test(orderId)) {
    throw new CommandError(
      'INVALID_COMMAND',
      `orderId must be an order id, got ${JSON.stringify(orderId)}`,
      {
        field: 'orderId',
      },
    );
  }
  return orderId;
}

function checkLineSeq(lineSeq: unknown): string {
  if (typeof lineSeq !== 'string' || !LINE_SEQ.test(lineSeq)) {
    throw new CommandError(
      'INVALID_COMMAND',
      `lineSeq must be a five-digit line id such as 00001, got ${JSON.stringify(lineSeq)}`,
      { field: 'lineSeq' },
    );
  }
  return lineSeq;
}

const holdsOf = (line: LineState): string[] => Object.keys(line.holds).sort();

export class OrderService {
  private readonly gates: readonly ReleaseGate[];
  private readonly now: () => string;
  private readonly maxAttempts: number;

  constructor(private readonly opts: OrderServiceOptions) {
    this.gates = opts.gates ?? DEFAULT_GATES;
    this.now = opts.now ?? (() => new Date().toISOString());
    this.maxAttempts = opts.maxAttempts ?? 60;
  }

  private replay<T>(event: StoredEvent, request: string): T & { replayed: true } {
    if (event.request !== request) {
      throw new CommandError(
        'IDEMPOTENCY_KEY_REUSED',
        `idempotency key ${event.idempotencyKey} was used for another command (${event.type} at ${event.at}); use a new key`,
      );
    }
    return { ...(event.result as T), replayed: true };
  }

  private async unknown(orderId: string, lineSeq: string): Promise<never> {
    const header = await this.opts.orders.getHeader(orderId);
    if (!header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
    throw new CommandError(
      'UNKNOWN_LINE',
      `order ${orderId} has no line ${lineSeq} (it has ${header.lineCount} line${header.lineCount === 1 ? '' : 's'})`,
    );
  }

  /** Moves quantity of one line from one status bucket to another. */
  async move(cmd: MoveCommand): Promise<MoveResult> {
    const env = checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    const lineSeq = checkLineSeq(cmd.lineSeq);
    const req: MoveRequest = {
      from: cmd.from,
      to: cmd.to,
      quantity: cmd.quantity,
      facilityId: cmd.facilityId,
      releaseKey: cmd.releaseKey,
      shipmentKey: cmd.shipmentKey,
    };
    const request = canonicalJson({ type: 'move', orderId, lineSeq, ...req });
    const { orders, positions } = this.opts;

    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const release = req.to === 3200;
      const read = await orders.readForCommand(orderId, lineSeq, env.idempotencyKey, release);
      if (read.event) return this.replay<MoveResult>(read.event, request);
      if (!read.line) return this.unknown(orderId, lineSeq);
      const line = read.line;
      const move = resolveMove(line, req);

      let facility: FacilityState | undefined;
      if (move.reservationDelta !== 0 || release) {
        facility = await positions.facility(line.sku, move.facilityId!);
      }
      if (facility && move.reservationDelta > 0) {
        const figures = {
          nsQty: facility.nsQty ?? 0,
          reserved: facility.position.reserved,
          safety: facility.position.safety,
        };
        if (!canReserve(figures, move.reservationDelta)) {
          throw new CommandError(
            'OUT_OF_STOCK',
            `facility ${move.facilityId} cannot reserve ${move.quantity} of ${line.sku}: NetSuite reports ${
              facility.nsQty ?? 'nothing'
            }, ${figures.reserved} reserved, safety stock ${figures.safety}`,
            { sku: line.sku, facilityId: move.facilityId, ...figures },
          );
        }
      }
      let gates: GateResult[] | undefined;
      if (release) {
        if (!read.header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
        gates = evaluateGates(this.gates, {
          order: read.header,
          line,
          facilityId: move.facilityId!,
          quantity: move.quantity,
          inventory: {
            nsQty: facility?.nsQty,
            reserved: facility?.position.reserved ?? 0,
            safety: facility?.position.safety ?? 0,
          },
        });
      }
      const now = this.now();
      const outcome = applyMove(line, move, { now, actor: env.actor, gates });
      const done = outcome.move;
      const failures = outcome.kind === 'held' ? outcome.failures : undefined;
      const result: MoveResult = {
        outcome: outcome.kind,
        orderId,
        lineSeq,
        from: done.from,
        to: done.to,
        quantity: done.quantity,
        facilityId: done.facilityId,
        releaseKey: outcome.kind === 'moved' ? done.releaseKey : undefined,
        shipmentKey: outcome.kind === 'moved' ? done.shipmentKey : undefined,
        buckets: outcome.line.buckets,
        holds: holdsOf(outcome.line),
        failures: failures?.map((f) => ({ code: f.code, reason: f.reason })),
        lineVersion: outcome.line.version,
        replayed: false,
      };
      const event: StoredEvent = {
        type: outcome.kind === 'moved' ? 'moved' : 'release-held',
        orderId,
        lineSeq,
        from: done.from,
        to: done.to,
        quantity: done.quantity,
        facilityId: done.facilityId,
        releaseKey: result.releaseKey,
        shipmentKey: result.shipmentKey,
        holds: failures?.map((f) => f.code),
        reason: env.reason,
        actor: env.actor,
        idempotencyKey: env.idempotencyKey,
        at: now,
        lineVersion: outcome.line.version,
        request,
        result,
      };
      const extra = [];
      if (outcome.kind === 'moved' && move.reservationDelta !== 0 && facility) {
        const { position, nsCheck } = positions.reserveItems(facility, move.reservationDelta, now);
        extra.push({
          label: 'reservation',
          item: positions.reservationItem(
            {
              sku: line.sku,
              facilityId: facility.facilityId,
              orderId,
              lineSeq,
              qty: reservedAt(outcome.line, facility.facilityId),
            },
            now,
          ),
        });
        extra.push({ label: 'position', item: position });
        if (nsCheck) extra.push({ label: 'ns', item: nsCheck });
      }
      try {
        await orders.commit({
          lines: [{ line: outcome.line, expectedVersion: line.version }],
          event,
          release:
            outcome.kind === 'moved' && outcome.release
              ? { ...outcome.release, lineSeq }
              : undefined,
          shipment:
            outcome.kind === 'moved' && outcome.shipment
              ? { ...outcome.shipment, lineSeq }
              : undefined,
          extra,
        });
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const c = err.cancellation;
        if (c.failed.has('event')) {
          const ev = await orders.getEvent(orderId, env.idempotencyKey);
          if (ev) return this.replay<MoveResult>(ev, request);
        }
        const conflict =
          c.conflict || c.throttled || c.failed.has(`line:${lineSeq}`) || c.failed.has('position');
        if (!conflict && c.failed.has('ns')) {
          throw new CommandError(
            'OUT_OF_STOCK',
            `facility ${move.facilityId} cannot reserve ${move.quantity} of ${line.sku}: NetSuite's figure changed under the reservation`,
            { sku: line.sku, facilityId: move.facilityId },
          );
        }
      }
    }
    throw new CommandError(
      'CONFLICT',
      `line ${orderId}/${lineSeq}: gave up after ${this.maxAttempts} attempts because other writers kept changing it; try again`,
    );
  }

  /** Runs an order-wide command: read header and lines, change some lines, write with one event. */
  private async orderCommand(
    envInput: EnvelopeInput,
    orderId: string,
    request: string,
    decide: (
      header: NonNullable<Awaited<ReturnType<OrderStore['headerAndLines']>>['header']>,
      lines: LineState[],
      env: CommandEnvelope,
      now: string,
    ) => {
      changed: LineState[];
      event: Omit<
        StoredEvent,
        'orderId' | 'actor' | 'idempotencyKey' | 'at' | 'request' | 'result' | 'reason'
      >;
      headerSet?: Record<string, unknown>;
      approved?: boolean;
    },
  ): Promise<OrderCommandResult> {
    const env = checkEnvelope(envInput);
    const { orders } = this.opts;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const [previous, { header, lines }] = await Promise.all([
        orders.getEvent(orderId, env.idempotencyKey),
        orders.headerAndLines(orderId),
      ]);
      if (previous) return this.replay<OrderCommandResult>(previous, request);
      if (!header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
      const now = this.now();
      const decision = decide(header, lines, env, now);
      const before = new Map(lines.map((l) => [l.lineSeq, l.version]));
      const result: OrderCommandResult = {
        orderId,
        lines: decision.changed.map((l) => ({
          lineSeq: l.lineSeq,
          holds: holdsOf(l),
          lineVersion: l.version,
        })),
        approved: decision.approved,
        replayed: false,
      };
      try {
        await orders.commit({
          lines: decision.changed.map((line) => ({
            line,
            expectedVersion: before.get(line.lineSeq)!,
          })),
          event: {
            ...decision.event,
            orderId,
            reason: env.reason,
            actor: env.actor,
            idempotencyKey: env.idempotencyKey,
            at: now,
            request,
            result,
          },
          headerSet: decision.headerSet,
        });
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        if (err.cancellation.failed.has('event')) {
          const ev = await orders.getEvent(orderId, env.idempotencyKey);
          if (ev) return this.replay<OrderCommandResult>(ev, request);
        }
      }
    }
    throw new CommandError(
      'CONFLICT',
      `order ${orderId}: gave up after ${this.maxAttempts} attempts`,
    );
  }

  private targetLines(
    lines: LineState[],
    orderId: string,
    lineSeq: string | undefined,
  ): LineState[] {
    if (lineSeq === undefined) return lines;
    const line = lines.find((l) => l.lineSeq === lineSeq);
    if (!line) throw new CommandError('UNKNOWN_LINE', `order ${orderId} has no line ${lineSeq}`);
    return [line];
  }

  /** Places a hold on one line, or (no lineSeq) an order-level hold on every line. */
  async addHold(cmd: HoldCommand): Promise<OrderCommandResult> {
    checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    const lineSeq = cmd.lineSeq === undefined ? undefined : checkLineSeq(cmd.lineSeq);
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
    return this.orderCommand(cmd, orderId, request, (_h, lines, env, now) => {
      const changed = this.targetLines(lines, orderId, lineSeq).map((l) => {
        const held = withHold(
          l,
          {
            code: cmd.code,
            kind: lineSeq === undefined ? 'order' : 'line',
            reason: cmd.holdReason!,
          },
          now,
          env.actor,
        );
        return { ...held, version: l.version + 1, updatedAt: now };
      });
      return { changed, event: { type: 'hold-added', lineSeq, holds: [cmd.code] } };
    });
  }

  /** Lifts a hold from one line, or (no lineSeq) from every line that has it. */
  async liftHold(cmd: HoldCommand): Promise<OrderCommandResult> {
    checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    const lineSeq = cmd.lineSeq === undefined ? undefined : checkLineSeq(cmd.lineSeq);
    const request = canonicalJson({ type: 'hold-lift', orderId, lineSeq, code: cmd.code });
    return this.orderCommand(cmd, orderId, request, (_h, lines, _env, now) => {
      const targets = this.targetLines(lines, orderId, lineSeq);
      const held = lineSeq === undefined ? targets.filter((l) => l.holds[cmd.code]) : targets;
      if (held.length === 0) {
        throw new CommandError('UNKNOWN_HOLD', `order ${orderId} has no hold ${cmd.code}`);
      }
      const changed = held.map((l) => ({
        ...withoutHold(l, cmd.code),
        version: l.version + 1,
        updatedAt: now,
      }));
      return { changed, event: { type: 'hold-lifted', lineSeq, holds: [cmd.code] } };
    });
  }

  /**
   * Records NetSuite's sales-order id and/or line ids; once all are known the order-level hold
   * AWAITING_NETSUITE_IDS is lifted from every line (the order is approved).
   */
  async recordNetsuiteIds(cmd: NetsuiteIdsCommand): Promise<OrderCommandResult> {
    checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    const request = canonicalJson({
      type: 'netsuite-ids',
      orderId,
      netsuiteOrderId: cmd.netsuiteOrderId,
      lineIds: cmd.lineIds,
    });
    return this.orderCommand(cmd, orderId, request, (header, lines, _env, now) => {
      const applied = applyNetsuiteIds(header, lines, cmd, now);
      return {
        changed: applied.lines,
        headerSet:
          applied.header.netsuiteOrderId !== header.netsuiteOrderId
            ? { netsuiteOrderId: applied.header.netsuiteOrderId }
            : undefined,
        approved: applied.approved,
        event: {
          type: 'netsuite-ids',
          holds: applied.approved ? ['AWAITING_NETSUITE_IDS'] : undefined,
        },
      };
    });
  }
}
