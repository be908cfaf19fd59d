import { describe, expect, it } from 'vitest';
import { LinkedConditionFailed, retryOnLinkedChange } from '../../shared/orders/command-runner.ts';

describe('retryOnLinkedChange', () => {
  it('plans again on the state read again after a linked condition failed', async () => {
    const seen: number[] = [];
    const out = await retryOnLinkedChange(
      1,
      5,
      async (s) => {
        seen.push(s);
        if (s < 3) throw new LinkedConditionFailed(['po-atp']);
        return `done with ${s}`;
      },
      async (s) => s + 1,
    );
    expect(out).toEqual({ done: true, result: 'done with 3' });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives up after `times` tries, or when the linked state is gone', async () => {
    const always = async (): Promise<never> => {
      throw new LinkedConditionFailed(['x']);
    };
    let reads = 0;
    expect(await retryOnLinkedChange('a', 3, always, async (s) => (reads++, s))).toEqual({
      done: false,
      last: 'a',
    });
    expect(reads).toBe(3);
    expect(await retryOnLinkedChange('a', 3, always, async () => undefined)).toEqual({
      done: false,
      last: 'a',
    });
  });

  it('lets any other error through at once', async () => {
    let runs = 0;
    await expect(
      retryOnLinkedChange(
        0,
        5,
        async () => {
          runs++;
          throw new Error('boom');
        },
        async (s) => s,
      ),
    ).rejects.toThrow('boom');
    expect(runs).toBe(1);
  });
});
