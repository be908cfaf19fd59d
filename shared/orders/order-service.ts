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
import { countedAt, reflect as reflectUnits } from '../domain/reservations/promises.ts';
import {
  CommandError,
  applyMove,
  canonicalJson,
  checkMoveDetails,
  movesInOrder,
  checkEnvelope,
  evaluateGates,
  DEFAULT_GATES,
  resolveMove,
  shipmentOpenQty,
  withHold,
  withoutHold,
  type Buckets,
  type CommandEnvelope,
  type GateResult,
  type LineState,
  type MoveRequest,
  type ReleaseGate,
  type ResolvedMove,
  type StatusCode,
} from '../domain/lifecycle/index.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { planFulfillment } from '../domain/fulfillment/fulfillment-plan.ts';
import type {
  EventStep,
  MoveOutcome,
  Release,
  Shipment,
  ShipmentDetails,
} from '../domain/lifecycle/index.ts';
import { canReserve } from '../domain/reservations/availability.ts';
import { applyNetsuiteIds, type NetsuiteIds } from '../domain/orders/netsuite-ids.ts';
import type { OrderStore, StoredEvent } from '../store/order-store.ts';
import { TxCancelled } from '../store/order-store.ts';
import type { FacilityState, PositionStore } from '../store/position-store.ts';
import { backoffMs, sleep, type Cancellation, type TxItem } from '../store/transactions.ts';
import { StateCache } from './state-cache.ts';

/** Envelope fields as they arrive (from JSON, the CLI): checked by the command. */
export interface EnvelopeInput {
  readonly idempotencyKey?: string;
  readonly actor?: string;
  readonly reason?: string;
}

export interface MoveCommand extends MoveRequest, EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  /**
   * Writes of another module that must commit atomically with the move (e.g. a purchase-order
   * line's ATP for a pre-order allocation). Labels start with `linked:`. If one of their
   * conditions fails, the move changes nothing and throws LinkedConditionFailed.
   */
  readonly linked?: ReadonlyArray<{ readonly label: `linked:${string}`; readonly item: TxItem }>;
}

/** A linked write's condition failed: the move was not made (the caller decides what next). */
export class LinkedConditionFailed extends Error {
  constructor(readonly labels: readonly string[]) {
    super(`linked condition failed: ${labels.join(', ')}`);
    this.name = 'LinkedConditionFailed';
  }
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

export interface ReflectResult {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  /** Units that stopped counting against the facility's availability. */
  readonly drop: number;
  /** Units of the line still counted there. */
  readonly counted: number;
  readonly replayed: boolean;
}

type Linked = ReadonlyArray<{ readonly label: `linked:${string}`; readonly item: TxItem }>;

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

export interface StepsResult {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly steps: readonly EventStep[];
  readonly buckets: Buckets;
  readonly holds: readonly string[];
  readonly lineVersion: number;
  readonly replayed: boolean;
  /** What a person should know (reservations moved, holds overridden). */
  readonly notes: readonly string[];
}

/** Hands quantity at a facility back (1400, backordered from node): a rejection or not found. */
export interface BackorderCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  /** Default: every unit at the facility not yet shipped. */
  readonly quantity?: number;
  /** Where to take it from, in order (default: 3350, 3200, 1500, 1200 — furthest along first). */
  readonly from?: ReadonlyArray<1200 | 1500 | 3200 | 3350>;
  readonly linked?: Linked;
}

/** One move of a {@link OrderService.moveLines} command: a line, a move and what commits with it. */
export interface LineMove extends MoveRequest {
  readonly lineSeq: string;
  readonly linked?: Linked;
}

export interface MoveLinesCommand extends EnvelopeInput {
  readonly orderId: string;
  /** Applied in order, each on its line as the previous moves left it (no releases: → 3200). */
  readonly moves: readonly LineMove[];
}

export interface MoveLinesResult {
  readonly orderId: string;
  readonly lines: ReadonlyArray<{
    readonly lineSeq: string;
    readonly buckets: Buckets;
    readonly lineVersion: number;
  }>;
  readonly steps: readonly EventStep[];
  readonly replayed: boolean;
}

/** Records that a shipment being picked is packed (the quantity stays in 3350). */
export interface PackCommand extends EnvelopeInput {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly shipmentKey: string;
  readonly packages?: number;
}

export interface PackResult {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly shipmentKey: string;
  readonly packedAt: string;
  readonly packages?: number;
  readonly lineVersion: number;
  readonly replayed: boolean;
}

/** What a multi-step command does to the line as read: moves resolved one after the other. */
type StepsPlanner = (line: LineState) => {
  steps: readonly ResolvedMove[];
  gates?: readonly GateResult[];
  notes?: readonly string[];
};

/** Statuses a cancellation takes quantity from, least advanced first. */
const CANCELLABLE: readonly StatusCode[] = [1100, 1300, 1250, 1400, 1200, 1500, 3200];

