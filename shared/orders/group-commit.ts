/**
 * Group commit of reservations (docs/scale.md, "One SKU's inventory item: the hot partition"),
 * adaptive: a reservation at a SKU × facility where this process has no reservation write in
 * flight goes the plain way (its order's one transaction writes the line, its row and the position
 * under the reservation condition — exactly what it writes without a group commit); only the
 * reservations that arrive while one is in flight are batched.
 *
 * A batched command that reserves at that one SKU × facility only (most do: one line, one
 * facility) is written with the others in **one shared transaction**
 * (`OrderTransactions.commitShared`): the position raised once by their sum under the bound of
 * one reservation, and every order's own items (line, event, reservation row, linked writes) as
 * its own transaction would write them. On a hot SKU one transaction commits a whole batch: the
 * position is written once per batch, and the orders no longer conflict on it. When the sum does
 * not fit, the figures are read afresh and the members that fit go again in arrival order; a
 * member whose own condition failed (its line moved, its key used: a replay, a linked condition)
 * gets the failure its own transaction would have had, and the others go again at once.
 *
 * A command that reserves at several facilities in a batch takes **grants** instead (it cannot
 * be in two batches' transactions at once): its reservations are written to each position with
 * the other grants there — one conditional increment by their sum with one grant row per order
 * (`PositionStore.grants.reserve`) — and its own transaction then takes its grants over (the
 * grant rows deleted, its reservation rows written) without writing the positions.
 *
 * Correctness (never oversell, reserved = what the rows count): a shared transaction reserves
 * under the position's own condition and writes the rows with it. For grants:
 * - the sum is reserved under the same bound as one reservation, checked by DynamoDB in the
 *   grant's transaction (reserved + sum <= nsQty − safety, NetSuite's figure unchanged or higher);
 * - the grant rows are written in that transaction and counted in reserved (Σ reservation rows +
 *   adjustment holds + grants = reserved at every commit), and an order's transaction deletes its
 *   grant as it writes its reservation row, so the sum never changes there;
 * - an order whose transaction did not commit (conflict, the line moved, a replay, a linked
 *   condition, an error) gives its grant back (`grants.release`: idempotent, keyed by the grant row);
 * - a process that dies in between leaves grant rows behind: still counted (no oversell, only
 *   units held too long), taken over by no one after `expiresAt`, and given back by the reconcile
 *   job (shared/jobs/reconcile-reservations.ts).
 *
 * When the batch's sum does not fit, the figures are read afresh and the requests that fit (in
 * arrival order) are granted; the others are refused, and their command decides on fresh figures
 * as it does after a lost reservation (OUT_OF_STOCK when they do not cover it).
 *
 * Over 400 lines: a batch's two ways of writing (one shared transaction, or grants) answer the
 * same waiting commands under the same correctness argument above, with the same figures cache;
 * the batching itself is `combiner.ts`, the grant rows `store/reservation-grants.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { InventoryWrite, OrderWrites } from '../domain/orders/order-writes.ts';
import type { FacilityFigures } from '../domain/reservations/facility-figures.ts';
import { canReserve } from '../domain/reservations/availability.ts';
import {
  soleReservation,
  type CommitFailure,
  type OrderTransactions,
} from '../store/order-transaction.ts';
import {
  GRANT_TTL_MS,
  type PositionStore,
  type ReservationGrant,
} from '../store/position-store.ts';
import { backoffMs, sleep, type LinkedWrite } from '../store/transactions.ts';
import { Combiner } from './combiner.ts';

type Writes = OrderWrites<LinkedWrite>;

/**
 * A command batched at one SKU × facility: a grant of units, or its whole writes (reserving `qty`
 * there) to share a transaction.
 */
type Request =
  | { readonly grant: GrantRequest }
  | { readonly shared: Writes; readonly figures: FacilityFigures; readonly qty: number };

/**
 * A grant (undefined: refused), or how the command's writes fared in a shared transaction: its
 * failure (undefined: committed), `alone` (not batched after all: it commits its own writes), or
 * an error whose outcome is unknown.
 */
type Answer =
  | { readonly grant: ReservationGrant | undefined }
  | { readonly shared: CommitFailure | undefined }
  | { readonly alone: true }
  | { readonly error: unknown };

