/**
 * The order commands: move quantity between statuses, fulfill, cancel, pack, backorder from a
 * node, place and lift holds, reflect promised units, record NetSuite ids.
 *
 * Every command runs the same pipeline: its input checked at the edge (command-input.ts); the
 * state it needs read — the line (or lines, or the whole order), the event under its idempotency
 * key and, for inventory moves, NetSuite's figure and the OMS position — from this process's
 * cache where it may, from the store where it must; a pure planner (shared/domain/orders) turns
 * that state into the result, the event and the writes; the runner (command-runner.ts) commits
 * them in one conditional transaction and replays, retries or fails by the condition that failed.
 * The order-wide commands (holds, NetSuite ids) share one read-decide loop (order-command.ts).
 * What stays here is each command's reading policy: nothing is refused on cached state.
 *
 * Over 400 lines: the public surface of ten commands with their documentation, and for each its
 * reading and retry policy (what it may take from the cache, what a lost race drops from it); the
 * loop, the plans and the DynamoDB items are in the modules named above.
 */
import {
  CommandError,
  DEFAULT_GATES,
  resolveMove,
  type LineState,
  type ReleaseGate,
  type ResolvedMove,
} from '../domain/lifecycle/index.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import { reflect as reflectUnits } from '../domain/lifecycle/promises.ts';
import { afterReserve, outOfStock } from '../domain/reservations/facility-figures.ts';
import {
  applyLineMoves,
  checkMove,
  planMoveCommand,
  planMoveLines,
  refusesOrHolds,
  type LineMovesApplied,
} from '../domain/orders/move-plan.ts';
import {
  applySteps,
  backorderSteps,
  cancelSteps,
  fulfillSteps,
  planSteps,
  type PlannedSteps,
} from '../domain/orders/steps-plan.ts';
import {
  addHold,
  liftHold,
  planPack,
  planReflect,
  recordNetsuiteIds,
  type OrderDecision,
} from '../domain/orders/order-plans.ts';
import type {
  MoveLinesResult,
  MoveResult,
  OrderCommandResult,
  PackResult,
  ReflectResult,
  StepsResult,
} from '../domain/orders/command-results.ts';
import type { OrderStore } from '../store/order-store.ts';
import { OrderTransactions } from '../store/order-transaction.ts';
import type { FacilityState, PositionStore } from '../store/position-store.ts';
import { AGAIN, CommandRunner, finalRefusal } from './command-runner.ts';
import * as edge from './command-input.ts';
import type {
  BackorderCommand,
  CancelLineCommand,
  FulfillCommand,
  HoldCommand,
  Linked,
  MoveCommand,
  MoveLinesCommand,
  NetsuiteIdsCommand,
  PackCommand,
  ReflectCommand,
} from './commands.ts';
import { CommandReads } from './command-reads.ts';
import { runOrderCommand, type OrderCommandOptions } from './order-command.ts';
import { ReservationGroupCommit, type GroupCommitOptions } from './group-commit.ts';
import { StateCache } from './state-cache.ts';
import { STATUS } from '../domain/lifecycle/status.ts';

export { LinkedConditionFailed } from './command-runner.ts';
export type { OrderCommandOptions } from './order-command.ts';
export type * from './commands.ts';
export type * from '../domain/orders/command-results.ts';

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
  /** The group commit of reservations that commands with `groupCommit` use (batch size, clock). */
  readonly groupCommit?: GroupCommitOptions;
}

export class OrderService {
  private readonly gates: readonly ReleaseGate[];
  private readonly now: () => string;
  private readonly maxAttempts: number;
  private readonly cache: StateCache;
  private readonly runner: CommandRunner;
  private readonly reads: CommandReads;
  /** One per service: concurrent reservations of the process at a SKU × facility share a write. */
  private readonly group: ReservationGroupCommit;

  constructor(private readonly opts: OrderServiceOptions) {
    this.cache = opts.cache ?? new StateCache();
    this.gates = opts.gates ?? DEFAULT_GATES;
    this.now = opts.now ?? (() => new Date().toISOString());
    this.maxAttempts = opts.maxAttempts ?? 60;
    const tx = new OrderTransactions(opts.orders, opts.positions);
    this.runner = new CommandRunner(opts.orders, tx, this.maxAttempts);
    this.reads = new CommandReads(opts.orders, opts.positions, this.cache);
    this.group = new ReservationGroupCommit(opts.positions, opts.groupCommit, tx);
  }

  /** What the group commit did: reservations led the plain way, grant batches and grants written. */
  get groupCommitStats(): ReservationGroupCommit['stats'] {
    return this.group.stats;
  }

  private gaveUp(what: string): string {
    return `${what}: gave up after ${this.maxAttempts} attempts because other writers kept changing it; try again`;
  }