export interface OrderServiceOptions {
  readonly orders: OrderStore;
  readonly positions: PositionStore;
  /** Release gates in the order they are evaluated (default: inventory, payment, fraud, completeness). */
  readonly gates?: readonly ReleaseGate[];
  readonly now?: () => string;
  /** Attempts before a command gives up on conflicts (default 60). */
  readonly maxAttempts?: number;
  /**
   * Lines and positions this process last saw, to skip reads (default: a new cache). Share one
   * with OrderIntake so that a new order's lines are known; pass `new NoCache()` to read always.
   */
  readonly cache?: StateCache;
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

/** True when `delta` (> 0) more units would take the facility past its figure less safety stock. */
const cannotReserve = (f: FacilityState, delta: number): boolean =>
  delta > 0 &&
  !canReserve(
    { nsQty: f.nsQty ?? 0, reserved: f.position.reserved, safety: f.position.safety },
    delta,
  );

/** The refusal of a reservation the facility's figures do not cover, with the figures. */
function outOfStock(f: FacilityState, quantity: number): CommandError {
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

export class OrderService {
  private readonly gates: readonly ReleaseGate[];
  private readonly now: () => string;
  private readonly maxAttempts: number;
  private readonly cache: StateCache;

  constructor(private readonly opts: OrderServiceOptions) {
    this.cache = opts.cache ?? new StateCache();
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

  /**
   * The first reading of a cancelled write: the key's event exists (a replay: the recorded
   * result) or a linked write's condition failed (LinkedConditionFailed); else undefined.
   */
  private async replayOrLinkedFailure<T>(
    c: Cancellation,
    orderId: string,
    idempotencyKey: string,
    request: string,
  ): Promise<(T & { replayed: true }) | undefined> {
    if (c.failed.has('event')) {
      const ev = await this.opts.orders.getEvent(orderId, idempotencyKey);
      if (ev) return this.replay<T>(ev, request);
    }
    const linkedFailed = [...c.failed].filter((l) => l.startsWith('linked:'));
    if (linkedFailed.length) throw new LinkedConditionFailed(linkedFailed);
    return undefined;
  }

  /**
   * The position write (and NetSuite-figure check) of a reservation change at a facility, labelled
   * `position:<sku>:<facility>` / `ns:<sku>:<facility>` for reading a cancelled transaction.
   */
  private inventoryWrites(f: FacilityState, delta: number, now: string) {
    const { position, nsCheck } = this.opts.positions.reserveItems(f, delta, now);
    const at = `${f.sku}:${f.facilityId}`;
    return [
      { label: `position:${at}`, item: position },
      ...(nsCheck ? [{ label: `ns:${at}`, item: nsCheck }] : []),
    ];
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
      shipped: cmd.shipped,
      schedule: cmd.schedule,
    };
    const request = canonicalJson({ type: 'move', orderId, lineSeq, ...req });
    const { orders, positions } = this.opts;
    const cache = this.cache;
    const release = req.to === 3200;
    let useCache = true;
    let lostRaces = 0;
    /** The line (and header) of the last attempt when its version still held at the write. */
    let carried: { line: LineState; header?: OrderHeader } | undefined;

    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (lostRaces > 0) await sleep(backoffMs(lostRaces));
      let line = carried?.line ?? (useCache && !release ? cache.line(orderId, lineSeq) : undefined);
      let header = carried?.header;
      const cachedLine = line !== undefined && !carried;
      carried = undefined;
      if (!line) {
        const read = await orders.readForCommand(orderId, lineSeq, env.idempotencyKey, release);
        if (read.event) return this.replay<MoveResult>(read.event, request);
        if (!read.line) return this.unknown(orderId, lineSeq);
        line = read.line;
        header = read.header;
      }

      let move: ResolvedMove;
      try {
        move = resolveMove(line, req);
      } catch (err) {
        if (!cachedLine || !(err instanceof CommandError)) throw err;
        // Never refuse on cached state: read the line (and the key's event) and decide again.
        cache.dropLine(orderId, lineSeq);
        useCache = false;
        continue;
      }

      let facility: FacilityState | undefined;
      let facilityFresh = false;
      if (move.reservationDelta !== 0 || release) {
        facility = useCache ? cache.facility(line.sku, move.facilityId!) : undefined;
        if (!facility) {
          facility = await positions.facility(line.sku, move.facilityId!);
          facilityFresh = true;
        }
      }
      const reserveBlocked = (f: FacilityState) => cannotReserve(f, move.reservationDelta);
      const gatesFor = (f: FacilityState | undefined): GateResult[] | undefined =>
        release
          ? evaluateGates(this.gates, {
              order: header!,
              line: line!,
              facilityId: move.facilityId!,
              quantity: move.quantity,
              inventory: {
                nsQty: f?.nsQty,
                reserved: f?.position.reserved ?? 0,
                safety: f?.position.safety ?? 0,
              },
            })
          : undefined;
      if (release && !header)
        throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
      let gates = gatesFor(facility);
      if (
        facility &&
        !facilityFresh &&
        (reserveBlocked(facility) || gates?.some((g) => !g.passed))
      ) {
        // Never refuse on cached figures: read them again and decide on those.
        facility = await positions.facility(line.sku, move.facilityId!);
        facilityFresh = true;
        gates = gatesFor(facility);
      }
      if (facility && reserveBlocked(facility)) {
        cache.putFacility(facility);
        if (cachedLine) {
          // Refuse only after the line and the key's event were read, too (it may be a replay).
          cache.dropLine(orderId, lineSeq);
          useCache = false;
          continue;
        }
        throw outOfStock(facility, move.quantity);
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
      const extra: Array<{ label: string; item: TxItem }> = [];
      let facilityAfter: FacilityState | undefined;
      if (outcome.kind === 'moved' && facility) {
        if (move.reservationDelta !== 0) {
          const { position, nsCheck } = positions.reserveItems(
            facility,
            move.reservationDelta,
            now,
          );
          extra.push({
            label: 'reservation',
            item: positions.reservationItem(
              {
                sku: line.sku,
                facilityId: facility.facilityId,
                orderId,
                lineSeq,
                qty: countedAt(outcome.line, facility.facilityId),
              },
              now,
            ),
          });
          extra.push({ label: 'position', item: position });
          if (nsCheck) extra.push({ label: 'ns', item: nsCheck });
          facilityAfter = {
            ...facility,
            position: {
              ...facility.position,
              reserved: facility.position.reserved + move.reservationDelta,
              v: facility.position.v + 1,
            },
          };
        }
        if (release && !extra.some((x) => x.label === 'ns')) {
          // The gates passed on this NetSuite figure: it must still be the current one.
          extra.push({ label: 'ns', item: positions.netsuiteCheck(facility) });
        }
      }
      if (outcome.kind === 'moved') extra.push(...(cmd.linked ?? []));
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
        cache.putLine(outcome.line);
        if (facilityAfter) cache.putFacility(facilityAfter);
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const c = err.cancellation;
        const replayed = await this.replayOrLinkedFailure<MoveResult>(
          c,
          orderId,
          env.idempotencyKey,
          request,
        );
        if (replayed) return replayed;
        const lineMoved = c.failed.has(`line:${lineSeq}`);
        const positionMoved = c.failed.has('position');
        if (lineMoved) cache.dropLine(orderId, lineSeq);
        // Only the inventory moved (a hot SKU): the line read still holds, read the figures again.
        if (!lineMoved && !c.conflict && !c.throttled) carried = { line, header };
        if (facility && (positionMoved || c.failed.has('ns'))) {
          cache.dropFacility(line.sku, facility.facilityId);
        }
        const inventoryMoved = positionMoved || c.failed.has('ns');
        if (!lineMoved && !inventoryMoved && !c.conflict && !c.throttled) throw err;
        // The line moved, or another transaction held an item: a lost race, back off with
        // jitter. Only the inventory figures moved (reserved by others, NetSuite's figure or the
        // safety stock changed): read them again at once; the check on fresh figures decides
        // between retrying and OUT_OF_STOCK.
        if (lineMoved || c.conflict || c.throttled) lostRaces++;
        useCache = false;
      }
    }
    throw new CommandError(
      'CONFLICT',
      `line ${orderId}/${lineSeq}: gave up after ${this.maxAttempts} attempts because other writers kept changing it; try again`,
    );
  }

  /**
   * Brings `quantity` of a line to 3700 at `facilityId` in one write (planFulfillment): picking,
   * released, scheduled and allocated quantity there first, then a reservation moved from another
   * facility, then unallocated quantity. The shipment details land on every shipment that ships.
   * A shipment is a fact: holds do not block it. Refused (INSUFFICIENT_QUANTITY) when the line
   * cannot give the quantity.
   */
  async fulfill(cmd: FulfillCommand): Promise<StepsResult> {
    const facilityId = cmd.facilityId;
    checkMoveDetails({ from: 3350, to: 3700, shipped: cmd.shipped });
    const request = {
      type: 'fulfill',
      facilityId,
      quantity: cmd.quantity,
      shipped: cmd.shipped,
    };
    return this.moveSteps(cmd, 'fulfilled', request, cmd.linked, (line) => {
      const plan = planFulfillment(line, { facilityId, quantity: cmd.quantity });
      if (!plan.ok) throw new CommandError('INSUFFICIENT_QUANTITY', plan.reason);
      const steps = plan.steps.map((m) =>
        m.to === 3700 && cmd.shipped ? { ...m, shipped: cmd.shipped } : m,
      );
      return { steps, gates: plan.gates, notes: plan.notes };
    });
  }

  /**
   * Cancels `quantity` of a line (default: all of it that can be cancelled) in one write, least
   * advanced quantity first (1100, 1300, 1250, 1400, 1200, 1500, 3200): reservations are released
   * and releases closed. Quantity being picked (3350) or shipped cannot be cancelled.
   */
  async cancelLine(cmd: CancelLineCommand): Promise<StepsResult> {
    const request = { type: 'cancel', quantity: cmd.quantity };
    if (
      cmd.quantity !== undefined &&
      (typeof cmd.quantity !== 'number' || !Number.isSafeInteger(cmd.quantity) || cmd.quantity < 1)
    ) {
      throw new CommandError('INVALID_COMMAND', 'quantity must be a whole number above 0', {
        field: 'quantity',
      });
    }
    return this.moveSteps(cmd, 'cancelled', request, cmd.linked, (line) => {
      const cancellable = CANCELLABLE.reduce((n, st) => n + (line.buckets[st] ?? 0), 0);
      const want = cmd.quantity ?? cancellable;
      if (want === 0 || want > cancellable) {
        throw new CommandError(
          'INSUFFICIENT_QUANTITY',
          `line ${line.orderId}/${line.lineSeq} has ${cancellable} cancellable unit(s)${
            cmd.quantity !== undefined ? `, fewer than ${cmd.quantity}` : ''
          } (being picked or shipped quantity cannot be cancelled)`,
        );
      }
      let need = want;
      const plan = movesInOrder(line, { now: line.updatedAt, actor: 'cancel-plan' });
      const take = (req: MoveRequest) => {
        need -= plan.add(req).quantity;
      };
      for (const st of CANCELLABLE) {
        const cur = plan.line;
        if (need === 0) break;
        if (st === 1200 || st === 1500) {
          for (const f of Object.keys(cur.alloc).sort()) {
            const q = Math.min(need, cur.alloc[f]?.[st] ?? 0);
            if (q > 0) take({ from: st, to: 9000, quantity: q, facilityId: f });
          }
        } else if (st === 3200) {
          for (const r of Object.values(cur.releases).sort((a, b) => a.key.localeCompare(b.key))) {
            const q = Math.min(need, r.statusQuantity - r.inShipment);
            if (q > 0) take({ from: 3200, to: 9000, quantity: q, releaseKey: r.key });
          }
        } else {
          const q = Math.min(need, cur.buckets[st] ?? 0);
          if (q > 0) take({ from: st, to: 9000, quantity: q });
        }
      }
      return { steps: plan.steps };
    });
  }

  /**
   * Marks a shipment being picked as packed (pick → pack → ship): the shipment row and the line
   * get `packedAt` (and `packages`), one `packed` event; no quantity moves. Refused for an unknown
   * shipment or one no longer being picked (shipped or not found).
   */
  async packShipment(cmd: PackCommand): Promise<PackResult> {
    const env = checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    const lineSeq = checkLineSeq(cmd.lineSeq);
    const packages = cmd.packages;
    if (
      packages !== undefined &&
      (!Number.isSafeInteger(packages) || packages < 1 || packages > 999)
    ) {
      throw new CommandError('INVALID_COMMAND', 'packages must be a whole number 1–999', {
        field: 'packages',
      });
    }
    const request = canonicalJson({
      type: 'pack',
      orderId,
      lineSeq,
      shipmentKey: cmd.shipmentKey,
      packages,
    });
    const { orders } = this.opts;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const read = await orders.readForCommand(orderId, lineSeq, env.idempotencyKey, false);
      if (read.event) return this.replay<PackResult>(read.event, request);
      if (!read.line) return this.unknown(orderId, lineSeq);
      const line = read.line;
      const s = line.shipments[cmd.shipmentKey];
      if (!s) {
        throw new CommandError(
          'UNKNOWN_SHIPMENT',
          `line ${orderId}/${lineSeq} has no shipment ${cmd.shipmentKey}`,
        );
      }
      if (s.status !== 'picking') {
        throw new CommandError(
          'INVALID_COMMAND',
          `shipment ${s.key} is ${s.status}: only a shipment being picked can be packed`,
          { field: 'shipmentKey' },
        );
      }
      const now = this.now();
      const shipment = { ...s, packedAt: now, ...(packages !== undefined ? { packages } : {}) };
      const after: LineState = {
        ...line,
        shipments: { ...line.shipments, [s.key]: shipment },
        version: line.version + 1,
        updatedAt: now,
      };
      const result: PackResult = {
        orderId,
        lineSeq,
        shipmentKey: s.key,
        packedAt: now,
        ...(packages !== undefined ? { packages } : {}),
        lineVersion: after.version,
        replayed: false,
      };
      const event: StoredEvent = {
        type: 'packed',
        orderId,
        lineSeq,
        facilityId: s.facilityId,
        releaseKey: s.releaseKey,
        shipmentKey: s.key,
        reason: env.reason,
        actor: env.actor,
        idempotencyKey: env.idempotencyKey,
        at: now,
        lineVersion: after.version,
        request,
        result,
      };
      try {
        await orders.commit({
          lines: [{ line: after, expectedVersion: line.version }],
          event,
          shipment: { ...shipment, lineSeq },
        });
        this.cache.putLine(after);
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const replayed = await this.replayOrLinkedFailure<PackResult>(
          err.cancellation,
          orderId,
          env.idempotencyKey,
          request,
        );
        if (replayed) return replayed;
        this.cache.dropLine(orderId, lineSeq);
      }
    }
    throw new CommandError(
      'CONFLICT',
      `line ${orderId}/${lineSeq}: gave up after ${this.maxAttempts} attempts because other writers kept changing it; try again`,
    );
  }

