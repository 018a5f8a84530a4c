/**
 * ONNX serving cost: the same CNN (pipelines/image-classification/cnn.ts with
 * filters [8, 16] and 32 dense units; the ONNX file is
 * test/fixtures/onnx/cnn-28x28.onnx, exported by PyTorch from the same
 * architecture) served by Predictor as a native tf.js model (baseline) and as
 * an imported ONNX model (onnxruntime-web, WASM SIMD, one thread).
 *
 * Rows: stored model size; cold start (fresh process: import, backend,
 * load, first prediction; alternating runs, median) and warm single-example
 * predict latency (median over alternating rounds), both through the same
 * Predictor API. tfjs runs on whatever initBackend picks (wasm without
 * tfjs-node), as in production.
 *
 * Usage: npx tsx bench/onnx-serving.ts [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileBucket } from '../adapters/local/index.js';
import { initBackend, ModelStore, Predictor } from '../src/model/index.js';
import { importModel, useOnnx } from '../src/model/model-import.js';
import { buildCnn } from '../pipelines/image-classification/cnn.js';
import { lastJsonLine, runChild, TSX_ARGS } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const ONNX_FIXTURE = fileURLToPath(new URL('../test/fixtures/onnx/cnn-28x28.onnx', import.meta.url));
const CHILD = fileURLToPath(new URL('./children/onnx-cold.ts', import.meta.url));

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'polyfaas-bench-onnx-'));
  try {
    await initBackend({ logger: () => undefined });
    useOnnx();
    const store = new ModelStore(new FileBucket(dir), { signing: false });
    const native = buildCnn({ inputShape: [28, 28, 1], numClasses: 10, filters: [8, 16], denseUnits: 32, dropout: 0 });
    const tfjsInfo = await store.save('native', native);
    native.dispose();
    await store.promote('native', tfjsInfo.version, 'production');
    const onnxInfo = await importModel(store, ONNX_FIXTURE, { name: 'onnx' });
    await store.promote('onnx', onnxInfo.version, 'production');
    const size = (files: readonly { size: number }[]) => files.reduce((n, f) => n + f.size, 0);

    const cold = { tfjs: [] as number[], onnx: [] as number[] };
    const coldRuns = opts.quick ? 3 : 7;
    for (let i = 0; i < coldRuns; i++) {
      for (const kind of ['tfjs', 'onnx'] as const) {
        const result = await runChild(process.execPath, [...TSX_ARGS, CHILD, dir, kind === 'tfjs' ? 'native' : 'onnx', kind], { env: { ...process.env, POLYFAAS_LOG_LEVEL: 'silent' } });
        cold[kind].push(lastJsonLine<{ firstPredictMs: number }>(result, `cold start (${kind})`).firstPredictMs);
      }
    }

    const predictors = { tfjs: new Predictor({ store, name: 'native' }), onnx: new Predictor({ store, name: 'onnx' }) };
    await Promise.all(Object.values(predictors).map((p) => p.load()));
    const input = new Float32Array(28 * 28).map((_, i) => (i % 255) / 255);
    const warm = { tfjs: [] as number[], onnx: [] as number[] };
    const rounds = opts.quick ? 5 : 20;
    const perRound = 50;
    for (let r = 0; r < rounds + 1; r++) {
      for (const kind of ['tfjs', 'onnx'] as const) {
        const t = performance.now();
        for (let i = 0; i < perRound; i++) await predictors[kind].predict(input);
        // Round 0 warms the JIT for both sides and is not counted.
        if (r > 0) warm[kind].push((performance.now() - t) / perRound);
      }
    }
    for (const p of Object.values(predictors)) p.dispose();

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    return [
      ratioRow({
        metric: 'ONNX vs tf.js: stored model size',
        baseline: size(tfjsInfo.files),
        polyfaas: size(onnxInfo.files),
        unit: 'bytes',
        ratio: 'polyfaas/baseline',
        note: 'same CNN (14.4k parameters); tf.js model.json + weights.bin vs model.onnx; onnxruntime-web adds its 14 MB SIMD .wasm to a bundle',
      }),
      ratioRow({
        metric: 'ONNX vs tf.js: cold start (load + first predict)',
        baseline: round(median(cold.tfjs), 0),
        polyfaas: round(median(cold.onnx), 0),
        unit: 'ms',
        ratio: 'polyfaas/baseline',
        note: `fresh process each (imports, backend, model load from a FileBucket, first prediction), median of ${coldRuns} alternating runs`,
      }),
      ratioRow({
        metric: 'ONNX vs tf.js: warm predict latency (1 example)',
        baseline: round(median(warm.tfjs), 3),
        polyfaas: round(median(warm.onnx), 3),
        unit: 'ms',
        ratio: 'polyfaas/baseline',
        note: `Predictor.predict, median of ${rounds} alternating rounds of ${perRound} calls`,
      }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await runStandalone(import.meta.url, run);
