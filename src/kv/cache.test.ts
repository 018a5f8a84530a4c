import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/memory/index.js';
import { cached } from './cache.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('cached', () => {
  it('runs compute once for N concurrent misses and hands every caller its value', async () => {
    const store = new MemoryKeyValueStore('cache-single-flight');
    let runs = 0;
    const compute = async () => {
      runs++;
      await tick();
      return { model: 'cnn', runs };
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => cached(store, 'meta/cnn', 60_000, compute)));
    expect(runs).toBe(1);
    expect(results.every((r) => r.runs === 1)).toBe(true);
    expect((await store.get('meta/cnn'))?.value).toEqual({ model: 'cnn', runs: 1 });
  });

  it('serves later calls from the store until the TTL passes, then computes again', async () => {
    const store = new MemoryKeyValueStore('cache-ttl');
    let runs = 0;
    const compute = () => ++runs;
    expect(await cached(store, 'n', 40, compute)).toBe(1);
    expect(await cached(store, 'n', 40, compute)).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(await cached(store, 'n', 40, compute)).toBe(2);
  });

  it('does not cache a failed compute: every waiter gets the error, the next call computes again', async () => {
    const store = new MemoryKeyValueStore('cache-failure');
    let runs = 0;
    const failing = async () => {
      runs++;
      await tick();
      throw new Error('model registry down');
    };
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => cached(store, 'k', 60_000, failing)));
    expect(runs).toBe(1);
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as Error).message === 'model registry down')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
    expect(await cached(store, 'k', 60_000, () => 'recovered')).toBe('recovered');
  });

  it('keeps flights apart per store and per key', async () => {
    const a = new MemoryKeyValueStore('cache-a');
    const b = new MemoryKeyValueStore('cache-b');
    const seen: string[] = [];
    const compute = (tag: string) => async () => {
      seen.push(tag);
      await tick();
      return tag;
    };
    const got = await Promise.all([cached(a, 'k', 1000, compute('a-k')), cached(b, 'k', 1000, compute('b-k')), cached(a, 'j', 1000, compute('a-j'))]);
    expect(got).toEqual(['a-k', 'b-k', 'a-j']);
    expect(seen.sort()).toEqual(['a-j', 'a-k', 'b-k']);
  });

  it('lets a store error through rather than computing blind', async () => {
    const store = new MemoryKeyValueStore('cache-bad-key');
    let runs = 0;
    await expect(cached(store, '', 1000, () => ++runs)).rejects.toMatchObject({ code: 'InvalidArgument' });
    expect(runs).toBe(0);
  });
});
