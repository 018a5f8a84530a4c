import { describe, expect, it, vi } from 'vitest';
import { MicroBatcher, RECENT_BATCHES } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('batches concurrent requests up to the max size and keeps order', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher<number, number>({ maxBatchSize: 4, maxWaitMs: 50, run: async (xs) => (calls.push(xs), xs.map((x) => x * 10)) });
    const out = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => b.submit(x)));
    expect(out).toEqual([10, 20, 30, 40, 50, 60]);
    expect(calls).toEqual([[1, 2, 3, 4], [5, 6]]);
  });

  it('by default runs on the next event-loop turn with everything submitted in this one, and batches what arrives meanwhile', async () => {
    let release: () => void = () => {};
    const calls: number[][] = [];
    const b = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      run: async (xs) => {
        calls.push(xs);
        if (calls.length === 1) await new Promise<void>((r) => (release = r));
        return xs;
      },
    });
    const first = [b.submit(1), b.submit(2)];
    expect(calls).toEqual([]); // nothing runs synchronously: requests of the same turn may still arrive
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([[1, 2]]); // no timer: the next turn
    const rest = [3, 4, 5].map((x) => b.submit(x));
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toHaveLength(1); // they queue while the first batch runs
    release();
    await Promise.all([...first, ...rest]);
    expect(calls).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('a lone request at an idle model waits one turn, not a timer', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const b = new MicroBatcher<number, number>({ run: async (xs) => xs });
      for (let i = 0; i < 3; i++) await expect(b.submit(i)).resolves.toBe(i);
      expect(b.batchSizes).toEqual([1, 1, 1]);
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
  });

  it('runs a lone request after maxWait', async () => {
    const b = new MicroBatcher<number, number>({ maxBatchSize: 8, maxWaitMs: 1, run: async (xs) => xs });
    await expect(b.submit(7)).resolves.toBe(7);
    expect(b.batchSizes).toEqual([1]);
  });

  it('fails every request of a failed batch, and later batches still work', async () => {
    let fail = true;
    const b = new MicroBatcher<number, number>({ maxBatchSize: 2, maxWaitMs: 1, run: async (xs) => { if (fail) throw new Error('boom'); return xs; } });
    const results = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(b.submit(3)).resolves.toBe(3);
  });

  it('rejects when run returns the wrong number of outputs', async () => {
    const b = new MicroBatcher<number, number>({ maxWaitMs: 0, run: async () => [] });
    await expect(b.submit(1)).rejects.toThrow(/0 outputs for 1/);
  });

  it('keeps only the most recent batch sizes, so a long-running server does not grow without bound', async () => {
    const b = new MicroBatcher<number, number>({ maxBatchSize: 1, run: async (xs) => xs });
    for (let i = 0; i < RECENT_BATCHES + 10; i++) await b.submit(i);
    expect(b.batchSizes).toHaveLength(RECENT_BATCHES);
  });
});
