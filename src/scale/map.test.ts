import { describe, expect, it } from 'vitest';
import { createMemoryRuntime, MemoryBucket } from '../../adapters/memory/index.js';
import { defineApp, defineFunction } from '../function.js';
import { isPolyfaasError, PolyfaasError } from '../errors.js';
import type { Bucket } from '../storage/types.js';
import { inProcessInvoker } from './in-process-invoker.js';
import type { Invoker } from './invoker.js';
import { map } from './map.js';
import { defineMapFunction } from './map-function.js';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Counts successful writes per key, to show what was committed once. */
function countingBucket(inner: Bucket, puts: Map<string, number>): Bucket {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'put') return Reflect.get(target, prop, receiver) as unknown;
      return async (key: string, ...rest: Parameters<Bucket['put']> extends [unknown, ...infer R] ? R : never) => {
        const info = await target.put(key, ...rest);
        puts.set(key, (puts.get(key) ?? 0) + 1);
        return info;
      };
    },
  });
}

interface Injection {
  /** Items whose first launch fails with a retryable error. */
  failing: ReadonlySet<number>;
  /** Items whose first launch is `slow`× slower. */
  slow: ReadonlySet<number>;
}

async function setup(latencyMs: number, injection: () => Injection) {
  const puts = new Map<string, number>();
  let executions = 0;
  let effects = 0;
  const work = defineMapFunction({
    name: 'work',
    bucket: 'data',
    handler: async (n: number, ctx) => {
      executions++;
      const { failing, slow } = injection();
      const first = ctx.launch === 1;
      await sleep(first && slow.has(ctx.index) ? latencyMs * 10 : latencyMs);
      if (first && failing.has(ctx.index)) throw new PolyfaasError('Unavailable', 'injected failure');
      // The item's effect, keyed on the map and the item: written once however many launches finish.
      try {
        await ctx.bucket('data').put(`effects/${ctx.mapId}/${ctx.index}`, String(n * 2), { ifNoneMatch: '*' });
        effects++;
      } catch (err) {
        if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
      }
      return n * 2;
    },
  });
  const data = countingBucket(new MemoryBucket('data'), puts);
  const rt = await createMemoryRuntime(defineApp({ name: 'maps', buckets: { data: 'mem://data' }, functions: [work] }), { buckets: { data } });
  return { rt, data, puts, counts: () => ({ executions, effects }) };
}

/** Deterministic picks: every k-th item from an offset. */
const every = (k: number, from: number, n: number) => new Set(Array.from({ length: n }, (_, i) => i).filter((i) => i % k === from));

