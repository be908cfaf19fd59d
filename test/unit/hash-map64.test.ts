import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash64, hash64Pair } from '../../shared/domain/hash64.ts';
import { HashMap64, readEntries } from '../../shared/domain/hash-map64.ts';

describe('hash64', () => {
  it('gives no collision over 200,000 SKU × facility keys', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 2_000; s++) {
      for (let f = 0; f < 100; f++) {
        const h = hash64(`SKU-${s}\u0000${f}`);
        seen.add(`${h.hi}:${h.lo}`);
      }
    }
    expect(seen.size).toBe(200_000);
  });
});

describe('HashMap64', () => {
  it('behaves like a Map under random set/delete sequences, and survives a round trip', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 }), fc.nat()), {
          maxLength: 2_000,
        }),
        (ops) => {
          const model = new Map<number, number>();
          const map = new HashMap64(4);
          for (const [isSet, k, v] of ops) {
            const key = hash64(String(k));
            if (isSet) {
              map.set(key, v);
              model.set(k, v >>> 0);
            } else {
              expect(map.delete(key)).toBe(model.delete(k));
            }
          }
          expect(map.size).toBe(model.size);
          for (let k = 0; k <= 300; k++) expect(map.get(hash64(String(k)))).toBe(model.get(k));
          const copy = HashMap64.fromBuffer(map.toBuffer());
          for (let k = 0; k <= 300; k++) expect(copy.get(hash64(String(k)))).toBe(model.get(k));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the key (0, 0) and keys that crowd the same slots, through deletes and growth', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            // Few distinct halves: many keys share a home slot, and (0, 0) comes up often.
            fc.integer({ min: 0, max: 6 }),
            fc.integer({ min: 0, max: 6 }),
            fc.nat(),
          ),
          { maxLength: 500 },
        ),
        fc.integer({ min: 0, max: 40 }),
        (ops, capacity) => {
          const model = new Map<string, number>();
          const map = new HashMap64(capacity);
          for (const [isSet, hi, lo, v] of ops) {
            const name = `${hi}:${lo}`;
            if (isSet) {
              map.set({ hi, lo }, v);
              model.set(name, v >>> 0);
            } else {
              expect(map.delete({ hi, lo })).toBe(model.delete(name));
            }
            expect(map.size).toBe(model.size);
          }
          for (let hi = 0; hi <= 6; hi++) {
            for (let lo = 0; lo <= 6; lo++) {
              expect(map.get({ hi, lo })).toBe(model.get(`${hi}:${lo}`));
              expect(map.has({ hi, lo })).toBe(model.has(`${hi}:${lo}`));
            }
          }
          const copy = HashMap64.fromBuffer(map.toBuffer());
          expect(new Map([...copy.entries()].map(([k, v]) => [`${k.hi}:${k.lo}`, v]))).toEqual(
            model,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('serialises, and its entries read back from chunks cut anywhere', async () => {
    const map = new HashMap64(8);
    for (let k = 0; k < 500; k++) map.set(hash64(String(k)), k * 7);
    map.set({ hi: 0, lo: 0 }, 42);
    const whole = map.toBuffer();
    expect(whole.length).toBe(map.byteLength);
    const fromChunks = async (chunks: AsyncIterable<Uint8Array>, byteLength: number) => {
      const copy = new HashMap64(8);
      await readEntries(chunks, byteLength, (hi, lo, v) => copy.set({ hi, lo }, v));
      return copy;
    };
    for (const cut of [1, 5, 11, 12, 13, 100, 4096, whole.length]) {
      async function* chunks() {
        for (let o = 0; o < whole.length; o += cut)
          yield new Uint8Array(whole.subarray(o, o + cut));
      }
      const copy = await fromChunks(chunks(), whole.length);
      expect(copy.size).toBe(map.size);
      for (let k = 0; k < 500; k++) expect(copy.get(hash64(String(k)))).toBe(k * 7);
      expect(copy.get({ hi: 0, lo: 0 })).toBe(42);
    }
    async function* short() {
      yield whole.subarray(0, 24);
    }
    await expect(fromChunks(short(), 36)).rejects.toThrow();
    await expect(fromChunks(short(), 25)).rejects.toThrow();
  });

  it('takes 12 bytes a slot: a million entries fit in about 15 MB', () => {
    const map = new HashMap64(1_000_000);
    const bytes = (map as unknown as { hi: Uint32Array }).hi.byteLength * 3;
    expect(bytes).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('hash64Pair', () => {
  it('is hash64 of the two parts joined by U+0000, without the joined string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(hash64Pair(a, b)).toEqual(hash64(`${a}\u0000${b}`));
      }),
      { numRuns: 500 },
    );
    expect(hash64Pair('SKU-0000001', '1000')).toEqual(hash64('SKU-0000001\u00001000'));
    expect(hash64Pair('', '')).toEqual(hash64('\u0000'));
  });
});
