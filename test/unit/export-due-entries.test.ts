/**
 * The export's compact due list and file body (issue #21): the order the run used to sort its
 * entry objects in, the entries back in the shape the outbox reader made them, and bytes that
 * are the concatenated texts.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawOutboxEntry } from '../../shared/store/sync-store.ts';
import { DueEntries } from '../../shared/sync/due-entries.ts';
import { FileBody } from '../../shared/sync/file-body.ts';
import { PayloadSpill } from '../../shared/sync/payload-spill.ts';

const spills: PayloadSpill[] = [];
afterEach(() => {
  for (const s of spills.splice(0)) s.close();
});
const newDue = () => {
  const spill = new PayloadSpill();
  spills.push(spill);
  return new DueEntries(spill);
};

const raw = (id: string, createdAt: string, payload: unknown = { id }): RawOutboxEntry => ({
  feed: 'salesorder',
  id,
  payload: undefined,
  payloadText: JSON.stringify(payload),
  createdAt,
  state: {
    lastSentAt: undefined,
    sends: 0,
    lastFile: undefined,
    heldBack: undefined,
    missingFieldsFile: undefined,
  },
});

/** The comparator runExport sorted its entry objects with before the due list. */
const before = (
  a: { createdAt: string; shard: number; id: string },
  b: { createdAt: string; shard: number; id: string },
) =>
  a.createdAt !== b.createdAt
    ? a.createdAt < b.createdAt
      ? -1
      : 1
    : a.shard !== b.shard
      ? a.shard - b.shard
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;

describe('DueEntries', () => {
  it('sorts as the entry objects were sorted: time, then shard as a number, then id', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.stringMatching(/^[A-Za-z0-9#-]{1,12}$/),
            createdAt: fc.constantFrom(
              '2026-12-07T01:00:00.000Z',
              '2026-12-07T01:00:00.001Z',
              '2026-12-07T01:00:00Z',
              '2026-12-07T01:00:00.000',
            ),
            shard: fc.integer({ min: 0, max: 15 }),
          }),
          { selector: (e) => e.id, maxLength: 60 },
        ),
        (entries) => {
          const due = newDue();
          for (const e of entries) due.add(raw(e.id, e.createdAt), e.shard);
          due.sort();
          const want = [...entries].sort(before).map((e) => e.id);
          expect(due.page(0, entries.length).map((e) => e.id)).toEqual(want);
          expect(want.map((_, k) => due.idAt(k))).toEqual(want);
          spills.splice(0).forEach((s) => s.close());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives entries back with their payloads, send state and refusal note in full shape', () => {
    const due = newDue();
    const refused: RawOutboxEntry = {
      ...raw('B', '2026-12-07T01:00:00.000Z', { orderId: 'B', lines: [{ sku: 'é—≤' }] }),
      state: {
        lastSentAt: '2026-12-07T00:00:00.000Z',
        sends: 2,
        lastFile: 'f.csv',
        heldBack: undefined,
        missingFieldsFile: undefined,
      },
      refusal: {
        feed: 'sales-order-export',
        file: 'f.csv',
        key: 'k',
        kind: 'rows',
        lines: [3, 4],
        unit: 'line',
        message: 'bad\nline',
        errorFile: undefined,
        at: '2026-12-07T00:30:00.000Z',
        fingerprint: 'abcd',
        attempts: 1,
        fileFailures: 0,
        resend: undefined,
        resentAt: undefined,
        resentFile: undefined,
        resentWhy: undefined,
      },
    };
    const plain = raw('A', '2026-12-07T02:00:00.000Z');
    due.add(plain, 3);
    due.add(refused, 1);
    due.sort();
    const [first, second] = due.page<unknown>(0, 10);
    const { payloadText: refusedText, ...refusedEntry } = refused;
    const { payloadText: plainText, ...plainEntry } = plain;
    expect(first).toStrictEqual({ ...refusedEntry, payload: JSON.parse(refusedText) });
    expect(second).toStrictEqual({ ...plainEntry, payload: JSON.parse(plainText) });
    expect(due.page(1, 10).map((e) => e.id)).toEqual(['A']);
  });
});

describe('PayloadSpill', () => {
  const spill = () => {
    const s = new PayloadSpill();
    spills.push(s);
    return s;
  };
  // Texts around the sizes that matter: the write buffer (256 KiB), a window (64 KiB), and
  // small ones; any of UTF-16's units, 1 to 4 bytes in UTF-8.
  const text = fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 400 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 20_000, maxLength: 30_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 300_000 }).map((n) => 'é'.repeat(n)) },
  );

  it('gives back every text, in any order, with puts after reads', () => {
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 30 }),
        fc.array(text, { maxLength: 10 }),
        fc.infiniteStream(fc.nat()),
        (first, later, picks) => {
          const s = spill();
          const put = (t: string) => ({ t, ref: s.put(t) });
          const all = first.map(put);
          const it = picks[Symbol.iterator]();
          const pick = () => all[it.next().value % all.length]!;
          for (let i = 0; i < all.length; i++) {
            const { t, ref } = pick();
            expect(s.get(ref)).toBe(t);
          }
          for (const t of later) all.push(put(t));
          for (let i = 0; i < all.length * 2; i++) {
            const { t, ref } = pick();
            expect(s.get(ref)).toBe(t);
          }
          spills.splice(0).forEach((x) => x.close());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads interleaved runs of texts through its windows, and writes through its buffer', () => {
    // As an export reads them: 16 shards' pages one after another in the file, taken back in
    // time order — one text of each shard in turn.
    const s = spill();
    const shards = Array.from({ length: 16 }, (_, shard) =>
      Array.from({ length: 250 }, (_, i) => {
        const t = `${shard}:${i}:${'x'.repeat(1500 + ((shard * 7 + i) % 900))}`;
        return { t, ref: s.put(t) };
      }),
    );
    const texts = 16 * 250;
    for (let i = 0; i < 250; i++) {
      for (const shard of shards) expect(s.get(shard[i]!.ref)).toBe(shard[i]!.t);
    }
    // ≈ 8 MB: 32 writes of the buffer, and a read a window (≈ 30 texts), not a call a text.
    expect(s.stats.writes).toBeLessThan(texts / 50);
    expect(s.stats.reads).toBeLessThan(texts / 10);
  });
});

describe('FileBody', () => {
  it('holds the UTF-8 of the texts appended, across growth and after clear', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 40 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 2048 }),
        (files, start) => {
          const body = new FileBody(start);
          for (const texts of files) {
            for (const t of texts) body.append(t);
            const want = Buffer.from(texts.join(''), 'utf8');
            expect(body.byteLength).toBe(want.length);
            expect(body.bytes().equals(want)).toBe(true);
            body.clear();
            expect(body.byteLength).toBe(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