  /** Moves quantity of one line from one status bucket to another. */
  async move(cmd: MoveCommand): Promise<MoveResult> {
    const input = edge.moveInput(cmd);
    const { orderId, lineSeq, env, req } = input;
    const { positions } = this.opts;
    const cache = this.cache;
    const release = req.to === STATUS.RELEASED;
    let useCache = true;
    /** The line (and header) of the last attempt when its version still held at the write. */
    let carried: { line: LineState; header?: OrderHeader } | undefined;
    const readAgain = () => {
      cache.dropLine(orderId, lineSeq);
      useCache = false;
      return AGAIN;
    };
    return this.runner.run<MoveResult>({
      ...input,
      groupCommit: cmd.groupCommit ? this.group : undefined,
      gaveUp: this.gaveUp(`line ${orderId}/${lineSeq}`),
      attempt: async () => {
        let line =
          carried?.line ?? (useCache && !release ? cache.line(orderId, lineSeq) : undefined);
        let header = carried?.header;
        const cachedLine = line !== undefined && !carried;
        carried = undefined;
        if (!line) {
          const read = await this.reads.line(orderId, lineSeq, env.idempotencyKey, release);
          if (read.replay) return read;
          line = read.line;
          header = read.header;
        }
        let move: ResolvedMove;
        try {
          move = resolveMove(line, req);
        } catch (err) {
          // Never refuse on cached state: read the line (and the key's event) and decide again.
          if (!cachedLine || !(err instanceof CommandError)) throw err;
          return readAgain();
        }
        let facility: FacilityState | undefined;
        let fresh = false;
        if (move.reservationDelta !== 0 || release) {
          facility = useCache ? cache.facility(line.sku, move.facilityId!) : undefined;
          if (!facility) {
            facility = await positions.facility(line.sku, move.facilityId!);
            fresh = true;
          }
        }
        if (release && !header)
          throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
        const check = (f: FacilityState | undefined) =>
          checkMove({ gates: this.gates, header, line: line!, move, release, facility: f });
        let decided = check(facility);
        /** The figures were read with the key's event in one snapshot: a refusal is final. */
        let final = false;
        if (facility && !fresh && refusesOrHolds(decided)) {
          // Never refuse on cached figures: read them again (with the key's event when the line
          // was read fresh: one snapshot) and decide on those.
          const fresh = await this.reads.freshFigures(
            [{ sku: line.sku, facilityId: move.facilityId! }],
            { orderId, idempotencyKey: env.idempotencyKey },
            !cachedLine,
          );
          if (fresh.replay) return fresh;
          [facility] = fresh.figures;
          final = fresh.final;
          decided = check(facility);
        }
        if (decided.blocked) {
          cache.putFacility(facility!);
          // Refuse only after the line and the key's event were read, too (it may be a replay).
          if (cachedLine) return readAgain();
          const refusal = outOfStock(facility!, move.quantity);
          throw final ? finalRefusal(refusal) : refusal;
        }
        const read = { line, header };
        const plan = planMoveCommand({
          ...input,
          line,
          move,
          facility,
          release,
          gates: decided.gates,
          now: this.now(),
          linked: cmd.linked,
        });
        return {
          plan,
          committed: () => {
            cache.putLine(plan.line);
            if (plan.reserved !== 0) cache.putFacility(afterReserve(facility!, plan.reserved));
          },
          retry: (f) => {
            const lineMoved = f.lines.includes(lineSeq);
            if (lineMoved) cache.dropLine(orderId, lineSeq);
            // Only the inventory moved (a hot SKU): the line read still holds.
            if (!lineMoved && !f.raced) carried = read;
            for (const x of f.inventory) cache.dropFacility(x.sku, x.facilityId);
            useCache = false;
            if (!lineMoved && f.inventory.length === 0 && !f.raced) return 'fail';
            // The line moved, or another transaction held an item: a lost race, back off with
            // jitter. Only the inventory figures moved: read them again at once; the check on
            // fresh figures decides between retrying and OUT_OF_STOCK.
            return lineMoved || f.raced ? 'backoff' : 'now';
          },
        };
      },
    });
  }

  /**
   * Brings `quantity` of a line to 3700 at `facilityId` in one write (planFulfillment): picking,
   * released, scheduled and allocated quantity there first, then a reservation moved from another
   * facility, then unallocated quantity. The shipment details land on every shipment that ships.
   * A shipment is a fact: holds do not block it. Refused (INSUFFICIENT_QUANTITY) when the line
   * cannot give the quantity.
   */
  async fulfill(cmd: FulfillCommand): Promise<StepsResult> {
    return this.moveSteps(edge.fulfillInput(cmd), 'fulfilled', cmd.linked, (line) =>
      fulfillSteps(line, cmd),
    );
  }