/** One order's reservation at a facility, as its command planned it. */
export interface GrantRequest {
  /** The figures the command decided on (the first guess for the batch's bound). */
  readonly figures: FacilityFigures;
  readonly qty: number;
  readonly orderId: string;
  readonly lineSeq: string;
}

export interface GroupCommitOptions {
  /** Grants per write (a transaction takes 100 items: the position, NetSuite's check, the rows). */
  readonly maxBatch?: number;
  /** Grant writes a batch tries before the rest is refused (conflicts with other processes). */
  readonly attempts?: number;
  readonly now?: () => Date;
}

/**
 * The writes to commit — reservations taken as grants (batched) or left as they are (led: the
 * plain conditional position write) — or the facility that refused a grant. `release` must be
 * called once the writes' transaction is done (committed or not): it lets the SKU × facility keys
 * this order led go, and the reservations that queued behind them are written as one batch.
 */
export type Granted =
  | {
      readonly writes: Writes;
      readonly grants: readonly ReservationGrant[];
      readonly release: () => void;
    }
  | { readonly refused: { readonly sku: string; readonly facilityId: string } }
  /** Written with others in a shared transaction: its failure, or undefined (committed). */
  | { readonly committed: CommitFailure | undefined };

const NOTHING_HELD = () => undefined;

const keyOf = (sku: string, facilityId: string) => `${sku}\u0000${facilityId}`;

export class ReservationGroupCommit {
  private readonly combiner: Combiner<Request, Answer>;
  /** The figures of the last grant write per key (NetSuite's figure and safety for the bound). */
  private readonly known = new Map<string, FacilityFigures>();
  private readonly attempts: number;
  private readonly now: () => Date;
  private led = 0;
  private batches = 0;
  private granted = 0;
  private sharedWrites = 0;
  private shared = 0;

  /**
   * Without `tx` every batched reservation takes a grant (the shared transaction needs the order
   * store's items).
   */
  constructor(
    private readonly positions: PositionStore,
    opts: GroupCommitOptions = {},
    private readonly tx?: Pick<OrderTransactions, 'commitShared' | 'refused'>,
  ) {
    this.attempts = opts.attempts ?? 8;
    this.now = opts.now ?? (() => new Date());
    this.combiner = new Combiner((key, batch) => this.write(key, batch), opts.maxBatch ?? 64);
  }

  /**
   * Adaptive: when no reservation write of this process is in flight at any SKU × facility the
   * writes reserve at, the order leads them — its writes are returned as they are (one
   * transaction: line, row and position under the reservation condition, as without a group
   * commit) and the keys count as busy until `release`. Otherwise its reservations are taken as
   * grants, written with the others that met a write in flight, and the writes returned take them
   * over instead. When one facility refuses, the grants taken for the others are given back and
   * that facility is named.
   *
   * An order leads all its keys or none: one that waits for a batch never holds a key another
   * order's batch waits for (no deadlock between orders reserving at several facilities).
   */
  async take(writes: Writes): Promise<Granted> {
    const inventory = writes.inventory ?? [];
    const reserving = inventory.filter((w) => w.kind === 'reserve' && w.delta > 0);
    if (reserving.length === 0) return { writes, grants: [], release: NOTHING_HELD };
    const keys = [
      ...new Set(
        reserving.map((w) =>
          w.kind === 'reserve' ? keyOf(w.facility.sku, w.facility.facilityId) : '',
        ),
      ),
    ];
    if (keys.every((k) => !this.combiner.busy(k))) {
      // Nothing in flight: the plain path. Synchronous from the check, so no other order can
      // take one of these keys in between.
      const held = keys.map((k) => this.combiner.lead(k)!);
      this.led++;
      return { writes, grants: [], release: () => held.forEach((letGo) => letGo()) };
    }
    const sole = this.tx ? soleReservation(writes) : undefined;
    if (sole) {
      const { sku, facilityId } = sole.facility;
      const answer = await this.combiner.submit(keyOf(sku, facilityId), {
        shared: writes,
        figures: sole.facility,
        qty: sole.qty,
      });
      if ('error' in answer) throw answer.error;
      if ('shared' in answer) return { committed: answer.shared };
      // Not batched after all: its own transaction, the plain way (nothing held).
      return { writes, grants: [], release: NOTHING_HELD };
    }
    const rowOf = (sku: string, facilityId: string) =>
      inventory.find(
        (w) => w.kind === 'reservation' && w.sku === sku && w.facilityId === facilityId,
      );
    const got = await Promise.all(
      reserving.map(async (w) => {
        if (w.kind !== 'reserve') throw new Error('unreachable');
        const { sku, facilityId } = w.facility;
        const row = rowOf(sku, facilityId);
        const orderId = row?.kind === 'reservation' ? row.orderId : writes.event.orderId;
        const lineSeq = row?.kind === 'reservation' ? row.lineSeq : '';
        const answer = await this.combiner.submit(keyOf(sku, facilityId), {
          grant: { figures: w.facility, qty: w.delta, orderId, lineSeq },
        });
        if ('error' in answer) throw answer.error;
        const grant = 'grant' in answer ? answer.grant : undefined;
        return { w, grant, sku, facilityId };
      }),
    );
    const grants = got.flatMap((g) => (g.grant ? [g.grant] : []));
    const refused = got.find((g) => !g.grant);
    if (refused) {
      await this.giveBack(grants);
      return { refused: { sku: refused.sku, facilityId: refused.facilityId } };
    }
    const byWrite = new Map<InventoryWrite, ReservationGrant>(got.map((g) => [g.w, g.grant!]));
    return {
      grants,
      release: NOTHING_HELD,
      writes: {
        ...writes,
        inventory: inventory.map((w) => {
          const g = byWrite.get(w);
          return g ? { kind: 'grant' as const, ...g } : w;
        }),
      },
    };
  }