  /**
   * Moves quantity at a facility to 1400 (backordered from node) in one write: picking (3350,
   * "not found": shipment quantity stays 0), released (3200, the release closes), scheduled (1500,
   * via 1200) and allocated (1200, the reservation is released). The facility is recorded in the
   * line's `rejectedBy`, so re-brokering excludes it; re-release creates new release and shipment
   * keys.
   */
  async backorderFromNode(cmd: BackorderCommand): Promise<StepsResult> {
    const order = cmd.from ?? [3350, 3200, 1500, 1200];
    const request = {
      type: 'backorder',
      facilityId: cmd.facilityId,
      quantity: cmd.quantity,
      from: order,
    };
    return this.moveSteps(cmd, 'backordered', request, cmd.linked, (line) => {
      const F = cmd.facilityId;
      const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
      const at = {
        3350: Object.values(line.shipments)
          .filter((x) => x.facilityId === F)
          .reduce((n, x) => n + shipmentOpenQty(x), 0),
        3200: Object.values(line.releases)
          .filter((r) => r.facilityId === F)
          .reduce((n, r) => n + r.statusQuantity - r.inShipment, 0),
        1500: line.alloc[F]?.[1500] ?? 0,
        1200: line.alloc[F]?.[1200] ?? 0,
      };
      const available = order.reduce((n, st) => n + at[st], 0);
      const want = cmd.quantity ?? available;
      if (want < 1 || want > available) {
        throw new CommandError(
          'INSUFFICIENT_QUANTITY',
          `line ${line.orderId}/${line.lineSeq} has ${available} unit(s) at facility ${F} in ${order.join(', ')}${
            cmd.quantity !== undefined ? `, fewer than ${cmd.quantity}` : ''
          }`,
        );
      }
      let need = want;
      const plan = movesInOrder(line, { now: line.updatedAt, actor: 'backorder-plan' });
      const go = (req: MoveRequest) => void plan.add(req);
      for (const st of order) {
        const cur = plan.line;
        if (need === 0) break;
        if (st === 3350) {
          for (const x of Object.values(cur.shipments).sort(byKey)) {
            const q = Math.min(need, x.facilityId === F ? shipmentOpenQty(x) : 0);
            if (q > 0) go({ from: 3350, to: 1400, quantity: q, shipmentKey: x.key });
            need -= q;
          }
        } else if (st === 3200) {
          for (const r of Object.values(cur.releases).sort(byKey)) {
            const q = Math.min(need, r.facilityId === F ? r.statusQuantity - r.inShipment : 0);
            if (q > 0) go({ from: 3200, to: 1400, quantity: q, releaseKey: r.key });
            need -= q;
          }
        } else {
          const q = Math.min(need, cur.alloc[F]?.[st] ?? 0);
          if (q > 0) {
            if (st === 1500) go({ from: 1500, to: 1200, quantity: q, facilityId: F });
            go({ from: 1200, to: 1400, quantity: q, facilityId: F });
          }
          need -= q;
        }
      }
      return { steps: plan.steps };
    });
  }

