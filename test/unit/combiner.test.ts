/**
 * The in-process combiner of the reservation group commit (shared/orders/combiner.ts), with a
 * flush the test completes by hand: what arrives while a write is in flight rides the next one.
 */
import { describe, expect, it } from 'vitest';
import { Combiner } from '../../shared/orders/combiner.ts';

/** A flush that records its batches and waits until the test lets it go. */
function manualFlush() {
  const calls: Array<{ key: string; batch: number[]; done: (err?: Error) => void }> = [];
  const flush = (key: string, batch: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({
        key,
        batch: [...batch],
        done: (err) => (err ? reject(err) : resolve(batch.map((n) => n * 10))),
      });
    });
  return { calls, flush };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Combiner', () => {
  it('writes the first request at once, then what arrived meanwhile in one batch', async () => {
    const { calls, flush } = manualFlush();
    const c = new Combiner(flush, 64);
    const first = c.submit('k', 1);
    expect(calls.map((x) => x.batch)).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => c.submit('k', n));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.done();
    expect(await first).toBe(10);
    await tick();
    expect(calls.map((x) => x.batch)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.done();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(c.busyKeys).toBe(0);
  });

  it('keeps keys apart: one write in flight per key', async () => {
    const { calls, flush } = manualFlush();
    const c = new Combiner(flush);
    const a = c.submit('a', 1);
    const b = c.submit('b', 2);
    expect(calls.map((x) => [x.key, x.batch])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
    calls[1]!.done();
    calls[0]!.done();
    expect([await a, await b]).toEqual([10, 20]);
  });

  it('cuts batches at maxBatch, in arrival order', async () => {
    const { calls, flush } = manualFlush();
    const c = new Combiner(flush, 2);
    const all = [1, 2, 3, 4, 5].map((n) => c.submit('k', n));
    calls[0]!.done();
    await tick();
    calls[1]!.done();
    await tick();
    calls[2]!.done();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    expect(calls.map((x) => x.batch)).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the batch whose write failed; the next batch still goes', async () => {
    const { calls, flush } = manualFlush();
    const c = new Combiner(flush);
    const first = c.submit('k', 1);
    const second = c.submit('k', 2);
    const third = c.submit('k', 3);
    calls[0]!.done(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await tick();
    expect(calls[1]!.batch).toEqual([2, 3]);
    calls[1]!.done();
    expect([await second, await third]).toEqual([20, 30]);
  });

  it('refuses a flush that answers the wrong number of results', async () => {
    const c = new Combiner<number, number>(async () => [], 4);
    await expect(c.submit('k', 1)).rejects.toThrow('0 results for 1 requests');
    expect(c.busyKeys).toBe(0);
  });

  it('lead: an idle key is held by the caller; what arrives meanwhile is written as one batch when it lets go', async () => {
    const { calls, flush } = manualFlush();
    const c = new Combiner(flush);
    const letGo = c.lead('k');
    expect(letGo).toBeTypeOf('function');
    expect(c.lead('k')).toBeUndefined();
    expect(c.busy('k')).toBe(true);
    const waiting = [1, 2].map((n) => c.submit('k', n));
    await tick();
    expect(calls).toHaveLength(0);
    letGo!();
    letGo!(); // idempotent
    expect(calls.map((x) => x.batch)).toEqual([[1, 2]]);
    expect(c.lead('k')).toBeUndefined();
    calls[0]!.done();
    expect(await Promise.all(waiting)).toEqual([10, 20]);
    expect(c.busy('k')).toBe(false);
    // Let go with nothing waiting: the key is idle at once.
    c.lead('k')!();
    expect(c.busyKeys).toBe(0);
  });
});
