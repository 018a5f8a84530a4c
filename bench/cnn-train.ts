/**
 * Benchmark: training throughput of a small MNIST-style CNN with tf.layers on
 * the WASM backend (with polyfaas gradient kernels) versus the pure-JS CPU
 * backend, in one process.
 *
 * Usage: npx tsx bench/cnn-train.ts [--profile] [--samples N] [--batch N] [--cpu-batches N]
 * Defaults: 4096 wasm samples, batch 64, 1 cpu batch (cpu needs ~30-60 s per batch here).
 * As part of `npm run bench` it runs through {@link run}; quick mode trains 640
 * wasm samples and one cpu batch of 8 (cpu throughput barely depends on the
 * batch size, and a batch of 64 alone would take a third of the quick budget).
 * Prints human-readable lines, then one JSON line:
 *   {"bench":"cnn-train","wasm_samples_per_s":..,"cpu_samples_per_s":..,"ratio":..}
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { initBackend } from '../src/tf/index.js';
import { instrumentKernels, type KernelTiming } from './kernel-timer.js';
import { isMain } from './support/is-main.js';
import { moduleDoc } from './support/standalone.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

interface Args {
  profile: boolean;
  samples: number;
  batch: number;
  cpuBatches: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { profile: false, samples: 4096, batch: 64, cpuBatches: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer`);
      return v;
    };
    if (flag === '--profile') args.profile = true;
    else if (flag === '--samples') args.samples = next();
    else if (flag === '--batch') args.batch = next();
    else if (flag === '--cpu-batches') args.cpuBatches = next();
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

/** The reference CNN from the polyfaas docs. */
function buildModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/** Synthetic data: the benchmark measures throughput, not accuracy. */
function makeData(samples: number): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => ({
    xs: tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 42),
    ys: tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 7), 10),
  }));
}

/**
 * Trains one epoch over `samples` samples and returns samples per second.
 * The optional warm-up step keeps one-off costs (wasm kernel setup, V8 JIT)
 * out of the measurement; it is skipped on cpu, where one step takes ~30 s.
 */
async function measure(
  backend: string,
  samples: number,
  batch: number,
  warmUp: boolean,
  onTimedStart: () => void = () => {},
): Promise<number> {
  await tf.setBackend(backend);
  const model = buildModel();
  const { xs, ys } = makeData(samples);
  if (warmUp) {
    const [warmX, warmY] = [tf.slice(xs, 0, batch), tf.slice(ys, 0, batch)];
    await model.fit(warmX, warmY, { epochs: 1, batchSize: batch, verbose: 0 });
    tf.dispose([warmX, warmY]);
  }
  onTimedStart();
  const start = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([xs, ys]);
  model.dispose();
  return samples / seconds;
}

function printProfile(rows: KernelTiming[], steps: number, stepMs: number): void {
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  console.log(
    `per-kernel time per step (wasm, ${steps} steps): kernels ${(total / steps).toFixed(1)} ms ` +
      `of ${stepMs.toFixed(1)} ms wall`,
  );
  for (const r of rows.slice(0, 15)) {
    const pct = ((100 * r.ms) / total).toFixed(1).padStart(5);
    const calls = (r.calls / steps).toFixed(1);
    console.log(`  ${r.kernel.padEnd(36)} ${(r.ms / steps).toFixed(2).padStart(7)} ms ${pct}%  ${calls} calls/step`);
  }
}

/** `npm run bench` entry: samples/s of the reference CNN, wasm (polyfaas kernels) vs the cpu backend. */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  const wasmSamples = opts.quick ? 640 : 4096;
  const cpuBatch = opts.quick ? 8 : 64;
  const wasmRate = await measure('wasm', wasmSamples, 64, true);
  const cpuRate = await measure('cpu', cpuBatch, cpuBatch, false);
  return [
    ratioRow({
      metric: 'training: reference CNN (wasm + polyfaas kernels vs cpu)',
      baseline: Number(cpuRate.toFixed(2)),
      polyfaas: Number(wasmRate.toFixed(1)),
      unit: 'samples/s',
      ratio: 'polyfaas/baseline',
      note: `wasm ${wasmSamples} samples at batch 64 after one warm-up batch; cpu one batch of ${cpuBatch}, no warm-up (one step takes tens of seconds)`,
    }),
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const info = await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  console.log(`tfjs-core ${info.tfjsVersion}, wasm simd=${info.simd} threads=${info.threads}, batch ${args.batch}`);

  const wasmRate = await measure('wasm', args.samples, args.batch, true);
  console.log(`wasm: ${wasmRate.toFixed(1)} samples/s (${args.samples} samples)`);

  if (args.profile) {
    // Separate run so the timing wrappers do not distort the headline number.
    const timer = instrumentKernels('wasm');
    const steps = Math.max(1, Math.floor(args.samples / args.batch));
    const rate = await measure('wasm', steps * args.batch, args.batch, true, () => timer.reset());
    printProfile(timer.report(), steps, (1000 * args.batch) / rate);
    timer.restore();
  }

  const cpuSamples = args.cpuBatches * args.batch;
  const cpuRate = await measure('cpu', cpuSamples, args.batch, false);
  console.log(`cpu:  ${cpuRate.toFixed(1)} samples/s (${cpuSamples} samples)`);

  const ratio = wasmRate / cpuRate;
  console.log(`wasm/cpu: ${ratio.toFixed(1)}x`);
  console.log(
    JSON.stringify({
      bench: 'cnn-train',
      wasm_samples_per_s: Number(wasmRate.toFixed(1)),
      cpu_samples_per_s: Number(cpuRate.toFixed(2)),
      ratio: Number(ratio.toFixed(1)),
    }),
  );
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) console.log(moduleDoc(import.meta.url));
  else await main();
}
