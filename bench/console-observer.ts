/**
 * What the console's observation hook costs the functions it watches: one
 * `GET /hello` through `AppRuntime.handleHttp` to a handler that only answers
 * JSON (the worst case: the less a handler does, the larger any fixed cost
 * looks), with and without an `InvocationObserver`.
 *
 * Three runtimes of the same app in the same process, requests round-robin,
 * each on a fresh event-loop turn as in a server:
 * - baseline: no observer (what the clouds run);
 * - observed, nobody watching: the observer records into its ring buffer and
 *   taps the logger (what `serve()` does while no console page is open);
 * - observed, one listener: a subscriber (as an open Invocations page) receives
 *   every record in batches on later turns.
 *
 * Rows are informational: on this no-op handler the observer adds about half
 * a microsecond (one record, two clock reads, a map entry), which is a large
 * ratio of a 2 µs call and nothing next to a real request (the local server's
 * HTTP round trip alone takes tens of microseconds).
 *
 * Usage: npx tsx bench/console-observer.ts [--quick]
 */
import { createHttpRequest, createLogger, defineApp, defineFunction, json } from '../src/index.js';
import { AppRuntime, InvocationObserver } from '../src/adapter.js';
import { runStandalone } from './support/standalone.js';
import { percentile, round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const app = defineApp({
  name: 'observer-bench',
  functions: [defineFunction({ name: 'hello', trigger: { type: 'http', method: 'GET', path: '/hello' }, handler: () => json({ hello: 'world' }) })],
});

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const perPath = opts.quick ? 20_000 : 100_000;
  const warmup = 2_000;
  const log = createLogger({ level: 'silent' });
  const watched = new InvocationObserver();
  let received = 0;
  watched.subscribe((records) => (received += records.length));
  const unwatched = new InvocationObserver();
  const runtimes = {
    baseline: await AppRuntime.create(app, { provider: 'local', log }),
    unwatched: await AppRuntime.create(app, { provider: 'local', log: unwatched.tapLogger(log), observer: unwatched }),
    watched: await AppRuntime.create(app, { provider: 'local', log: watched.tapLogger(log), observer: watched }),
  };
  const ms: Record<keyof typeof runtimes, number[]> = { baseline: [], unwatched: [], watched: [] };
  for (let i = 0; i < warmup + perPath; i++) {
    for (const name of Object.keys(runtimes) as (keyof typeof runtimes)[]) {
      const request = createHttpRequest({ method: 'GET', path: '/hello' });
      await new Promise((resolve) => setImmediate(resolve));
      const start = performance.now();
      const res = await runtimes[name].handleHttp(request);
      const took = performance.now() - start;
      if (res.status !== 200) throw new Error(`${name}: GET /hello answered ${res.status}`);
      if (i >= warmup) ms[name].push(took);
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
  if (received < perPath) throw new Error(`the listener saw ${received} of ${perPath + warmup} invocations`);
  const us = (name: keyof typeof runtimes, stat: 'p50' | 'mean') => {
    const values = ms[name];
    const value = stat === 'p50' ? percentile(values, 50) : values.reduce((a, b) => a + b, 0) / values.length;
    return round(value * 1000, 2);
  };
  const note = `${perPath} requests per runtime after ${warmup} warm-up, round-robin, each on a fresh turn; handler answers JSON and does nothing else`;
  const row = (metric: string, name: 'unwatched' | 'watched', stat: 'p50' | 'mean') =>
    ratioRow({
      metric,
      baseline: us('baseline', stat),
      polyfaas: us(name, stat),
      unit: `µs ${stat}`,
      ratio: 'polyfaas/baseline',
      note,
    });
  return [
    row('console observer, nobody watching: handleHttp p50', 'unwatched', 'p50'),
    row('console observer, nobody watching: handleHttp mean', 'unwatched', 'mean'),
    row('console observer, one live listener: handleHttp p50', 'watched', 'p50'),
    row('console observer, one live listener: handleHttp mean', 'watched', 'mean'),
  ];
}

await runStandalone(import.meta.url, run);
