/**
 * An open-addressing hash map from 64-bit keys (two uint32 halves) to uint32 values, in typed
 * arrays: 12 bytes a slot, at most 4/5 full (≈ 15–30 bytes an entry), instead of the ~100 bytes a
 * JavaScript Map entry costs. A slot is empty when both halves are 0; the key (0, 0) itself is
 * kept beside the table. The table has any size (not only powers of two), so a map sized for a
 * million entries takes 15 MB, not 27.
 * Serialises to a compact buffer for keeping between runs.
 */
import type { Hash64 } from './hash64.ts';

const MAX_LOAD = 0.8;
const MIN_SLOTS = 16;

const slotsFor = (capacity: number): number =>
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
    const hi = key.hi >>> 0;
    const lo = key.lo >>> 0;
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
        this.set({ hi: old.hi[i]!, lo: old.lo[i]! }, old.val[i]!);
      }
    }
  }

  *entries(): IterableIterator<[Hash64, number]> {
    if (this.zero !== undefined) yield [{ hi: 0, lo: 0 }, this.zero];
    for (let i = 0; i < this.hi.length; i++) {
      if (!this.empty(i)) yield [{ hi: this.hi[i]!, lo: this.lo[i]! }, this.val[i]!];
    }
  }

  /** 12 bytes an entry: hi, lo, value, little-endian. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.size * 12);
    let o = 0;
    for (const [k, v] of this.entries()) {
      out.writeUInt32LE(k.hi, o);
      out.writeUInt32LE(k.lo, o + 4);
      out.writeUInt32LE(v, o + 8);
      o += 12;
    }
    return out;
  }

  static fromBuffer(buf: Buffer): HashMap64 {
    if (buf.length % 12 !== 0)
      throw new Error(`digest of ${buf.length} bytes is not whole entries`);
    const map = new HashMap64(buf.length / 12);
    for (let o = 0; o < buf.length; o += 12) {
      map.set({ hi: buf.readUInt32LE(o), lo: buf.readUInt32LE(o + 4) }, buf.readUInt32LE(o + 8));
    }
    return map;
  }
}