  /**
   * Cancels `quantity` of a line (default: all of it that can be cancelled) in one write, least
   * advanced quantity first (1100, 1300, 1250, 1400, 1200, 1500, 3200): reservations are released
   * and releases closed. Quantity being picked (3350) or shipped cannot be cancelled.
   */
  async cancelLine(cmd: CancelLineCommand): Promise<StepsResult> {
    return this.moveSteps(edge.cancelInput(cmd), 'cancelled', cmd.linked, (line) =>
      cancelSteps(line, cmd.quantity),
    );
  }

  /**
   * Marks a shipment being picked as packed (pick → pack → ship): the shipment row and the line
   * get `packedAt` (and `packages`), one `packed` event; no quantity moves. Refused for an unknown
   * shipment or one no longer being picked (shipped or not found).
   */
  async packShipment(cmd: PackCommand): Promise<PackResult> {
    const input = edge.packInput(cmd);
    const { orderId, lineSeq, env } = input;
    return this.runner.run<PackResult>({
      ...input,
      gaveUp: this.gaveUp(`line ${orderId}/${lineSeq}`),
      attempt: async () => {
        const read = await this.reads.line(orderId, lineSeq, env.idempotencyKey);
        if (read.replay) return read;
        const { shipmentKey, packages } = cmd;
        const plan = planPack({
          ...input,
          shipmentKey,
          packages,
          line: read.line,
          now: this.now(),
        });
        return {
          plan,
          committed: () => this.cache.putLine(plan.line),
          retry: () => {
            this.cache.dropLine(orderId, lineSeq);
            return 'backoff';
          },
        };
      },
    });
  }

  /**
   * Moves quantity at a facility to 1400 (backordered from node) in one write: picking (3350,
   * "not found": shipment quantity stays 0), released (3200, the release closes), scheduled (1500,
   * via 1200) and allocated (1200, the reservation is released). The facility is recorded in the
   * line's `rejectedBy`, so re-brokering excludes it; re-release creates new release and shipment
   * keys.
   */
  async backorderFromNode(cmd: BackorderCommand): Promise<StepsResult> {
    const input = edge.backorderInput(cmd);
    return this.moveSteps(input, 'backordered', cmd.linked, (line) =>
      backorderSteps(line, { ...cmd, order: input.order }),
    );
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
    const input = edge.moveLinesInput(cmd);
    const { orderId, env, seqs } = input;
    const cache = this.cache;
    let useCache = true;
    const readAgain = () => {
      for (const seq of seqs) cache.dropLine(orderId, seq);
      useCache = false;
      return AGAIN;
    };
    return this.runner.run<MoveLinesResult>({
      ...input,
      groupCommit: cmd.groupCommit ? this.group : undefined,
      gaveUp: this.gaveUp(`order ${orderId}`),
      attempt: async () => {
        const read = await this.reads.lines(orderId, seqs, env.idempotencyKey, useCache);
        if (read.replay) return { replay: read.replay };
        const { lines, fromCache } = read;
        const now = this.now();
        let applied: LineMovesApplied;
        try {
          applied = applyLineMoves(lines, cmd.moves, { now, actor: env.actor });
        } catch (err) {
          if (!fromCache || !(err instanceof CommandError)) throw err;
          return readAgain();
        }
        const figured = await this.reads.figures(applied.touched, useCache, fromCache, {
          orderId,
          idempotencyKey: env.idempotencyKey,
        });
        if (!figured) return readAgain();
        if (figured.replay) return { replay: figured.replay };
        const { figures } = figured;
        const plan = planMoveLines({
          ...input,
          read: lines,
          applied,
          figures,
          linked: cmd.moves.flatMap((m) => m.linked ?? []),
          now,
        });
        return {
          plan,
          committed: () => {
            for (const { line } of plan.writes.lines) cache.putLine(line);
            applied.touched.forEach((d, i) =>
              cache.putFacility(afterReserve(figures[i]!, d.delta)),
            );
          },
          retry: (f) => {
            const moved = seqs.filter((seq) => f.lines.includes(seq));
            for (const seq of moved) cache.dropLine(orderId, seq);
            for (const x of f.inventory) cache.dropFacility(x.sku, x.facilityId);
            if (!moved.length && !f.inventory.length && !f.raced) return 'fail';
            // Lines still hold when only figures moved: the cache keeps them; figures are read again.
            if (moved.length) useCache = false;
            return moved.length || f.raced ? 'backoff' : 'now';
          },
        };
      },
    });
  }