  /**
   * Orders that reserved the plain way, grant writes (batches) made and grants in them, shared
   * transactions committed and the orders in them (diagnosis, tests).
   */
  get stats(): {
    readonly led: number;
    readonly batches: number;
    readonly granted: number;
    readonly sharedWrites: number;
    readonly shared: number;
  } {
    return {
      led: this.led,
      batches: this.batches,
      granted: this.granted,
      sharedWrites: this.sharedWrites,
      shared: this.shared,
    };
  }

  /**
   * Gives grants back (their order's transaction did not commit). A failure here is left to the
   * reconcile job, which gives back grants past their expiry.
   */
  async giveBack(grants: readonly ReservationGrant[]): Promise<void> {
    const now = this.now().toISOString();
    await Promise.all(
      grants.map((g) => this.positions.grants.release(g, now).catch(() => undefined)),
    );
  }

  /**
   * The combiner's write for one SKU × facility: the commands sharing a transaction first, then
   * the grants, one answer per request.
   */
  private async write(key: string, batch: readonly Request[]): Promise<Answer[]> {
    const out: Answer[] = [];
    const shared = batch.flatMap((r, i) => ('shared' in r ? [{ r, i }] : []));
    const grants = batch.flatMap((r, i) => ('grant' in r ? [{ r: r.grant, i }] : []));
    if (shared.length) {
      const answers = await this.writeShared(
        key,
        shared.map(({ r }) => r),
      );
      shared.forEach(({ i }, n) => (out[i] = answers[n]!));
    }
    if (grants.length) {
      try {
        const answers = await this.writeGrants(
          key,
          grants.map(({ r }) => r),
        );
        grants.forEach(({ i }, n) => (out[i] = { grant: answers[n] }));
      } catch (error) {
        grants.forEach(({ i }) => (out[i] = { error }));
      }
    }
    return out;
  }

