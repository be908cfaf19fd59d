/**
 * What the order commands read before they decide: a line (or lines) and the event under the
 * command's idempotency key, the facility figures a reservation change is checked on. Lines and
 * figures come from this process's cache where the command allows it; a refusal is never made on
 * cached state (the caller reads again and decides on fresh state).
 */
import { CommandError, type LineState } from '../domain/lifecycle/index.ts';
import type { OrderHeader } from '../domain/orders/order.ts';
import type { RecordedEvent } from '../domain/orders/order-writes.ts';
import { cannotReserve, outOfStock } from '../domain/reservations/facility-figures.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { FacilityState, PositionStore } from '../store/position-store.ts';
import { finalRefusal } from './command-runner.ts';
import type { StateCache } from './state-cache.ts';

/** The key's event (a replay) or the state read. */
export type Read<T> = { readonly replay: RecordedEvent } | ({ readonly replay?: undefined } & T);

export class CommandReads {
  constructor(
    private readonly orders: OrderStore,
    private readonly positions: PositionStore,
    private readonly cache: StateCache,
  ) {}

  /** The line and the key's event, from the table (and the header when asked). */
  async line(
    orderId: string,
    lineSeq: string,
    idempotencyKey: string,
    withHeader = false,
  ): Promise<Read<{ line: LineState; header?: OrderHeader }>> {
    const read = await this.orders.readForCommand(orderId, lineSeq, idempotencyKey, withHeader);
    if (read.event) return { replay: read.event };
    if (!read.line) return this.unknown(orderId, lineSeq);
    return { line: read.line, header: read.header };
  }

  /** Lines of one order, from the cache when it has them all (`fromCache`), else the table. */
  async lines(
    orderId: string,
    seqs: readonly string[],
    idempotencyKey: string,
    useCache: boolean,
  ): Promise<Read<{ lines: Map<string, LineState>; fromCache: boolean }>> {
    if (useCache) {
      const lines = new Map<string, LineState>();
      for (const seq of seqs) {
        const l = this.cache.line(orderId, seq);
        if (l) lines.set(seq, l);
      }
      if (lines.size === seqs.length) return { lines, fromCache: true };
    }
    const read = await this.orders.readLinesForCommand(orderId, seqs, idempotencyKey);
    if (read.event) return { replay: read.event };
    for (const seq of seqs) if (!read.lines.has(seq)) return this.unknown(orderId, seq);
    return { lines: read.lines, fromCache: false };
  }

  /**
   * The figures of every SKU × facility a reservation changes by `delta` at (cached where
   * allowed). Refused only on fresh figures: OUT_OF_STOCK when the lines were read fresh too,
   * undefined (read everything again) when they came from the cache. Cached figures that would
   * refuse are read again (`freshFigures`: with the key's event as one snapshot when the lines
   * were read fresh — the event there is a replay, and a refusal on those figures is final).
   */
  async figures(
    touched: ReadonlyArray<{ sku: string; facilityId: string; delta: number }>,
    useCache: boolean,
    linesFromCache: boolean,
    key: { readonly orderId: string; readonly idempotencyKey: string },
  ): Promise<Read<{ figures: FacilityState[] }> | undefined> {
    const states = await Promise.all(
      touched.map(async (d) => {
        const cached = useCache ? this.cache.facility(d.sku, d.facilityId) : undefined;
        return {
          cached: cached !== undefined,
          state: cached ?? (await this.positions.facility(d.sku, d.facilityId)),
        };
      }),
    );
    // Never refuse on cached figures: read those that would refuse again.
    const stale = touched.flatMap((d, i) =>
      cannotReserve(states[i]!.state, d.delta) && states[i]!.cached ? [i] : [],
    );
    let final = false;
    if (stale.length) {
      const fresh = await this.freshFigures(
        stale.map((i) => touched[i]!),
        key,
        !linesFromCache,
      );
      if (fresh.replay) return fresh;
      final = fresh.final;
      stale.forEach((i, k) => {
        states[i] = { cached: false, state: fresh.figures[k]! };
        this.cache.putFacility(fresh.figures[k]!);
      });
    }
    const refused = touched.findIndex((d, i) => cannotReserve(states[i]!.state, d.delta));
    if (refused < 0) return { figures: states.map((s) => s.state) };
    // Refuse only once the lines and the key's event were read, too (it may be a replay).
    if (linesFromCache) return undefined;
    const err = outOfStock(states[refused]!.state, touched[refused]!.delta);
    throw final ? finalRefusal(err) : err;
  }

  /**
   * Fresh figures at these facilities, for a decision cached figures must not make. With
   * `withEvent` (the command's line was read fresh), read with the key's event as one snapshot
   * (TransactGetItems): the event there is a replay; absent, the figures are `final` — a refusal
   * on them stands, the key's event having been absent at the very instant they were read. Else,
   * or when DynamoDB would not give the snapshot, the figures alone (not final: the event is
   * looked at again after a refusal).
   */
  async freshFigures(
    at: ReadonlyArray<{ readonly sku: string; readonly facilityId: string }>,
    key: { readonly orderId: string; readonly idempotencyKey: string },
    withEvent: boolean,
  ): Promise<Read<{ figures: FacilityState[]; final: boolean }>> {
    const snapshot = withEvent
      ? await this.positions.facilitiesWith(
          at,
          this.orders.eventRef(key.orderId, key.idempotencyKey),
        )
      : undefined;
    if (snapshot?.also) return { replay: this.orders.eventOf(snapshot.also) };
    if (snapshot) return { figures: snapshot.facilities, final: true };
    const figures = await Promise.all(
      at.map(({ sku, facilityId }) => this.positions.facility(sku, facilityId)),
    );
    return { figures, final: false };
  }

  /** Refuses a command on a line that is not there: UNKNOWN_ORDER or UNKNOWN_LINE. */
  async unknown(orderId: string, lineSeq: string): Promise<never> {
    const header = await this.orders.getHeader(orderId);
    if (!header) throw new CommandError('UNKNOWN_ORDER', `there is no order ${orderId}`);
    throw new CommandError(
      'UNKNOWN_LINE',
      `order ${orderId} has no line ${lineSeq} (it has ${header.lineCount} line${header.lineCount === 1 ? '' : 's'})`,
    );
  }
}
