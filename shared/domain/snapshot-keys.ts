/**
 * The two per-key tables of an inventory snapshot import in one: for each (SKU, facility) key
 * hash, the digest's figure hash (the last figure written, if known) and the line of the file that
 * listed the key (if it did). Kept as two HashMap64s, the import held every key twice (12 bytes a
 * slot each, two tables sized for the file: 34 MB at a million rows); here a slot is the key once,
 * both values and a bit saying whether the figure is known: 16⅛ bytes, 23 MB.
 *
 * Each half serialises in HashMap64's format (`figuresBuffer`, `linesBuffer`; read back with
 * `loadFigures`, `loadLines` or HashMap64.fromBuffer), so the state objects in S3 stay as they are.
 * A line is a 1-based line number (never 0: 0 marks "not listed").
 */
import { MAX_LOAD, readEntries, slotsFor } from './hash-map64.ts';
import type { Hash64 } from './hash64.ts';

/** A streamed chunk: 5,461 entries, just under 64 KiB. */
const CHUNK_BYTES = 12 * 5461;

/** Fills a buffer with the next whole entries; returns the bytes written (0: no more). */
type Filler = (into: Buffer) => number;

/** The entries a new buffer of at most `chunkBytes` at a time (each chunk its own buffer). */
function* chunked(fill: Filler, chunkBytes: number): Generator<Buffer> {
  const size = Math.max(12, chunkBytes - (chunkBytes % 12));
  for (;;) {
    const chunk = Buffer.allocUnsafe(size);
    const n = fill(chunk);
    if (n === 0) return;
    yield n < size ? chunk.subarray(0, n) : chunk;
  }
}

export class SnapshotKeys {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private fig: Uint32Array;
  private ln: Uint32Array;
  /** A bit a slot: the slot's figure is known. */
  private known: Uint8Array;
  /** Occupied slots. */
  private used = 0;
  private figures = 0;
  private lines = 0;
  /** The key (0, 0), which the table cannot hold (it marks empty slots). */
  private zeroFigure: number | undefined;
  private zeroLine = 0;

  /** Room for `capacity` keys without growing. */
  constructor(capacity = 768) {
    const size = slotsFor(capacity);
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.fig = new Uint32Array(size);
    this.ln = new Uint32Array(size);
    this.known = new Uint8Array((size + 7) >>> 3);
  }

  /** Keys whose figure is known (the digest's entries). */
  get figureCount(): number {
    return this.figures + (this.zeroFigure === undefined ? 0 : 1);
  }

  /** Keys the file listed. */
  get lineCount(): number {
    return this.lines + (this.zeroLine ? 1 : 0);
  }

  private home(hi: number, lo: number): number {
    const mixed = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    return Math.floor((mixed * this.hi.length) / 0x1_0000_0000);
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const size = this.hi.length;
    let i = this.home(hi, lo);
    for (;;) {
      const h = this.hi[i]!;
      const l = this.lo[i]!;
      if ((h === hi && l === lo) || (h === 0 && l === 0)) return i;
      if (++i === size) i = 0;
    }
  }

  private isKnown(i: number): boolean {
    return (this.known[i >>> 3]! & (1 << (i & 7))) !== 0;
  }

  /** The key's slot, taken if it was free (growing the table first when it is full). */
  private claim(hi: number, lo: number): number {
    let i = this.slot(hi, lo);
    if (this.hi[i] === 0 && this.lo[i] === 0) {
      if (this.used + 1 > this.hi.length * MAX_LOAD) {
        this.grow();
        i = this.slot(hi, lo);
      }
      this.hi[i] = hi;
      this.lo[i] = lo;
      this.used++;
    }
    return i;
  }

  /** The slot holding the key, or -1. */
  private find(hi: number, lo: number): number {
    const i = this.slot(hi, lo);
    return this.hi[i] === 0 && this.lo[i] === 0 ? -1 : i;
  }

  figure(key: Hash64): number | undefined {
    const hi = key.hi >>> 0;
    const lo = key.lo >>> 0;
    if (hi === 0 && lo === 0) return this.zeroFigure;
    const i = this.find(hi, lo);
    return i >= 0 && this.isKnown(i) ? this.fig[i] : undefined;
  }

  setFigure(key: Hash64, value: number): void {
    this.putFigure(key.hi >>> 0, key.lo >>> 0, value >>> 0);
  }

  /** Sets the key's figure; true when it was that already. */
  private putFigure(hi: number, lo: number, value: number): boolean {
    if (hi === 0 && lo === 0) {
      const same = this.zeroFigure === value;
      this.zeroFigure = value;
      return same;
    }
    const i = this.claim(hi, lo);
    const known = this.isKnown(i);
    const same = known && this.fig[i] === value;
    if (!known) {
      this.known[i >>> 3]! |= 1 << (i & 7);
      this.figures++;
    }
    this.fig[i] = value;
    return same;
  }

  /** Forgets the key's figure (the key stays if the file listed it). */
  dropFigure(key: Hash64): void {
    const hi = key.hi >>> 0;
    const lo = key.lo >>> 0;
    if (hi === 0 && lo === 0) {
      this.zeroFigure = undefined;
      return;
    }
    const i = this.find(hi, lo);
    if (i < 0 || !this.isKnown(i)) return;
    this.known[i >>> 3]! &= ~(1 << (i & 7));
    this.fig[i] = 0;
    this.figures--;
  }

  /** The line that listed the key, if the file did. */
  line(key: Hash64): number | undefined {
    const hi = key.hi >>> 0;
    const lo = key.lo >>> 0;
    if (hi === 0 && lo === 0) return this.zeroLine || undefined;
    const i = this.find(hi, lo);
    return i >= 0 ? this.ln[i] || undefined : undefined;
  }