  /**
   * Applies several moves of one line in one transaction with one event: the line, every release
   * and shipment row touched, the net reservation change per facility (with its position and
   * NetSuite-figure checks), and the caller's linked items. Retried on lost races with a fresh
   * plan; a replayed key returns the first result.
   */
  private moveSteps(
    input: edge.CheckedLine,
    type: 'fulfilled' | 'cancelled' | 'backordered',
    linked: Linked | undefined,
    planner: (line: LineState) => PlannedSteps,
  ): Promise<StepsResult> {
    const { orderId, lineSeq, env } = input;
    const { positions } = this.opts;
    return this.runner.run<StepsResult>({
      ...input,
      gaveUp: this.gaveUp(`line ${orderId}/${lineSeq}`),
      attempt: async () => {
        const read = await this.reads.line(orderId, lineSeq, env.idempotencyKey);
        if (read.replay) return read;
        const line = read.line;
        const planned = planner(line);
        const now = this.now();
        const applied = applySteps(line, planned, { now, actor: env.actor });
        const figures = await Promise.all(
          applied.touched.map(([f]) => positions.facility(line.sku, f)),
        );
        const plan = planSteps({ ...input, type, read: line, applied, figures, linked, now });
        return {
          plan,
          committed: () => {
            this.cache.putLine(plan.line);
            for (const [f] of applied.touched) this.cache.dropFacility(line.sku, f);
          },
          retry: (f) => {
            this.cache.dropLine(orderId, lineSeq);
            const lost = f.lines.includes(lineSeq) || f.inventory.length > 0 || f.raced;
            return lost ? 'backoff' : 'fail';
          },
        };
      },
    });
  }

  /** The order-wide commands' pipeline (order-command.ts). */
  private orderCommand(
    input: edge.Checked,
    decide: OrderDecision,
    opts: OrderCommandOptions = {},
  ): Promise<OrderCommandResult> {
    const { runner, cache, now, maxAttempts } = this;
    const deps = { runner, orders: this.opts.orders, cache, now, maxAttempts };
    return runOrderCommand(deps, input, decide, opts);
  }

  /** Places a hold on one line, or (no lineSeq) an order-level hold on every line. */
  async addHold(cmd: HoldCommand): Promise<OrderCommandResult> {
    const input = edge.holdInput(cmd, true);
    return this.orderCommand(input, addHold({ ...cmd, ...input }));
  }

  /** Lifts a hold from one line, or (no lineSeq) from every line that has it. */
  async liftHold(cmd: HoldCommand): Promise<OrderCommandResult> {
    const input = edge.holdInput(cmd, false);
    return this.orderCommand(input, liftHold({ ...cmd, ...input }));
  }

  /**
   * NetSuite's figure in force reflects up to `covered` units of the line at a facility: the line's
   * `reflected` units there grow (never above what is promised), and in one transaction its
   * reservation row and the position's counted units (`reserved`) drop by the same amount, with a
   * `reflected` history event. Idempotent by its key; a second reflection of the same units drops
   * nothing. Nothing to drop (already reflected, nothing promised there any more): no write.
   */
  async reflect(cmd: ReflectCommand): Promise<ReflectResult> {
    const input = edge.reflectInput(cmd);
    const { orderId, lineSeq, env } = input;
    const { facilityId, covered } = cmd;
    const { positions } = this.opts;
    return this.runner.run<ReflectResult>({
      ...input,
      gaveUp: `line ${orderId}/${lineSeq} kept changing while its units were reflected; try again`,
      attempt: async () => {
        const read = await this.reads.line(orderId, lineSeq, env.idempotencyKey);
        if (read.replay) return read;
        const line = read.line;
        const reflection = reflectUnits(line, facilityId, covered);
        if (reflection.drop === 0) {
          const base = { orderId, lineSeq, facilityId, replayed: false };
          return { done: { ...base, drop: 0, counted: reflection.countedAfter } };
        }
        const now = this.now();
        const facility = await positions.facility(line.sku, facilityId);
        const plan = planReflect({ ...input, read: line, reflection, facility, now });
        return {
          plan,
          committed: () => {
            this.cache.dropLine(orderId, lineSeq);
            this.cache.dropFacility(line.sku, facilityId);
          },
          retry: () => 'backoff',
        };
      },
    });
  }

  /**
   * Records NetSuite's sales-order id and/or line ids; once all are known the order-level hold
   * AWAITING_NETSUITE_IDS is lifted from every line (the order is approved).
   */
  async recordNetsuiteIds(
    cmd: NetsuiteIdsCommand,
    opts: OrderCommandOptions = {},
  ): Promise<OrderCommandResult> {
    return this.orderCommand(edge.netsuiteIdsInput(cmd), recordNetsuiteIds(cmd), opts);
  }
}
