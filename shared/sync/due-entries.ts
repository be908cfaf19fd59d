/**
 * The records an export run found due, oldest first, without holding them (issue #21: the
 * export's memory). Per record the run keeps one short string — the sort key: creation time,
 * shard, id — and where its spilled text is (two numbers in plain number arrays); the entry
 * itself (id, creation time, send state, refusal note and payload) waits in the temporary file
 * (`PayloadSpill`) and is read back and parsed a page at a time, when the run gets to it.
 *
 * A run due 50,000 records held 50,000 entry objects of several parts each (about 12 MB that
 * lived through the whole run, promoted to V8's old space); now 50,000 strings of ~60 bytes.
 */
import { reviveOutboxEntry, type OutboxEntry, type RawOutboxEntry } from '../store/sync-store.ts';
import type { PayloadSpill } from './payload-spill.ts';

/** Shards are numbered below 100: two digits sort as the numbers do. */
const shardKey = (shard: number) => String(shard).padStart(2, '0');

export class DueEntries {
  /**
   * `createdAt \0 shard \0 id`: compared as strings, the order of (createdAt, shard, id) —
   * `\0` sorts below any character of a time or an id, so a shorter time or id that is the
   * other's beginning still comes first.
   */
  private readonly keys: string[] = [];
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private order: Uint32Array | undefined;

  constructor(private readonly spill: PayloadSpill) {}

  get length(): number {
    return this.keys.length;
  }

  /** Sets the entry aside (its payload stays text until it is read back). */
  add({ payloadText, ...entry }: RawOutboxEntry, shard: number): void {
    if (shard < 0 || shard > 99) throw new Error(`shard ${shard} out of range`);
    // One line of JSON (the entry without its payload), then the payload's own JSON text.
    const ref = this.spill.put(`${JSON.stringify(entry)}\n${payloadText}`);
    this.keys.push(`${entry.createdAt}\0${shardKey(shard)}\0${entry.id}`);
    this.offsets.push(ref.offset);
    this.lengths.push(ref.length);
    this.order = undefined;
  }

  /** Oldest first; the same time in the order the shards are numbered, then by id. */
  sort(): void {
    const { keys } = this;
    const order = new Uint32Array(keys.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    this.order = order;
  }

  /** The id of the `k`-th entry in sorted order (from its key: no read). */
  idAt(k: number): string {
    if (!this.order) throw new Error('DueEntries.idAt before sort');
    const key = this.keys[this.order[k]!]!;
    return key.slice(key.indexOf('\0', key.indexOf('\0') + 1) + 1);
  }

  /** Entries `from` to `to` (exclusive) in sorted order, read back with their payloads parsed. */
  page<P>(from: number, to: number): OutboxEntry<P>[] {
    const order = this.order;
    if (!order) throw new Error('DueEntries.page before sort');
    const out: OutboxEntry<P>[] = [];
    for (let k = from; k < Math.min(to, order.length); k++) {
      const i = order[k]!;
      const text = this.spill.get({ offset: this.offsets[i]!, length: this.lengths[i]! });
      const cut = text.indexOf('\n'); // JSON.stringify writes no raw line break
      const entry = reviveOutboxEntry(JSON.parse(text.slice(0, cut)) as Record<string, unknown>);
      out.push({ ...entry, payload: JSON.parse(text.slice(cut + 1)) as P });
    }
    return out;
  }
}