  setLine(key: Hash64, line: number): void {
    this.setLineRaw(key.hi >>> 0, key.lo >>> 0, line);
  }

  private setLineRaw(hi: number, lo: number, line: number): void {
    if (!Number.isInteger(line) || line < 1 || line > 0xffff_ffff)
      throw new Error(`line ${line} is not a line number`);
    if (hi === 0 && lo === 0) {
      this.zeroLine = line;
      return;
    }
    const i = this.claim(hi, lo);
    if (this.ln[i] === 0) this.lines++;
    this.ln[i] = line;
  }

  /**
   * Records that the file lists the key at `line`, unless it listed it before: returns that
   * earlier line (nothing is recorded) or undefined. One lookup, for the row path.
   */
  listOnce(key: Hash64, line: number): number | undefined {
    const hi = key.hi >>> 0;
    const lo = key.lo >>> 0;
    if (hi === 0 && lo === 0) {
      if (this.zeroLine) return this.zeroLine;
    } else {
      const i = this.find(hi, lo);
      if (i >= 0 && this.ln[i] !== 0) return this.ln[i];
    }
    this.setLineRaw(hi, lo, line);
    return undefined;
  }

  /** Sets the key's figure; true when it was that already. One lookup, for the row path. */
  swapFigure(key: Hash64, value: number): boolean {
    return this.putFigure(key.hi >>> 0, key.lo >>> 0, value >>> 0);
  }

  private grow(): void {
    const old = { hi: this.hi, lo: this.lo, fig: this.fig, ln: this.ln, known: this.known };
    const size = old.hi.length * 2;
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.fig = new Uint32Array(size);
    this.ln = new Uint32Array(size);
    this.known = new Uint8Array((size + 7) >>> 3);
    this.used = 0;
    for (let j = 0; j < old.hi.length; j++) {
      const hi = old.hi[j]!;
      const lo = old.lo[j]!;
      if (hi === 0 && lo === 0) continue;
      const i = this.slot(hi, lo);
      this.hi[i] = hi;
      this.lo[i] = lo;
      this.fig[i] = old.fig[j]!;
      this.ln[i] = old.ln[j]!;
      if ((old.known[j >>> 3]! & (1 << (j & 7))) !== 0) this.known[i >>> 3]! |= 1 << (i & 7);
      this.used++;
    }
  }

  /** The figures in HashMap64's format (12 bytes an entry), into `into` when given. */
  figuresBuffer(into?: Buffer): Buffer {
    return this.whole(into, this.figureCount, this.figureParts());
  }

  /** The keys the file listed and their lines, in HashMap64's format, into `into` when given. */
  linesBuffer(into?: Buffer): Buffer {
    return this.whole(into, this.lineCount, this.lineParts());
  }

  /** `figuresBuffer` a chunk of at most `chunkBytes` at a time (12 × figureCount in all). */
  *figureChunks(chunkBytes = CHUNK_BYTES): Generator<Buffer> {
    yield* chunked(this.figureParts(), chunkBytes);
  }

  /** `linesBuffer` a chunk of at most `chunkBytes` at a time (12 × lineCount in all). */
  *lineChunks(chunkBytes = CHUNK_BYTES): Generator<Buffer> {
    yield* chunked(this.lineParts(), chunkBytes);
  }

  private figureParts(): Filler {
    return this.parts(this.zeroFigure, (i) => (this.isKnown(i) ? this.fig[i] : undefined));
  }

  private lineParts(): Filler {
    return this.parts(this.zeroLine || undefined, (i) => this.ln[i] || undefined);
  }

  private whole(into: Buffer | undefined, entries: number, fill: Filler): Buffer {
    const bytes = entries * 12;
    if (into && into.length < bytes) throw new Error(`buffer of ${into.length} bytes < ${bytes}`);
    const out = into ? into.subarray(0, bytes) : Buffer.allocUnsafe(bytes);
    fill(out);
    return out;
  }

  /**
   * Writes the entries (the key (0, 0) first, then slot by slot) into successive buffers: each
   * call fills its buffer with as many whole entries as fit, from where the last call stopped, and
   * returns the bytes written (0 once every entry was). The table must not change meanwhile.
   */
  private parts(zero: number | undefined, value: (slot: number) => number | undefined): Filler {
    let zeroLeft = zero !== undefined;
    let i = 0;
    return (into) => {
      let o = 0;
      if (zeroLeft && into.length >= 12) {
        into.writeUInt32LE(0, 0);
        into.writeUInt32LE(0, 4);
        into.writeUInt32LE(zero!, 8);
        o = 12;
        zeroLeft = false;
      }
      const { hi, lo } = this;
      for (; i < hi.length && o + 12 <= into.length; i++) {
        const h = hi[i]!;
        const l = lo[i]!;
        if (h === 0 && l === 0) continue;
        const v = value(i);
        if (v === undefined) continue;
        into.writeUInt32LE(h, o);
        into.writeUInt32LE(l, o + 4);
        into.writeUInt32LE(v, o + 8);
        o += 12;
      }
      return o;
    };
  }

  /** Adds the figures of a serialised digest (HashMap64's format) as it streams in. */
  loadFigures(chunks: AsyncIterable<Uint8Array>, byteLength: number): Promise<void> {
    return readEntries(chunks, byteLength, (hi, lo, v) => this.putFigure(hi, lo, v));
  }

  /** Adds the lines of serialised keys seen (HashMap64's format) as they stream in. */
  loadLines(chunks: AsyncIterable<Uint8Array>, byteLength: number): Promise<void> {
    return readEntries(chunks, byteLength, (hi, lo, v) => this.setLineRaw(hi, lo, v));
  }
}
