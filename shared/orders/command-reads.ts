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
   * refuse are read again with the key's event as one snapshot (`freshWithEvent`) when the lines
   * were read fresh: the event there is a replay, and a refusal on those figures is final.
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
      const snapshot = linesFromCache
        ? undefined
        : await this.freshWithEvent(
            stale.map((i) => touched[i]!),
            key.orderId,
            key.idempotencyKey,
          );
      if (snapshot?.replay) return snapshot;
      const fresh =
        snapshot?.figures ??
        (await Promise.all(
          stale.map((i) => this.positions.facility(touched[i]!.sku, touched[i]!.facilityId)),
        ));
      final = snapshot !== undefined;
      stale.forEach((i, k) => {
        states[i] = { cached: false, state: fresh[k]! };
        this.cache.putFacility(fresh[k]!);
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
   * Fresh figures at these facilities and the key's event, read as one snapshot: the event (a
   * replay) or the figures, on which a refusal is final — the key's event was absent at the very
   * instant they were read, so this command was not applied by another caller meanwhile.
   * Undefined when the snapshot could not be read (the caller reads the figures alone, and looks
   * at the event again after a refusal).
   */
  async freshWithEvent(
    at: ReadonlyArray<{ readonly sku: string; readonly facilityId: string }>,
    orderId: string,
    idempotencyKey: string,
  ): Promise<Read<{ figures: FacilityState[] }> | undefined> {
    const read = await this.positions.facilitiesWith(
      at,
      this.orders.eventRef(orderId, idempotencyKey),
    );
    if (!read) return undefined;
    if (read.also) return { replay: this.orders.eventOf(read.also) };
    return { figures: read.facilities };
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