  /**
   * Applies moves of several lines of one order in ONE transaction with one event: a brokering
   * decision for a whole order commits or fails as a whole. Reservation changes are summed per SKU
   * × facility (one position write and NetSuite check each, under the same bounds as `move`).
   * Reads come from the cache when it has them (a brokering run warms it); nothing is refused on
   * cached state. Throws OUT_OF_STOCK (details name the SKU and facility) when fresh figures do
   * not cover a reservation; then nothing was written.
   */
  async moveLines(cmd: MoveLinesCommand): Promise<MoveLinesResult> {
    const env = checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    if (!Array.isArray(cmd.moves) || cmd.moves.length === 0 || cmd.moves.length > 15) {
      throw new CommandError('INVALID_COMMAND', 'moves must list 1–15 moves', { field: 'moves' });
    }
    const seqs = [...new Set(cmd.moves.map((m) => checkLineSeq(m.lineSeq)))];
    if (cmd.moves.some((m) => m.to === 3200)) {
      throw new CommandError('INVALID_COMMAND', 'moveLines does not release (→ 3200): use move');
    }
    const request = canonicalJson({
      type: 'move-lines',
      orderId,
      moves: cmd.moves.map(({ linked: _l, ...m }) => m),
    });
    const { orders, positions } = this.opts;
    const cache = this.cache;
    let useCache = true;
    let lostRaces = 0;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (lostRaces > 0) await sleep(backoffMs(lostRaces));
      let lines = new Map<string, LineState>();
      let fromCache = false;
      if (useCache) {
        for (const seq of seqs) {
          const l = cache.line(orderId, seq);
          if (l) lines.set(seq, l);
        }
        fromCache = lines.size === seqs.length;
      }
      if (!fromCache) {
        const read = await orders.readLinesForCommand(orderId, seqs, env.idempotencyKey);
        if (read.event) return this.replay<MoveLinesResult>(read.event, request);
        lines = read.lines;
        for (const seq of seqs) if (!lines.has(seq)) return this.unknown(orderId, seq);
      }
      const before = new Map(lines);
      const now = this.now();
      const outcomes: Array<{ lineSeq: string; move: ResolvedMove }> = [];
      try {
        for (const m of cmd.moves) {
          const line = lines.get(m.lineSeq)!;
          const move = resolveMove(line, m);
          const out = applyMove(line, move, { now, actor: env.actor });
          lines.set(m.lineSeq, out.line);
          outcomes.push({ lineSeq: m.lineSeq, move: out.move });
        }
      } catch (err) {
        if (!fromCache || !(err instanceof CommandError)) throw err;
        for (const seq of seqs) cache.dropLine(orderId, seq);
        useCache = false;
        continue;
      }
      // Net reservation change per SKU × facility.
      const deltas = new Map<string, { sku: string; facilityId: string; delta: number }>();
      for (const o of outcomes) {
        if (o.move.reservationDelta === 0) continue;
        const sku = lines.get(o.lineSeq)!.sku;
        const k = `${sku}\u0000${o.move.facilityId!}`;
        const d = deltas.get(k) ?? { sku, facilityId: o.move.facilityId!, delta: 0 };
        deltas.set(k, { ...d, delta: d.delta + o.move.reservationDelta });
      }
      const touched = [...deltas.values()].filter((d) => d.delta !== 0);
      const states = await Promise.all(
        touched.map(async (d) => {
          const cached = useCache ? cache.facility(d.sku, d.facilityId) : undefined;
          return {
            cached: cached !== undefined,
            state: cached ?? (await positions.facility(d.sku, d.facilityId)),
          };
        }),
      );
      const blocked = cannotReserve;
      let refused: { sku: string; facilityId: string; f: FacilityState; delta: number } | undefined;
      for (let i = 0; i < touched.length; i++) {
        const d = touched[i]!;
        let st = states[i]!;
        if (blocked(st.state, d.delta) && st.cached) {
          // Never refuse on cached figures.
          st = { cached: false, state: await positions.facility(d.sku, d.facilityId) };
          states[i] = st;
          cache.putFacility(st.state);
        }
        if (blocked(st.state, d.delta)) refused ??= { ...d, f: st.state };
      }
      if (refused) {
        if (fromCache) {
          // Refuse only once the lines and the key's event were read, too (it may be a replay).
          for (const seq of seqs) cache.dropLine(orderId, seq);
          useCache = false;
          continue;
        }
        throw outOfStock(refused.f, refused.delta);
      }
      const extra: Array<{ label: string; item: TxItem }> = [];
      touched.forEach((d, i) =>
        extra.push(...this.inventoryWrites(states[i]!.state, d.delta, now)),
      );
      // One reservation row per line × facility whose reservation changed.
      const resRows = new Set<string>();
      for (const o of outcomes) {
        if (o.move.reservationDelta === 0) continue;
        const k = `${o.lineSeq}\u0000${o.move.facilityId!}`;
        if (resRows.has(k)) continue;
        resRows.add(k);
        const line = lines.get(o.lineSeq)!;
        extra.push({
          label: `reservation:${o.lineSeq}:${o.move.facilityId!}`,
          item: positions.reservationItem(
            {
              sku: line.sku,
              facilityId: o.move.facilityId!,
              orderId,
              lineSeq: o.lineSeq,
              qty: countedAt(line, o.move.facilityId!),
            },
            now,
          ),
        });
      }
      for (const m of cmd.moves) extra.push(...(m.linked ?? []));
      const after = seqs.map((seq) => ({
        line: { ...lines.get(seq)!, version: before.get(seq)!.version + 1, updatedAt: now },
        expectedVersion: before.get(seq)!.version,
      }));
      const steps: EventStep[] = outcomes.map(({ lineSeq, move: m }) => ({
        lineSeq,
        from: m.from,
        to: m.to,
        quantity: m.quantity,
        ...(m.facilityId ? { facilityId: m.facilityId } : {}),
      }));
      const result: MoveLinesResult = {
        orderId,
        lines: after.map(({ line }) => ({
          lineSeq: line.lineSeq,
          buckets: line.buckets,
          lineVersion: line.version,
        })),
        steps,
        replayed: false,
      };
      const event: StoredEvent = {
        type: 'moved-lines',
        orderId,
        steps,
        reason: env.reason,
        actor: env.actor,
        idempotencyKey: env.idempotencyKey,
        at: now,
        request,
        result,
      };
      try {
        await orders.commit({ lines: after, event, extra });
        for (const { line } of after) cache.putLine(line);
        touched.forEach((d, i) => {
          const f = states[i]!.state;
          cache.putFacility({
            ...f,
            position: {
              ...f.position,
              reserved: f.position.reserved + d.delta,
              v: f.position.v + 1,
            },
          });
        });
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const c = err.cancellation;
        const replayed = await this.replayOrLinkedFailure<MoveLinesResult>(
          c,
          orderId,
          env.idempotencyKey,
          request,
        );
        if (replayed) return replayed;
        const linesMoved = seqs.some((seq) => c.failed.has(`line:${seq}`));
        for (const seq of seqs) if (c.failed.has(`line:${seq}`)) cache.dropLine(orderId, seq);
        let inventoryMoved = false;
        for (const d of touched) {
          const sfx = `${d.sku}:${d.facilityId}`;
          if (c.failed.has(`position:${sfx}`) || c.failed.has(`ns:${sfx}`)) {
            cache.dropFacility(d.sku, d.facilityId);
            inventoryMoved = true;
          }
        }
        if (!linesMoved && !inventoryMoved && !c.conflict && !c.throttled) throw err;
        if (linesMoved || c.conflict || c.throttled) lostRaces++;
        // Lines still hold when only figures moved: the cache keeps them; figures are read again.
        if (linesMoved) useCache = false;
      }
    }
    throw new CommandError(
      'CONFLICT',
      `order ${orderId}: gave up after ${this.maxAttempts} attempts because other writers kept changing it; try again`,
    );
  }

  /**
   * Applies several moves of one line in one transaction with one event: the line, every release
   * and shipment row touched, the net reservation change per facility (with its position and
   * NetSuite-figure checks), and the caller's linked items. Retried on lost races with a fresh
   * plan; a replayed key returns the first result.
   */
  private async moveSteps(
    input: EnvelopeInput & { orderId: string; lineSeq: string },
    type: 'fulfilled' | 'cancelled' | 'backordered',
    payload: Record<string, unknown>,
    linked: Linked | undefined,
    planner: StepsPlanner,
  ): Promise<StepsResult> {
    const env = checkEnvelope(input);
    const orderId = checkOrderId(input.orderId);
    const lineSeq = checkLineSeq(input.lineSeq);
    const request = canonicalJson({ ...payload, orderId, lineSeq });
    const { orders, positions } = this.opts;
    let lostRaces = 0;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (lostRaces > 0) await sleep(backoffMs(lostRaces));
      const read = await orders.readForCommand(orderId, lineSeq, env.idempotencyKey, false);
      if (read.event) return this.replay<StepsResult>(read.event, request);
      if (!read.line) return this.unknown(orderId, lineSeq);
      const line = read.line;
      const plan = planner(line);
      const now = this.now();
      let cur = line;
      const outcomes: MoveOutcome[] = [];
      for (const step of plan.steps) {
        const out = applyMove(cur, step, { now, actor: env.actor, gates: plan.gates });
        if (out.kind !== 'moved') {
          throw new CommandError('ON_HOLD', `line ${orderId}/${lineSeq}: a release step was held`);
        }
        outcomes.push(out);
        cur = out.line;
      }
      // Net reservation change per facility: one position write each.
      const deltas = new Map<string, number>();
      for (const o of outcomes) {
        if (o.move.reservationDelta !== 0) {
          const f = o.move.facilityId!;
          deltas.set(f, (deltas.get(f) ?? 0) + o.move.reservationDelta);
        }
      }
      const extra: Array<{ label: string; item: TxItem }> = [];
      const touched = [...deltas].filter(([, d]) => d !== 0);
      const facilities = await Promise.all(touched.map(([f]) => positions.facility(line.sku, f)));
      touched.forEach(([f, delta], i) => {
        const facility = facilities[i]!;
        if (cannotReserve(facility, delta)) throw outOfStock(facility, delta);
        extra.push(...this.inventoryWrites(facility, delta, now));
        extra.push({
          label: `reservation:${f}`,
          item: positions.reservationItem(
            { sku: line.sku, facilityId: f, orderId, lineSeq, qty: countedAt(cur, f) },
            now,
          ),
        });
      });
      extra.push(...(linked ?? []));
      const releases = new Map<string, Release>();
      const shipments = new Map<string, Shipment>();
      for (const o of outcomes) {
        if (o.kind !== 'moved') continue;
        if (o.release) releases.set(o.release.key, cur.releases[o.release.key]!);
        if (o.shipment) shipments.set(o.shipment.key, cur.shipments[o.shipment.key]!);
      }
      const steps: EventStep[] = outcomes.map(({ move: m }) => ({
        from: m.from,
        to: m.to,
        quantity: m.quantity,
        ...(m.facilityId ? { facilityId: m.facilityId } : {}),
        ...(m.releaseKey ? { releaseKey: m.releaseKey } : {}),
        ...(m.shipmentKey ? { shipmentKey: m.shipmentKey } : {}),
      }));
      // One version step for the whole command (the plan's moves each counted one).
      const after: LineState = { ...cur, version: line.version + 1, updatedAt: now };
      const result: StepsResult = {
        orderId,
        lineSeq,
        steps,
        buckets: after.buckets,
        holds: holdsOf(after),
        lineVersion: after.version,
        replayed: false,
        notes: plan.notes ?? [],
      };
      const event: StoredEvent = {
        type,
        orderId,
        lineSeq,
        steps,
        quantity: steps
          .filter((x) => x.to === 3700 || x.to === 9000 || x.to === 1400)
          .reduce((n, x) => n + x.quantity, 0),
        reason: env.reason,
        actor: env.actor,
        idempotencyKey: env.idempotencyKey,
        at: now,
        lineVersion: after.version,
        request,
        result,
      };
      try {
        await orders.commit({
          lines: [{ line: after, expectedVersion: line.version }],
          event,
          releases: [...releases.values()].map((r) => ({ ...r, lineSeq })),
          shipments: [...shipments.values()].map((x) => ({ ...x, lineSeq })),
          extra,
        });
        this.cache.putLine(after);
        for (const f of touched.map(([f]) => f)) this.cache.dropFacility(line.sku, f);
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const c = err.cancellation;
        const replayed = await this.replayOrLinkedFailure<StepsResult>(
          c,
          orderId,
          env.idempotencyKey,
          request,
        );
        if (replayed) return replayed;
        this.cache.dropLine(orderId, lineSeq);
        const inventoryMoved = [...c.failed].some(
          (l) => l.startsWith('position:') || l.startsWith('ns:'),
        );
        if (!c.failed.has(`line:${lineSeq}`) && !inventoryMoved && !c.conflict && !c.throttled) {
          throw err;
        }
        lostRaces++;
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
      header: OrderHeader,
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
    let lostRaces = 0;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (lostRaces > 0) await sleep(backoffMs(lostRaces));
      const {
        header,
        lines,
        event: previous,
      } = await orders.readOrderForCommand(orderId, env.idempotencyKey);
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
        for (const line of decision.changed) this.cache.putLine(line);
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const c = err.cancellation;
        if (c.failed.has('event')) {
          const ev = await orders.getEvent(orderId, env.idempotencyKey);
          if (ev) return this.replay<OrderCommandResult>(ev, request);
        }
        const raced = c.conflict || c.throttled || [...c.failed].some((l) => l.startsWith('line:'));
        if (!raced) throw err;
        lostRaces++;
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
   * NetSuite's figure in force reflects up to `covered` units of the line at a facility: the line's
   * `reflected` units there grow (never above what is promised), and in one transaction its
   * reservation row and the position's counted units (`reserved`) drop by the same amount, with a
   * `reflected` history event. Idempotent by its key; a second reflection of the same units drops
   * nothing. Nothing to drop (already reflected, nothing promised there any more): no write.
   */
  async reflect(cmd: ReflectCommand): Promise<ReflectResult> {
    const env = checkEnvelope(cmd);
    const orderId = checkOrderId(cmd.orderId);
    const lineSeq = checkLineSeq(cmd.lineSeq);
    const { facilityId, covered } = cmd;
    if (typeof facilityId !== 'string' || !facilityId)
      throw new CommandError('INVALID_COMMAND', 'facilityId is required', { field: 'facilityId' });
    if (!Number.isSafeInteger(covered) || covered < 0)
      throw new CommandError(
        'INVALID_COMMAND',
        `covered must be a whole number ≥ 0, got ${covered}`,
        {
          field: 'covered',
        },
      );
    const request = canonicalJson({ type: 'reflected', orderId, lineSeq, facilityId, covered });
    const { orders, positions } = this.opts;
    for (let attempt = 0, lost = 0; attempt < this.maxAttempts; attempt++) {
      if (lost > 0) await sleep(backoffMs(lost));
      const read = await orders.readForCommand(orderId, lineSeq, env.idempotencyKey, false);
      if (read.event) return this.replay<ReflectResult>(read.event, request);
      if (!read.line) return this.unknown(orderId, lineSeq);
      const line = read.line;
      const r = reflectUnits(line, facilityId, covered);
      const base = { orderId, lineSeq, facilityId, replayed: false };
      if (r.drop === 0) return { ...base, drop: 0, counted: r.countedAfter };
      const now = this.now();
      const facility = await positions.facility(line.sku, facilityId);
      const after: LineState = { ...r.line, version: line.version + 1, updatedAt: now };
      const result: ReflectResult = { ...base, drop: r.drop, counted: r.countedAfter };
      const event: StoredEvent = {
        type: 'reflected',
        orderId,
        lineSeq,
        facilityId,
        quantity: r.drop,
        reason: env.reason,
        actor: env.actor,
        idempotencyKey: env.idempotencyKey,
        at: now,
        lineVersion: after.version,
        request,
        result,
      };
      try {
        await orders.commit({
          lines: [{ line: after, expectedVersion: line.version }],
          event,
          extra: [
            ...this.inventoryWrites(facility, -r.drop, now),
            {
              label: 'reservation',
              item: positions.reservationItem(
                { sku: line.sku, facilityId, orderId, lineSeq, qty: r.countedAfter },
                now,
              ),
            },
          ],
        });
        this.cache.dropLine(orderId, lineSeq);
        this.cache.dropFacility(line.sku, facilityId);
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        const c = err.cancellation;
        const replayed = await this.replayOrLinkedFailure<ReflectResult>(
          c,
          orderId,
          env.idempotencyKey,
          request,
        );
        if (replayed) return replayed;
        lost += 1;
      }
    }
    throw new CommandError(
      'CONFLICT',
      `line ${orderId}/${lineSeq} kept changing while its units were reflected; try again`,
    );
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
