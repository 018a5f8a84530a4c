/**
 * Warm overhead of the runtimes: one `POST /predict` through the memory
 * runtime (`createMemoryRuntime`) and through the AWS Lambda adapter
 * (`toLambda(app).functions.predict` with an API Gateway v2 event), versus
 * calling `model.predict` directly on the same pixels (same model files, same
 * WASM backend, same process).
 *
 * The target rows send the pixels as raw bytes (`application/octet-stream`,
 * base64 in the API Gateway event as the gateway delivers binary bodies), so
 * the difference is the runtime itself: routing, context, scaling, Predictor,
 * top-k and the JSON answer. Both use the function's default serving
 * settings: the memory runtime may run requests concurrently, so its batcher
 * waits one event-loop turn for company; a Lambda instance runs one event at
 * a time (`ctx.concurrency` 1), so there is no batching there. Info rows show
 * what JSON pixels, batching off, and PNG decoding change. Paths run
 * round-robin per request; events and bodies are built outside the timing,
 * and every request (direct calls included) starts on a fresh event-loop
 * turn, as it does in a server or on Lambda.
 *
 * Usage: npx tsx bench/warm-overhead.ts [--quick]
 */
import { FileBucket } from '../adapters/local/index.js';
import { createMemoryRuntime } from '../adapters/memory/index.js';
import { createLogger } from '../src/index.js';
import { ModelStore, Predictor } from '../src/model/index.js';
import { toLambda } from '../adapters/aws/index.js';
import { initBackend } from '../src/tf/index.js';
import { fakeLambdaContext } from '../test/aws/lambda-context.js';
import { httpApiEvent } from '../test/aws/lambda-harness.js';
import { ensureBenchModel } from './support/bench-model.js';
import { fixtureImages } from './support/fixture-images.js';
import { runStandalone } from './support/standalone.js';
import { loadLayersModelFromDir, predictDirect } from './support/layers-model.js';
import { pixelsBody, predictApp } from './support/predict-app.js';
import { RAW_PIXELS_TYPE } from '../pipelines/image-classification/predict-input.js';
import { percentile, round, timed } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

/** Prepare one request outside the timing; the returned call is what gets timed. */
type Path = (i: number) => () => Promise<unknown>;

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const perPath = opts.quick ? 300 : 1500;
  const warmup = 50;
  const model = await ensureBenchModel();
  const images = await fixtureImages(50);
  const jsonBodies = images.map((img) => pixelsBody(img.pixels));
  // The predict function's init calls initBackend(); pin it so both sides run on wasm.
  process.env.POLYFAAS_TF_BACKEND = 'wasm';
  await initBackend({ logger: () => {} });
  const direct = await loadLayersModelFromDir(model.versionDir);
  // polyfaas' own model call, without any runtime around it: what the runtime rows add to.
  const predictor = new Predictor({ store: new ModelStore(new FileBucket(model.dir, { durable: false }), { prefix: 'models/' }), name: model.name, alias: 'production', logger: createLogger({ level: 'warn' }) });
  await predictor.load();

  const expectOk = (status: number, body: () => string) => {
    if (status !== 200) throw new Error(`predict answered ${status}: ${body()}`);
  };
  type Format = 'raw' | 'json' | 'png';
  const request = (i: number, format: Format) => {
    const img = images[i % images.length];
    if (format === 'raw') return { type: RAW_PIXELS_TYPE, body: img?.pixels };
    if (format === 'png') return { type: 'image/png', body: img?.png };
    return { type: 'application/json', body: jsonBodies[i % images.length] };
  };
  const memoryPath = async (format: Format, serving: { maxBatchSize?: number } = {}): Promise<Path> => {
    const rt = await createMemoryRuntime(predictApp(model.dir, serving));
    return (i) => {
      const { type, body } = request(i, format);
      return async () => {
        const res = await rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': type }, body });
        expectOk(res.status, () => res.text());
      };
    };
  };
  const lambdaPath = (format: Format): Path => {
    const handler = toLambda(predictApp(model.dir), { env: {} }).functions.predict;
    if (!handler) throw new Error('no predict handler');
    return (i) => {
      const { type, body } = request(i, format);
      // API Gateway builds the event before the function runs: outside the timed call.
      const event = httpApiEvent({ method: 'POST', path: '/predict', headers: { 'content-type': type }, body });
      return async () => {
        const res = (await handler(event, fakeLambdaContext())) as { statusCode: number; body: string };
        expectOk(res.statusCode, () => res.body);
      };
    };
  };

  const paths: Record<string, Path> = {
    direct: (i) => () => predictDirect(direct, images[i % images.length]?.input as Float32Array, [28, 28, 1]),
    predictor: (i) => () => predictor.predict(images[i % images.length]?.input as Float32Array),
    memoryRaw: await memoryPath('raw'),
    lambdaRaw: lambdaPath('raw'),
    memoryRawNoBatch: await memoryPath('raw', { maxBatchSize: 1 }),
    memoryJson: await memoryPath('json'),
    lambdaJson: lambdaPath('json'),
    memoryPng: await memoryPath('png'),
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  for (let i = 0; i < warmup + perPath; i++) {
    for (const [name, path] of Object.entries(paths)) {
      const call = path(i);
      // Every real request starts on its own event-loop turn (a socket read, the Lambda
      // runtime API's answer). Without this, a loop of awaits never yields, Node's pending
      // platform work piles up, and whichever path yields first pays for all of it.
      await new Promise((resolve) => setImmediate(resolve));
      const t = await timed(call);
      if (i >= warmup) ms[name]?.push(t);
    }
  }
  const p50 = (name: string) => round(percentile(ms[name] ?? [], 50), 3);
  const row = (metric: string, name: string, target: boolean, note: string) =>
    ratioRow({ metric, baseline: p50('direct'), polyfaas: p50(name), unit: 'ms p50', ratio: 'polyfaas/baseline', ...(target ? { target: ['<=', 1.1] as ['<=', number] } : {}), note });
  const base = `${perPath} requests per path after ${warmup} warm-up, round-robin; baseline = tfjs-layers model.predict on the same pixels (wasm)`;
  return [
    row('overhead: memory runtime (raw pixel bytes)', 'memoryRaw', true, `${base}; default serving: batcher waits one event-loop turn`),
    row('overhead: Lambda adapter, APIGW v2 (raw pixel bytes)', 'lambdaRaw', true, `${base}; default serving: concurrency 1, no batching`),
    row('Predictor.predict alone (no runtime)', 'predictor', false, `${base}; polyfaas runs a layer chain layer by layer instead of through model.predict`),
    ratioRow({
      metric: 'memory runtime vs Predictor.predict alone (the runtime itself)',
      baseline: p50('predictor'),
      polyfaas: p50('memoryRaw'),
      unit: 'ms p50',
      ratio: 'polyfaas/baseline',
      note: 'routing, context, input scaling, the batching turn, top-k and the JSON answer around the same model call',
    }),
    row('memory runtime, raw pixels, maxBatchSize 1', 'memoryRawNoBatch', false, `${base}; what the batching turn costs a lone request`),
    row('memory runtime, JSON pixels', 'memoryJson', false, `${base}; adds parsing a 3 KB JSON array`),
    row('Lambda adapter, JSON pixels', 'lambdaJson', false, `${base}; adds parsing a 3 KB JSON array`),
    row('memory runtime, PNG upload (incl. decode)', 'memoryPng', false, `${base}; includes PNG decoding, which the direct call does not do`),
  ];
}

await runStandalone(import.meta.url, run);
