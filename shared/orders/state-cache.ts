/**
 * What a process last wrote or read of lines and facility positions, kept to skip reads.
 *
 * Safe because nothing is decided on cached state alone: every write is conditioned on the
 * version it assumes (line `version`, position `v`, NetSuite's figure), so a stale entry makes
 * the transaction fail and the command retries on fresh reads; and a command never refuses
 * (illegal move, out of stock, gate hold) on cached state — it re-reads and decides again.
 */
import type { LineState } from '../domain/lifecycle/line.ts';
import type { FacilityState } from '../store/position-store.ts';

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

export class StateCache {
  private readonly lines: Lru<LineState>;
  private readonly facilities: Lru<FacilityState>;

  constructor(maxEntries = 20_000) {
    this.lines = new Lru(maxEntries);
    this.facilities = new Lru(maxEntries);
  }

  private static lineKey = (orderId: string, lineSeq: string) => `${orderId}\u0000${lineSeq}`;
  private static facilityKey = (sku: string, facilityId: string) => `${sku}\u0000${facilityId}`;

  line(orderId: string, lineSeq: string): LineState | undefined {
    return this.lines.get(StateCache.lineKey(orderId, lineSeq));
  }

  putLine(line: LineState): void {
    this.lines.set(StateCache.lineKey(line.orderId, line.lineSeq), line);
  }

  dropLine(orderId: string, lineSeq: string): void {
    this.lines.delete(StateCache.lineKey(orderId, lineSeq));
  }

  facility(sku: string, facilityId: string): FacilityState | undefined {
    return this.facilities.get(StateCache.facilityKey(sku, facilityId));
  }

  putFacility(state: FacilityState): void {
    this.facilities.set(StateCache.facilityKey(state.sku, state.facilityId), state);
  }

  dropFacility(sku: string, facilityId: string): void {
    this.facilities.delete(StateCache.facilityKey(sku, facilityId));
  }

  clear(): void {
    this.lines.clear();
    this.facilities.clear();
  }
}

/** A cache that keeps nothing (every command reads what it needs). */
export class NoCache extends StateCache {
  constructor() {
    super(0);
  }
  override putLine(): void {}
  override putFacility(): void {}
}
