import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationRecord } from '../../src/adapter.js';
import { map } from '../../src/index.js';
import { FileBucket } from './file-bucket.js';
import type { PoolItem, PoolResult } from './test-support/map-app.js';
import type { LocalPool } from './worker-pool.js';
import { localPoolInvoker } from './worker-pool.js';

const MODULE = resolve(import.meta.dirname, 'test-support/map-app.ts');

describe('map over the local worker pool', () => {
  let dir: string;
  let pool: LocalPool;
  let bucket: FileBucket;
  const records: InvocationRecord[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-pool-'));
    bucket = new FileBucket(dir);
    pool = await localPoolInvoker({ module: MODULE, workers: 2, buckets: { data: pathToFileURL(dir).href }, onInvocation: (r) => records.push(r) });
  }, 60_000);

  afterAll(async () => {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs items in two processes at the same time, through the shared file bucket', async () => {
    const items: PoolItem[] = Array.from({ length: 40 }, (_, n) => ({ n, burnMs: 25, failFirst: n % 10 === 3 }));
    const run = await map<PoolItem, PoolResult>('burn', items, { invoker: pool, bucket, concurrency: 8, backoffMs: 5, stragglers: false });
    const values = run.items.map((i) => (i.ok ? i.value : undefined));
    expect(values.map((v) => v?.double)).toEqual(items.map((i) => i.n * 2));
    expect(run.stats.retries).toBe(4);
    const pids = new Set(values.map((v) => v?.pid));
    expect([...pids].sort()).toEqual([...pool.pids].sort());
    // Real parallelism: some item in one process ran while an item in the other did.
    const overlapping = values.some((a) => values.some((b) => a && b && a.pid !== b.pid && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);
    expect(await bucket.exists(`_polyfaas/map/${run.id}/out/39.json`)).toBe(true);
    // Every launch (items and their retries) was recorded in its worker, and had come back by the time map() had its results.
    expect(records).toHaveLength(items.length + run.stats.retries);
    expect(records.every((r) => r.function === 'burn' && r.trigger === 'queue')).toBe(true);
    // The 25 ms of CPU each item burns was measured in the worker that burned it (process-wide: a launch that
    // overlapped another in its worker may count some of the other's too, never less than its own).
    expect(records.filter((r) => (r.cpuMs ?? 0) >= 25).length).toBeGreaterThanOrEqual(items.length);
  }, 60_000);

  it('brings coded errors back across the process boundary, without retrying permanent ones', async () => {
    const run = await map<PoolItem, PoolResult>('burn', [{ n: 1, burnMs: 1, invalid: true }, { n: 2, burnMs: 1 }], { invoker: pool, bucket });
    const [bad, good] = run.items;
    expect(bad?.ok === false && [bad.error.code, bad.error.message, bad.launches]).toEqual(['InvalidArgument', 'item 1 is invalid', 1]);
    expect(good?.ok && good.value.double).toBe(4);
  }, 60_000);

  it('refuses a module that exports no app, loudly', async () => {
    await expect(localPoolInvoker({ module: resolve(import.meta.dirname, 'layout.ts'), workers: 1 })).rejects.toMatchObject({ code: 'Unavailable' });
  }, 60_000);
});
