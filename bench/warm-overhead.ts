/**
 * Warm overhead of the runtimes: one `POST /predict` through the memory
 * runtime (`createMemoryRuntime`) and through the AWS Lambda adapter
 * (`toLambda(app).functions.predict` with an API Gateway v2 event), versus
 * calling `model.predict` directly on the same pixels (same model files, same
 * WASM backend, same process).
 *
 * Requests send JSON `pixels`, so both sides skip image decoding and the ratio
 * is routing + body parsing + scaling + Predictor + top-k + JSON response.
 * Each path is measured with the pipeline's default serving settings (a
 * micro-batcher that waits up to 4 ms for company) and with `maxBatchSize: 1`
 * (no wait), since a lone sequential request pays that window by design.
 * One PNG row shows what decoding adds. Paths run round-robin per request.
 *
 * Usage: npx tsx bench/warm-overhead.ts [--quick]
 */
import { createMemoryRuntime } from '../adapters/memory/index.js';
import { toLambda } from '../adapters/aws/index.js';
import { initBackend } from '../src/tf/index.js';
import { fakeLambdaContext } from '../test/aws/lambda-context.js';
import { httpApiEvent } from '../test/aws/lambda-harness.js';
import { ensureBenchModel } from './support/bench-model.js';
import { fixtureImages } from './support/fixture-images.js';
import { isMain } from './support/is-main.js';
import { loadLayersModelFromDir, predictDirect } from './support/layers-model.js';
import { pixelsBody, predictApp } from './support/predict-app.js';
import { percentile, round, timed } from './support/stats.js';
import { formatTable } from './support/table.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

type Path = (i: number) => Promise<unknown>;

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const perPath = opts.quick ? 150 : 600;
  const warmup = 20;
  const model = await ensureBenchModel();
  const images = await fixtureImages(50);
  const jsonBodies = images.map((img) => pixelsBody(img.pixels));
  // The predict function's init calls initBackend(); pin it so both sides run on wasm.
  process.env.POLYFAAS_TF_BACKEND = 'wasm';
  await initBackend({ logger: () => {} });
  const direct = await loadLayersModelFromDir(model.versionDir);

  const expectOk = (status: number, body: () => string) => {
    if (status !== 200) throw new Error(`predict answered ${status}: ${body()}`);
  };
  const memoryPath = async (serving: { maxBatchSize?: number }, png = false): Promise<Path> => {
    const rt = await createMemoryRuntime(predictApp(model.dir, serving));
    return async (i) => {
      const img = images[i % images.length];
      const res = await rt.http({
        method: 'POST',
        path: '/predict',
        headers: { 'content-type': png ? 'image/png' : 'application/json' },
        body: png ? img?.png : jsonBodies[i % images.length],
      });
      expectOk(res.status, () => res.text());
    };
  };
  const lambdaPath = (serving: { maxBatchSize?: number }): Path => {
    const handler = toLambda(predictApp(model.dir, serving), { env: {} }).functions.predict;
    if (!handler) throw new Error('no predict handler');
    // API Gateway builds the event before the function runs: outside the timed call.
    const events = jsonBodies.map((body) => httpApiEvent({ method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body }));
    return async (i) => {
      const res = (await handler(structuredClone(events[i % events.length]), fakeLambdaContext())) as { statusCode: number; body: string };
      expectOk(res.statusCode, () => res.body);
    };
  };

  const paths: Record<string, Path> = {
    direct: (i) => predictDirect(direct, images[i % images.length]?.input as Float32Array, [28, 28, 1]),
    memoryDefault: await memoryPath({}),
    memoryNoWait: await memoryPath({ maxBatchSize: 1 }),
    lambdaDefault: lambdaPath({}),
    lambdaNoWait: lambdaPath({ maxBatchSize: 1 }),
    memoryPng: await memoryPath({ maxBatchSize: 1 }, true),
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  for (let i = 0; i < warmup + perPath; i++) {
    for (const [name, path] of Object.entries(paths)) {
      const t = await timed(() => path(i));
      if (i >= warmup) ms[name]?.push(t);
    }
  }
  const p50 = (name: string) => round(percentile(ms[name] ?? [], 50), 3);
  const row = (metric: string, name: string, target: boolean, note: string) =>
    ratioRow({ metric, baseline: p50('direct'), polyfaas: p50(name), unit: 'ms p50', ratio: 'polyfaas/baseline', ...(target ? { target: ['<=', 1.1] as ['<=', number] } : {}), note });
  const base = `${perPath} requests per path after ${warmup} warm-up, round-robin; baseline = tfjs-layers model.predict on the same pixels (wasm)`;
  return [
    row('overhead: memory runtime, JSON pixels, default batching', 'memoryDefault', true, `${base}; default maxWaitMs 4 ms batching window`),
    row('overhead: memory runtime, JSON pixels, maxBatchSize 1', 'memoryNoWait', true, base),
    row('overhead: Lambda adapter (APIGW v2), JSON pixels, default batching', 'lambdaDefault', true, `${base}; default maxWaitMs 4 ms batching window`),
    row('overhead: Lambda adapter (APIGW v2), JSON pixels, maxBatchSize 1', 'lambdaNoWait', true, base),
    row('memory runtime, PNG upload (incl. decode), maxBatchSize 1', 'memoryPng', false, `${base}; includes PNG decoding, which the direct call does not do`),
  ];
}

if (isMain(import.meta.url)) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  console.log(formatTable(rows));
}
