/**
 * Warm latency: batch-1 prediction p50/p99 of the polyfaas `Predictor` (WASM
 * backend, loaded and warmed up by `load()`) versus a seed-style handler's
 * core (default cpu backend, `tfjs-layers` `model.predict`, no warm-up). Same
 * model files, same input, one process; blocks of requests alternate between
 * the two (switching the active tfjs backend between blocks — each model's
 * weights stay on the backend that loaded them).
 *
 * The first call of each side is reported separately and left out of the
 * percentiles: it is the no-warm-up cost, which the cold-start bench covers.
 *
 * Usage: npx tsx bench/warm-latency.ts [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { FileBucket } from '../adapters/local/index.js';
import { ModelStore, Predictor } from '../src/model/index.js';
import { initBackend } from '../src/tf/index.js';
import { ensureBenchModel } from './support/bench-model.js';
import { fixtureImages } from './support/fixture-images.js';
import { runStandalone } from './support/standalone.js';
import { loadLayersModelFromDir, predictDirect } from './support/layers-model.js';
import { percentile, round, timed } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const perSide = opts.quick ? 100 : 500;
  const block = 25;
  const model = await ensureBenchModel();
  const images = await fixtureImages(50);
  const shape = [28, 28, 1];

  await initBackend({ env: { POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  await tf.setBackend('cpu');
  const seed = await loadLayersModelFromDir(model.versionDir);
  const seedFirst = await timed(() => predictDirect(seed, images[0]?.input as Float32Array, shape));

  await tf.setBackend('wasm');
  const predictor = new Predictor({ store: new ModelStore(new FileBucket(model.dir, { durable: false })), name: model.name, refreshIntervalMs: 3_600_000 });
  await predictor.load();
  const oursFirst = await timed(() => predictor.predict(images[0]?.input as Float32Array));

  const seedMs: number[] = [];
  const oursMs: number[] = [];
  for (let done = 0; done < perSide; done += block) {
    await tf.setBackend('cpu');
    for (let i = 0; i < block; i++) seedMs.push(await timed(() => predictDirect(seed, images[(done + i) % images.length]?.input as Float32Array, shape)));
    await tf.setBackend('wasm');
    for (let i = 0; i < block; i++) oursMs.push(await timed(() => predictor.predict(images[(done + i) % images.length]?.input as Float32Array)));
  }
  const note = `${perSide} batch-1 calls each in alternating blocks of ${block}; first call (excluded): seed ${round(seedFirst, 1)} ms, polyfaas ${round(oursFirst, 1)} ms (after load() warm-up)`;
  return [50, 99].map((p) =>
    ratioRow({
      metric: `warm batch-1 predict p${p} (Predictor wasm vs seed cpu)`,
      baseline: round(percentile(seedMs, p), 3),
      polyfaas: round(percentile(oursMs, p), 3),
      unit: 'ms',
      ratio: 'baseline/polyfaas',
      target: ['>=', 5],
      note,
    }),
  );
}

await runStandalone(import.meta.url, run);
