/**
 * Micro-batching: 64 concurrent clients POSTing PNGs to `/predict` on the
 * local server (`serve`), batching on (the pipeline default: up to 32
 * requests per model call, formed each event-loop turn) versus off
 * (`maxBatchSize: 1`). Both servers run at once in their own processes (an
 * idle one costs nothing) and are loaded in alternating rounds from this
 * process, which shares the machine's cores with them.
 *
 * An info row measures the model alone, in this process: samples/s at batch
 * 32 versus batch 1. Batching can only remove per-call costs; the
 * per-sample compute of the convolutions stays, which bounds the gain.
 *
 * Usage: npx tsx bench/micro-batching.ts [--quick]
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { forwardFor } from '../src/model/forward.js';
import { initBackend } from '../src/tf/index.js';
import { ensureBenchModel } from './support/bench-model.js';
import { loadLayersModelFromDir } from './support/layers-model.js';
import { TSX_ARGS } from './support/child.js';
import { fixtureImages } from './support/fixture-images.js';
import { runStandalone } from './support/standalone.js';
import { closedLoop } from './support/load.js';
import type { LoadResult } from './support/load.js';
import { percentile, round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const CLIENTS = 64;

/** Start a server child and wait for its URL. */
function startServer(modelDir: string, batch: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...TSX_ARGS, resolve('bench/children/serve-predict.ts'), modelDir, batch], {
    env: { ...process.env, POLYFAAS_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) ok({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.on('exit', (code) => fail(new Error(`server (${batch}) exited ${code}: ${err.slice(-2000)}`)));
  });
}

function merge(results: LoadResult[]): LoadResult {
  return {
    requests: results.reduce((s, r) => s + r.requests, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    seconds: results.reduce((s, r) => s + r.seconds, 0),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
  };
}

/** Samples per second of `model.predict` at one batch size, for about `ms`. */
async function modelThroughput(model: LayersModel, batch: number, ms: number): Promise<number> {
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const forward = forwardFor(model);
  const once = async () => {
    const y = tf.tidy(() => forward(x) as tf.Tensor);
    await y.data();
    y.dispose();
  };
  // Long enough for V8 to tier the WASM kernels up, so batch 1 is not measured on baseline code.
  for (let i = 0; i < 50; i++) await once();
  let samples = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await once();
    samples += batch;
  }
  const seconds = (performance.now() - start) / 1000;
  x.dispose();
  return samples / seconds;
}

async function modelAloneRow(versionDir: string, quick: boolean): Promise<BenchRow> {
  process.env.POLYFAAS_TF_BACKEND = 'wasm';
  await initBackend({ logger: () => {} });
  const model = await loadLayersModelFromDir(versionDir);
  const ms = quick ? 1000 : 3000;
  const single = await modelThroughput(model, 1, ms);
  const batched = await modelThroughput(model, 32, ms);
  model.dispose();
  return ratioRow({
    metric: 'model alone: samples/s at batch 32 vs batch 1',
    baseline: round(single, 0),
    polyfaas: round(batched, 0),
    unit: 'samples/s',
    ratio: 'polyfaas/baseline',
    note: `in-process forward pass (as the Predictor runs it) + data() on wasm, ${ms / 1000} s per batch size after warm-up: what batching can save in the model itself`,
  });
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const rounds = opts.quick ? 2 : 3;
  const roundMs = opts.quick ? 3000 : 8000;
  const model = await ensureBenchModel();
  const [image] = await fixtureImages(1);
  const png = image?.png as Uint8Array;
  const servers = await Promise.all([startServer(model.dir, 'default'), startServer(model.dir, '1')]);
  const [on, off] = servers;
  try {
    const url = (s: { url: string }) => `${s.url}/predict`;
    // Short warm-up of both (JIT, keep-alive sockets), not measured.
    await closedLoop(url(on!), png, 'image/png', CLIENTS, 500);
    await closedLoop(url(off!), png, 'image/png', CLIENTS, 500);
    const onRuns: LoadResult[] = [];
    const offRuns: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const which of order) {
        if (which === 'on') onRuns.push(await closedLoop(url(on!), png, 'image/png', CLIENTS, roundMs));
        else offRuns.push(await closedLoop(url(off!), png, 'image/png', CLIENTS, roundMs));
      }
    }
    const a = merge(onRuns);
    const b = merge(offRuns);
    if (a.errors || b.errors) throw new Error(`errors under load: batching on ${a.errors}, off ${b.errors}`);
    const note = `${CLIENTS} closed-loop clients, PNG bodies, ${rounds} alternating rounds of ${roundMs / 1000} s per mode; requests: on ${a.requests}, off ${b.requests}`;
    return [
      await modelAloneRow(model.versionDir, opts.quick),
      ratioRow({ metric: 'micro-batching throughput (on vs maxBatchSize 1)', baseline: round(b.requests / b.seconds, 1), polyfaas: round(a.requests / a.seconds, 1), unit: 'req/s', ratio: 'polyfaas/baseline', target: ['>=', 3], note }),
      ratioRow({ metric: 'micro-batching p95 latency (on vs off)', baseline: round(percentile(b.latenciesMs, 95), 1), polyfaas: round(percentile(a.latenciesMs, 95), 1), unit: 'ms', ratio: 'polyfaas/baseline', target: ['<=', 1], note }),
      ratioRow({ metric: 'micro-batching p50 latency (on vs off)', baseline: round(percentile(b.latenciesMs, 50), 1), polyfaas: round(percentile(a.latenciesMs, 50), 1), unit: 'ms', ratio: 'polyfaas/baseline', note }),
    ];
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

await runStandalone(import.meta.url, run);