  /**
   * Shared transactions for commands that reserve here only: as many members as fit in each; a
   * refused sum reads the figures again and lets go on with those that fit, in arrival order (the
   * others answer as a failed position condition); members whose own conditions failed get their
   * failure, and the others go again at once; a race on the position backs off. What is still
   * unwritten after `attempts` races commits alone.
   */
  private async writeShared(
    key: string,
    batch: ReadonlyArray<Extract<Request, { shared: Writes }>>,
  ): Promise<Answer[]> {
    const tx = this.tx!;
    const out: Answer[] = batch.map(() => ({ alone: true }) as const);
    const { sku, facilityId } = batch[0]!.figures;
    let figures = this.known.get(key) ?? newest(batch.map((r) => r.figures));
    let pending = batch.map((_, i) => i);
    let races = 0;
    while (pending.length > 0 && races < this.attempts) {
      if (races > 0) await sleep(backoffMs(races));
      let result;
      try {
        result = await tx.commitShared(
          figures,
          pending.map((i) => batch[i]!.shared),
        );
      } catch (error) {
        // The outcome is unknown (the transaction may have committed): each command gets the
        // error, as its own transaction's would have reached it.
        pending.forEach((i) => (out[i] = { error }));
        break;
      }
      const inTx = result.included.map((n) => pending[n]!);
      if (!inTx.length) break;
      if (result.outcome === 'committed') {
        this.known.set(key, figures);
        this.sharedWrites++;
        this.shared += inTx.length;
        inTx.forEach((i) => (out[i] = { shared: undefined }));
        pending = pending.filter((i) => !inTx.includes(i));
        continue;
      }
      if (result.outcome === 'members') {
        result.failures.forEach((failure, n) => (out[pending[n]!] = { shared: failure }));
        const failed = new Set([...result.failures.keys()].map((n) => pending[n]!));
        pending = pending.filter((i) => !failed.has(i));
        continue;
      }
      if (result.outcome === 'raced') {
        races++;
        continue;
      }
      // Refused: the figures moved. Go on with what the fresh figures cover, in arrival order.
      figures = await this.readAgain(key, sku, facilityId);
      const fits = new Set(fitting(figures, inTx, (i) => batch[i]!.qty));
      for (const i of inTx) {
        if (!fits.has(i)) out[i] = { shared: tx.refused({ sku, facilityId }) };
      }
      pending = pending.filter((i) => !inTx.includes(i) || fits.has(i));
    }
    return out;
  }

  /** The grant write for one SKU × facility: one grant per request, or undefined (refused). */
  private async writeGrants(
    key: string,
    batch: readonly GrantRequest[],
  ): Promise<Array<ReservationGrant | undefined>> {
    const out: Array<ReservationGrant | undefined> = batch.map(() => undefined);
    const { sku, facilityId } = batch[0]!.figures;
    let figures = this.known.get(key) ?? newest(batch.map((r) => r.figures));
    let pending = batch.map((_, i) => i);
    let conflicts = 0;
    for (let attempt = 0; attempt < this.attempts && pending.length > 0; attempt++) {
      if (conflicts > 0) await sleep(backoffMs(conflicts));
      const now = this.now();
      const expiresAt = new Date(now.getTime() + GRANT_TTL_MS).toISOString();
      const grants = pending.map((i) => ({
        sku,
        facilityId,
        grantId: randomBytes(8).toString('hex'),
        qty: batch[i]!.qty,
        orderId: batch[i]!.orderId,
        lineSeq: batch[i]!.lineSeq,
        expiresAt,
      }));
      let outcome;
      try {
        outcome = await this.positions.grants.reserve(figures, grants, now.toISOString());
      } catch (err) {
        // The outcome is unknown (the write may have committed): give the grants back at once;
        // what this misses expires and the reconcile job gives it back.
        await this.giveBack(grants);
        throw err;
      }
      if (outcome === 'granted') {
        this.known.set(key, figures);
        this.batches++;
        this.granted += grants.length;
        pending.forEach((i, n) => (out[i] = grants[n]));
        return out;
      }
      if (outcome === 'conflict') {
        conflicts++;
        continue;
      }
      // Refused: the figures moved (other processes reserved, NetSuite's figure changed). Grant
      // what the fresh figures cover, in arrival order; the rest is refused.
      figures = await this.readAgain(key, sku, facilityId);
      pending = fitting(figures, pending, (i) => batch[i]!.qty);
    }
    return out;
  }

  /** A batch's write was refused: the facility's figures read afresh, and kept for the next. */
  private async readAgain(key: string, sku: string, facilityId: string): Promise<FacilityFigures> {
    const figures = await this.positions.facility(sku, facilityId);
    this.known.set(key, figures);
    return figures;
  }
}

/**
 * Of requests in arrival order, those the figures can reserve for (`canReserve`), first come
 * first, each counted reserved for the ones after it.
 */
function fitting<T>(
  figures: FacilityFigures,
  requests: readonly T[],
  qtyOf: (r: T) => number,
): T[] {
  const nsQty = figures.nsQty ?? 0;
  const { safety } = figures.position;
  let reserved = figures.position.reserved;
  return requests.filter((r) => {
    const fits = canReserve({ nsQty, reserved, safety }, qtyOf(r));
    if (fits) reserved += qtyOf(r);
    return fits;
  });
}

/** Of several reads of one facility, the one with the latest position version. */
const newest = (fs: readonly FacilityFigures[]): FacilityFigures =>
  fs.reduce((a, b) => (b.position.v > a.position.v ? b : a));
