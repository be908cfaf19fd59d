/**
 * A fast, well-mixed 64-bit string hash as two 32-bit halves (FNV-1a over UTF-16 code units in two
 * lanes with different offsets, then a murmur3 finaliser on each). Used to remember a million
 * (SKU, facility) keys in a few megabytes; with 64 bits, a collision among a million keys has a
 * probability of about 3 in 100 million.
 */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

const fmix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/**
 * The two FNV-1a lanes, kept between `absorb` calls of one hash (a hash is computed in one go,
 * never interleaved with another): module state rather than an object a call, on the snapshot
 * import's row path.
 */
let x = 0;
let y = 0;

/** Starts a hash of `length` code units in all. */
function begin(length: number): void {
  x = 0x811c9dc5;
  y = 0x01000193 ^ length;
}

/** Feeds `text`'s code units into both lanes. */
function absorb(text: string): void {
  let a = x;
  let b = y;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  x = a;
  y = b;
}

const finish = (): Hash64 => ({ hi: fmix(x ^ Math.imul(y, 0x27d4eb2d)), lo: fmix(y ^ x) });

export function hash64(text: string): Hash64 {
  begin(text.length);
  absorb(text);
  return finish();
}

/**
 * `hash64(\`${a}\u0000${b}\`)`, the same value, without building the joined string (a key of two
 * parts, hashed once a row: a million rows made two million strings for it).
 */
export function hash64Pair(a: string, b: string): Hash64 {
  begin(a.length + 1 + b.length);
  absorb(a);
  absorb('\u0000');
  absorb(b);
  return finish();
}

/** A 32-bit hash of a short value (e.g. a quantity and an item id). */
export const hash32 = (text: string): number => hash64(text).lo;