describe('map over the memory runtime', () => {
  it('maps 1,000 items with 2% failures and 1% stragglers at 10×: nothing lost, nothing twice, within 2× the straggler-free time', async () => {
    const N = 1000;
    const failing = every(50, 7, N); // 2%
    const slow = every(100, 3, N); // 1%
    let injection: Injection = { failing, slow: new Set() };
    const { rt, data, puts, counts } = await setup(15, () => injection);
    const inputs = Array.from({ length: N }, (_, i) => i);
    const options = { invoker: inProcessInvoker(rt), bucket: data, concurrency: 50, backoffMs: 5 };

    const plain = await map<number, number>('work', inputs, options);
    injection = { failing, slow };
    const straggling = await map<number, number>('work', inputs, options);
    await sleep(15 * 10 + 50); // let the overtaken stragglers finish: they must change nothing

    for (const run of [plain, straggling]) {
      expect(run.items.map((i) => (i.ok ? i.value : i.error.code))).toEqual(inputs.map((n) => n * 2));
      expect(run.stats.retries).toBe(failing.size);
      // Each item's result was committed exactly once, and so was its effect.
      const commits = [...puts].filter(([k]) => k.startsWith(`_polyfaas/map/${run.id}/out/`));
      expect(commits.length).toBe(N);
      expect(commits.every(([, n]) => n === 1)).toBe(true);
      const effects = [...puts].filter(([k]) => k.startsWith(`effects/${run.id}/`));
      expect(effects.length).toBe(N);
      expect(effects.every(([, n]) => n === 1)).toBe(true);
    }
    expect(counts().effects).toBe(2 * N);
    expect(straggling.stats.backups).toBeGreaterThanOrEqual(slow.size);
    // More executions than items: the retries and backups really happened.
    expect(counts().executions).toBeGreaterThan(2 * N + failing.size);
    const ratio = straggling.stats.wallMs / plain.stats.wallMs;
    console.log(`map 1000 items: plain ${plain.stats.wallMs} ms, with stragglers ${straggling.stats.wallMs} ms (×${ratio.toFixed(2)}), backups ${straggling.stats.backups}`);
    expect(ratio).toBeLessThan(2);
  }, 60_000);

  it('launches no backups with stragglers: false', async () => {
    const slow = every(100, 3, 300);
    const { rt, data } = await setup(10, () => ({ failing: new Set(), slow }));
    const inputs = Array.from({ length: 300 }, (_, i) => i);
    const run = await map<number, number>('work', inputs, { invoker: inProcessInvoker(rt), bucket: data, concurrency: 30, stragglers: false });
    expect(run.stats.backups).toBe(0);
    expect(run.items.every((i) => i.ok)).toBe(true);
  });

  it('keeps input order, codes per-item errors and does not retry permanent ones', async () => {
    let launches = 0;
    const fn = defineMapFunction({
      name: 'pick',
      bucket: 'data',
      handler: async (n: number) => {
        launches++;
        await sleep((5 - n) * 3); // later items finish first
        if (n === 2) throw new PolyfaasError('InvalidArgument', 'two is not allowed');
        if (n === 3) throw new PolyfaasError('Unavailable', 'always down');
        return `#${n}`;
      },
    });
    const rt = await createMemoryRuntime(defineApp({ name: 'm', buckets: { data: 'mem://d' }, functions: [fn] }));
    const run = await map<number, string>('pick', [0, 1, 2, 3, 4], { invoker: inProcessInvoker(rt), bucket: rt.bucket('data'), retries: 2, backoffMs: 1, stragglers: false });
    expect(run.items.map((i) => (i.ok ? i.value : i.error.code))).toEqual(['#0', '#1', 'InvalidArgument', 'Unavailable', '#4']);
    const three = run.items[3];
    expect(three?.ok === false && three.error.details).toMatchObject({ index: 3, launches: 3 });
    expect(launches).toBe(5 + 2); // item 3 twice more, item 2 never again
  });

  it('fails what is unfinished at the deadline with DeadlineExceeded', async () => {
    const fn = defineMapFunction({ name: 'nap', bucket: 'data', handler: async (ms: number) => (await sleep(ms), ms) });
    const rt = await createMemoryRuntime(defineApp({ name: 'm', buckets: { data: 'mem://d' }, functions: [fn] }));
    const run = await map<number, number>('nap', [1, 2000], { invoker: inProcessInvoker(rt), bucket: rt.bucket('data'), deadline: Date.now() + 200, stragglers: false });
    expect(run.items[0]).toMatchObject({ ok: true, value: 1 });
    expect(run.items[1]?.ok === false && run.items[1].error.code).toBe('DeadlineExceeded');
    expect(run.stats.wallMs).toBeLessThan(1500);
  });

  it('passes large items and results through the bucket, not the payload', async () => {
    const sizes: number[] = [];
    const fn = defineMapFunction({ name: 'big', bucket: 'data', handler: (s: string) => s.toUpperCase().repeat(2) });
    const rt = await createMemoryRuntime(defineApp({ name: 'm', buckets: { data: 'mem://d' }, functions: [fn] }));
    const inner = inProcessInvoker(rt);
    const measuring: Invoker = { mode: 'reply', invoke: async (f, task, o) => {
      const reply = await inner.invoke(f, task, o);
      sizes.push(JSON.stringify(task).length, JSON.stringify(reply).length);
      return reply;
    } };
    const big = 'x'.repeat(5000);
    const run = await map<string, string>('big', [big, 'y'], { invoker: measuring, bucket: rt.bucket('data'), inlineLimit: 1000 });
    expect(run.items.map((i) => i.ok && i.value)).toEqual(['X'.repeat(10_000), 'YY']);
    expect(Math.max(...sizes)).toBeLessThan(1000);
    expect(await rt.bucket('data').exists(`_polyfaas/map/${run.id}/in/0.json`)).toBe(true);
  });

  it('runs from inside a function, and with an invoker that only enqueues (results read from the bucket)', async () => {
    const square = defineMapFunction({ name: 'square', bucket: 'data', handler: (n: number) => n * n });
    const via: { invoker?: Invoker } = {};
    const orchestrate = defineFunction({
      name: 'orchestrate',
      trigger: { type: 'queue', queue: 'go' },
      handler: async (msg, ctx) => {
        const run = await map<number, number>('square', msg.json<number[]>(), { invoker: via.invoker as Invoker, bucket: ctx.bucket('data'), deadline: ctx.deadline - 1000, pollMs: 5 });
        return run.items.map((i) => (i.ok ? i.value : i.error.code));
      },
    });
    const rt = await createMemoryRuntime(defineApp({ name: 'm', buckets: { data: 'mem://d' }, functions: [square, orchestrate] }));
    const direct = inProcessInvoker(rt);
    // A queue-like transport: accepted at once, the outcome only in the bucket.
    via.invoker = { mode: 'enqueue', invoke: async (f, task, o) => void direct.invoke(f, task, o).catch(() => undefined) };
    const { createMessageEvent } = await import('../events/message.js');
    expect(await rt.invoke('orchestrate', createMessageEvent({ queue: 'go', body: '[1,2,3]' }))).toEqual([1, 4, 9]);
  });

  it('refuses nonsensical options before invoking anything', async () => {
    const invoker: Invoker = { mode: 'reply', invoke: () => Promise.reject(new Error('must not run')) };
    await expect(map('x', [1], { invoker, bucket: new MemoryBucket(), concurrency: 0 })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(map('x', [1], { invoker, bucket: new MemoryBucket(), stragglers: { factor: 1 } })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
