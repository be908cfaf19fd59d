/**
 * An open-addressing hash map from 64-bit keys (two uint32 halves) to uint32 values, in typed
 * arrays: 12 bytes a slot, at most 4/5 full (≈ 15–30 bytes an entry), instead of the ~100 bytes a
 * JavaScript Map entry costs. A slot is empty when both halves are 0; the key (0, 0) itself is
 * kept beside the table. The table has any size (not only powers of two), so a map sized for a
 * million entries takes 15 MB, not 27.
 * Serialises to a compact buffer for keeping between runs.
 */
import type { Hash64 } from './hash64.ts';

/** At most this full (the open-addressing tables here: HashMap64, SnapshotKeys). */
export const MAX_LOAD = 0.8;
const MIN_SLOTS = 16;

/** Slots for `capacity` entries at most `MAX_LOAD` full. */
export const slotsFor = (capacity: number): number =>
  Math.max(MIN_SLOTS, Math.ceil(Math.max(0, capacity) / MAX_LOAD) + 1);

export class HashMap64 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Uint32Array;
  private count = 0;
  /** The value of the key (0, 0), which the table cannot hold (it marks empty slots). */
  private zero: number | undefined;

  /** Room for `capacity` entries without growing. */
  constructor(capacity = 768) {
    const size = slotsFor(capacity);
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.val = new Uint32Array(size);
  }

  get size(): number {
    return this.count + (this.zero === undefined ? 0 : 1);
  }

  /** The slot a key starts probing from: its mixed bits scaled to the table (no modulo). */
  private home(hi: number, lo: number): number {
    const mixed = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    return Math.floor((mixed * this.hi.length) / 0x1_0000_0000);
  }

  private empty(i: number): boolean {
    return this.hi[i] === 0 && this.lo[i] === 0;
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const size = this.hi.length;
    let i = this.home(hi, lo);
    while (!this.empty(i) && (this.hi[i] !== hi || this.lo[i] !== lo)) {
      if (++i === size) i = 0;
    }
    return i;
  }

  get(key: Hash64): number | undefined {
    if (key.hi === 0 && key.lo === 0) return this.zero;
    const i = this.slot(key.hi >>> 0, key.lo >>> 0);
    return this.empty(i) ? undefined : this.val[i];
  }

  has(key: Hash64): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Hash64, value: number): void {
    this.setRaw(key.hi >>> 0, key.lo >>> 0, value);
  }

  /** Removes a key (backward-shift deletion keeps probe chains intact). */
  delete(key: Hash64): boolean {
    if (key.hi === 0 && key.lo === 0) {
      const had = this.zero !== undefined;
      this.zero = undefined;
      return had;
    }
    const size = this.hi.length;
    let i = this.slot(key.hi >>> 0, key.lo >>> 0);
    if (this.empty(i)) return false;
    this.hi[i] = 0;
    this.lo[i] = 0;
    this.count--;
    let j = i;
    for (;;) {
      if (++j === size) j = 0;
      if (this.empty(j)) return true;
      const home = this.home(this.hi[j]!, this.lo[j]!);
      // move j back to i if its home is not in (i, j] (cyclically)
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        this.hi[i] = this.hi[j]!;
        this.lo[i] = this.lo[j]!;
        this.val[i] = this.val[j]!;
        this.hi[j] = 0;
        this.lo[j] = 0;
        i = j;
      }
    }
  }

  private grow(): void {
    const old = { hi: this.hi, lo: this.lo, val: this.val };
    const size = old.hi.length * 2;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.val = new Uint32Array(size);
    this.count = 0;
    for (let i = 0; i < old.hi.length; i++) {
      if (old.hi[i] !== 0 || old.lo[i] !== 0) {
        this.setRaw(old.hi[i]!, old.lo[i]!, old.val[i]!);
      }
    }
  }

  *entries(): IterableIterator<[Hash64, number]> {
    if (this.zero !== undefined) yield [{ hi: 0, lo: 0 }, this.zero];
    for (let i = 0; i < this.hi.length; i++) {
      if (!this.empty(i)) yield [{ hi: this.hi[i]!, lo: this.lo[i]! }, this.val[i]!];
    }
  }

  /** The buffer's size: 12 bytes an entry. */
  get byteLength(): number {
    return this.size * 12;
  }

  /** 12 bytes an entry: hi, lo, value, little-endian. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    // Straight from the typed arrays: no [key, value] pair and key object for each entry.
    let o = 0;
    if (this.zero !== undefined) {
      out.writeUInt32LE(0, 0);
      out.writeUInt32LE(0, 4);
      out.writeUInt32LE(this.zero, 8);
      o = 12;
    }
    const { hi, lo, val } = this;
    for (let i = 0; i < hi.length; i++) {
      const h = hi[i]!;
      const l = lo[i]!;
      if (h === 0 && l === 0) continue;
      out.writeUInt32LE(h, o);
      out.writeUInt32LE(l, o + 4);
      out.writeUInt32LE(val[i]!, o + 8);
      o += 12;
    }
    return out;
  }

  /** Adds the entries of a serialised map (whole 12-byte entries), as `set` would. */
  private load(buf: Uint8Array): void {
    const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    eachEntry(view, view.length, (hi, lo, value) => this.setRaw(hi, lo, value));
  }

  private setRaw(hi: number, lo: number, value: number): void {
    if (hi === 0 && lo === 0) {
      this.zero = value >>> 0;
      return;
    }
    if (this.count + 1 > this.hi.length * MAX_LOAD) this.grow();
    const i = this.slot(hi, lo);
    if (this.empty(i)) {
      this.hi[i] = hi;
      this.lo[i] = lo;
      this.count++;
    }
    this.val[i] = value >>> 0;
  }

  static fromBuffer(buf: Buffer): HashMap64 {
    if (buf.length % 12 !== 0)
      throw new Error(`digest of ${buf.length} bytes is not whole entries`);
    const map = new HashMap64(buf.length / 12);
    map.load(buf);
    return map;
  }
}

/** The whole 12-byte entries (hi, lo, value, little-endian) of `b` before `end`. */
function eachEntry(
  b: Buffer,
  end: number,
  entry: (hi: number, lo: number, value: number) => void,
): void {
  for (let o = 0; o + 12 <= end; o += 12)
    entry(b.readUInt32LE(o), b.readUInt32LE(o + 4), b.readUInt32LE(o + 8));
}

/**
 * Reads serialised entries (12 bytes: hi, lo, value, little-endian) from chunks cut anywhere, as
 * they stream in; `byteLength` is the whole size, checked at the end.
 */
export async function readEntries(
  chunks: AsyncIterable<Uint8Array>,
  byteLength: number,
  entry: (hi: number, lo: number, value: number) => void,
): Promise<void> {
  if (byteLength % 12 !== 0) throw new Error(`${byteLength} bytes is not whole entries`);
  const carry = Buffer.allocUnsafe(12);
  let carried = 0;
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    let c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (carried > 0) {
      const n = Math.min(12 - carried, c.length);
      c.copy(carry, carried, 0, n);
      carried += n;
      c = c.subarray(n);
      if (carried < 12) continue;
      eachEntry(carry, 12, entry);
      carried = 0;
    }
    const whole = c.length - (c.length % 12);
    eachEntry(c, whole, entry);
    carried = c.copy(carry, 0, whole);
  }
  if (total !== byteLength || carried !== 0)
    throw new Error(`${byteLength} bytes announced, ${total} read`);
}
