/**
 * What `FunctionSpec.idempotency` costs per invocation: `handleHttp` of a POST
 * carrying an `Idempotency-Key`, to the same trivial JSON handler with and
 * without idempotency, round-robin, p50 µs.
 * - first delivery (a fresh key each time): claim (`put ifAbsent`) + result (`put ifVersion`);
 * - duplicate (one key, already completed): the refused claim + one `get`, then the replay;
 * on the memory store and on Redis (Debian redis-server on loopback, started here).
 *
 * Usage: npx tsx bench/idempotency.ts [--quick]
 */
import { RedisKeyValueStore } from '../adapters/redis/redis-kv.js';
import { MemoryKeyValueStore } from '../adapters/memory/memory-kv.js';
import { createHttpRequest, createLogger, defineApp, defineFunction, json } from '../src/index.js';
import type { KeyValueStore } from '../src/index.js';
import { AppRuntime } from '../src/adapter.js';
import { startRedis } from '../test/redis/redis-server.js';
import { percentile, round } from './support/stats.js';
import { runStandalone } from './support/standalone.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 2_000 : 10_000;
  const rows = await measure('memory store', new MemoryKeyValueStore('bench-idem'), n);
  const redis = await startRedis();
  const store = new RedisKeyValueStore({ url: redis.url, prefix: 'bench-idem:' });
  try {
    rows.push(...(await measure('redis', store, n)));
  } finally {
    await store.close();
    await redis.stop();
  }
  return rows;
}

async function measure(storeName: string, store: KeyValueStore, n: number): Promise<BenchRow[]> {
  const handler = () => json({ ok: true });
  const trigger = { type: 'http', method: 'POST', path: '/pay' } as const;
  const log = createLogger({ level: 'silent' });
  const plain = await AppRuntime.create(defineApp({ name: 'plain', functions: [defineFunction({ name: 'pay', trigger, handler })] }), { provider: 'memory', log });
  const guarded = await AppRuntime.create(
    defineApp({ name: 'guarded', functions: [defineFunction({ name: 'pay', trigger, handler, idempotency: { store: 'idem' } })], stores: { idem: store } }),
    { provider: 'memory', log },
  );
  const call = async (rt: AppRuntime, key: string) => {
    const request = createHttpRequest({ method: 'POST', path: '/pay', headers: { 'idempotency-key': key }, body: '{"amount":1}' });
    const start = performance.now();
    const res = await rt.handleHttp(request);
    const took = performance.now() - start;
    if (res.status !== 200) throw new Error(`POST /pay answered ${res.status}`);
    return took;
  };
  const samples = { plain: [] as number[], first: [] as number[], duplicate: [] as number[] };
  const warmup = 200;
  await call(guarded, 'the-duplicate');
  for (let i = -warmup; i < n; i++) {
    const t = { plain: await call(plain, `k${i}`), first: await call(guarded, `first-${i}`), duplicate: await call(guarded, 'the-duplicate') };
    if (i >= 0) for (const k of ['plain', 'first', 'duplicate'] as const) samples[k].push(t[k]);
  }
  const us = (values: number[]) => round(percentile(values, 50) * 1000, 1);
  const note = `${n} POSTs each after ${warmup} warm-up, round-robin; handler returns a small JSON body`;
  return [
    ratioRow({ metric: `idempotency overhead per invocation, ${storeName}, first delivery`, baseline: us(samples.plain), polyfaas: us(samples.first), unit: 'µs p50', ratio: 'polyfaas/baseline', note }),
    ratioRow({ metric: `idempotency overhead per invocation, ${storeName}, duplicate (replayed)`, baseline: us(samples.plain), polyfaas: us(samples.duplicate), unit: 'µs p50', ratio: 'polyfaas/baseline', note }),
  ];
}

await runStandalone(import.meta.url, run);
