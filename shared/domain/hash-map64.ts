/**
 * An open-addressing hash map from 64-bit keys (two uint32 halves) to uint32 values, in typed
 * arrays: 13 bytes a slot at most 3/4 full (≈ 17–35 bytes an entry), instead of the ~100 bytes a
 * JavaScript Map entry costs.
 * Serialises to a compact buffer for keeping between runs.
 */
import type { Hash64 } from './hash64.ts';

const EMPTY_MARK = 0; // slots are empty when the occupied flag is 0

export class HashMap64 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Uint32Array;
  private used: Uint8Array;
  private count = 0;

  /** Room for `capacity` entries without growing (the table is kept at most 3/4 full). */
  constructor(capacity = 768) {
    let size = 1024;
    while (size * 3 < capacity * 4) size *= 2;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.val = new Uint32Array(size);
    this.used = new Uint8Array(size);
  }

  get size(): number {
    return this.count;
  }

  private slot(hi: number, lo: number): number {
    const mask = this.used.length - 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (this.used[i] !== EMPTY_MARK && (this.hi[i] !== hi || this.lo[i] !== lo)) {
      i = (i + 1) & mask;
    }
    return i;
  }

  get(key: Hash64): number | undefined {
    const i = this.slot(key.hi, key.lo);
    return this.used[i] ? this.val[i] : undefined;
  }

  has(key: Hash64): boolean {
    return this.used[this.slot(key.hi, key.lo)] === 1;
  }

  set(key: Hash64, value: number): void {
    if ((this.count + 1) * 4 > this.used.length * 3) this.grow();
    const i = this.slot(key.hi, key.lo);
    if (!this.used[i]) {
      this.used[i] = 1;
      this.hi[i] = key.hi;
      this.lo[i] = key.lo;
      this.count++;
    }
    this.val[i] = value >>> 0;
  }

  /** Removes a key (backward-shift deletion keeps probe chains intact). */
  delete(key: Hash64): boolean {
    const mask = this.used.length - 1;
    let i = this.slot(key.hi, key.lo);
    if (!this.used[i]) return false;
    this.used[i] = 0;
    this.count--;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (!this.used[j]) return true;
      const home = (this.lo[j]! ^ Math.imul(this.hi[j]!, 0x9e3779b1)) & mask;
      // move j back to i if its home is not in (i, j]
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        this.hi[i] = this.hi[j]!;
        this.lo[i] = this.lo[j]!;
        this.val[i] = this.val[j]!;
        this.used[i] = 1;
        this.used[j] = 0;
        i = j;
      }
    }
  }

  private grow(): void {
    const old = { hi: this.hi, lo: this.lo, val: this.val, used: this.used };
    const size = old.used.length * 2;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.val = new Uint32Array(size);
    this.used = new Uint8Array(size);
    this.count = 0;
    for (let i = 0; i < old.used.length; i++) {
      if (old.used[i]) this.set({ hi: old.hi[i]!, lo: old.lo[i]! }, old.val[i]!);
    }
  }

  *entries(): IterableIterator<[Hash64, number]> {
    for (let i = 0; i < this.used.length; i++) {
      if (this.used[i]) yield [{ hi: this.hi[i]!, lo: this.lo[i]! }, this.val[i]!];
    }
  }

  /** 12 bytes an entry: hi, lo, value, little-endian. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.count * 12);
    let o = 0;
    for (let i = 0; i < this.used.length; i++) {
      if (!this.used[i]) continue;
      out.writeUInt32LE(this.hi[i]!, o);
      out.writeUInt32LE(this.lo[i]!, o + 4);
      out.writeUInt32LE(this.val[i]!, o + 8);
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
