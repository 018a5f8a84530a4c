/**
 * Benchmark: training throughput of the text models (Embedding + GRU, LSTM or
 * Conv1D, softmax) on the WASM backend with polyfaas kernels versus the stock
 * cpu backend, in one process; and, on WASM, with polyfaas' Unpack, SplitV,
 * GatherV2 and Equal versus the stock ones (what those overrides buy).
 *
 * Usage: npx tsx bench/text-train.ts [--profile] [--models gru,lstm,conv1d] [--samples N] [--cpu-batch N] [--rounds N]
 * Sizes: vocabulary 5,000, embedding 32, sequence length 200, 32 units/filters, batch 32.
 * The cpu backend is measured on one small batch (default 2): its stock
 * UnsortedSegmentSum (the Embedding gradient) makes one masked pass over the
 * batch per vocabulary word, tens of seconds per step at this vocabulary.
 * Prints human-readable lines, then one JSON line per model:
 *   {"bench":"text-train","model":..,"wasm_samples_per_s":..,"cpu_samples_per_s":..,"ratio":..}
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { initBackend } from '../src/tf/index.js';
import { withStockKernels } from '../src/tf/register-wasm-kernels.js';
import { instrumentKernels, type KernelTiming } from './kernel-timer.js';
import { isMain } from './support/is-main.js';
import { moduleDoc } from './support/standalone.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const [VOCAB, DIM, LEN, UNITS, BATCH] = [5000, 32, 200, 32, 32];

/** The text models the pipeline trains, at realistic sizes. */
export type TextModelKind = 'gru' | 'lstm' | 'conv1d';
const KINDS: readonly TextModelKind[] = ['gru', 'lstm', 'conv1d'];

const LABELS: Record<TextModelKind, string> = {
  gru: 'Embedding + GRU',
  lstm: 'Embedding + LSTM',
  conv1d: 'Embedding + Conv1D',
};

function buildModel(kind: TextModelKind): tfl.Sequential {
  const layers: tfl.layers.Layer[] = [tfl.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LEN })];
  if (kind === 'gru') layers.push(tfl.layers.gru({ units: UNITS }));
  if (kind === 'lstm') layers.push(tfl.layers.lstm({ units: UNITS }));
  if (kind === 'conv1d') {
    layers.push(tfl.layers.conv1d({ filters: UNITS, kernelSize: 5, activation: 'relu' }));
    layers.push(tfl.layers.globalMaxPooling1d({}));
  }
  layers.push(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  const model = tfl.sequential({ layers });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/** Synthetic token ids: the benchmark measures throughput, not accuracy. */
function makeData(samples: number): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => ({
    xs: tf.randomUniform([samples, LEN], 0, VOCAB, 'int32', 42),
    ys: tf.oneHot(tf.randomUniform([samples], 0, 2, 'int32', 7), 2),
  }));
}

/**
 * Trains one epoch over `samples` samples in batches of `batch` and returns
 * samples per second. The optional warm-up batch keeps one-off costs (kernel
 * setup, V8 JIT, optimizer slots) out of the measurement.
 */
async function measure(
  backend: string,
  kind: TextModelKind,
  samples: number,
  batch: number,
  warmUp: boolean,
  onTimedStart: () => void = () => {},
): Promise<number> {
  await tf.setBackend(backend);
  const model = buildModel(kind);
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

/** The overrides written for text models; everything else is the same in both wasm runs. */
const TEXT_OVERRIDES = [tf.Unpack, tf.SplitV, tf.GatherV2, tf.Equal];

/**
 * samples/s on wasm with the stock versions of {@link TEXT_OVERRIDES} and with
 * ours, alternating for `rounds` rounds; the best round of each, since load
 * from other processes only ever slows a round down.
 */
async function compareWithStock(
  kind: TextModelKind,
  samples: number,
  rounds: number,
): Promise<{ stock: number; polyfaas: number }> {
  let [stock, polyfaas] = [0, 0];
  // Untimed: the first epochs in a process also pay for V8 compiling tfjs-layers and tiering up the wasm code.
  await measure('wasm', kind, 2 * BATCH, BATCH, true);
  for (let round = 0; round < rounds; round++) {
    stock = Math.max(stock, await withStockKernels(TEXT_OVERRIDES, () => measure('wasm', kind, samples, BATCH, true)));
    polyfaas = Math.max(polyfaas, await measure('wasm', kind, samples, BATCH, true));
  }
  return { stock, polyfaas };
}

function printProfile(rows: KernelTiming[], steps: number, stepMs: number): void {
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  const calls = rows.reduce((sum, r) => sum + r.calls, 0);
  console.log(
    `  per step: kernels ${(total / steps).toFixed(1)} ms of ${stepMs.toFixed(1)} ms wall, ` +
      `${Math.round(calls / steps)} kernel calls`,
  );
  for (const r of rows.slice(0, 12)) {
    const pct = ((100 * r.ms) / total).toFixed(1).padStart(5);
    console.log(`    ${r.kernel.padEnd(28)} ${(r.ms / steps).toFixed(2).padStart(8)} ms ${pct}%  ${(r.calls / steps).toFixed(0)} calls`);
  }
}

/** `npm run bench` entry: samples/s of each text model, wasm (polyfaas kernels) vs cpu, and what the text overrides buy. */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  const wasmSamples = opts.quick ? 2 * BATCH : 8 * BATCH;
  const cpuBatch = opts.quick ? 1 : 2;
  const rounds = opts.quick ? 1 : 3;
  const rows: BenchRow[] = [];
  for (const kind of KINDS) {
    const { stock: stockRate, polyfaas: wasmRate } = await compareWithStock(kind, wasmSamples, rounds);
    const cpuRate = await measure('cpu', kind, cpuBatch, cpuBatch, false);
    rows.push(
      ratioRow({
        metric: `training: ${LABELS[kind]} text model (wasm + polyfaas kernels vs cpu)`,
        baseline: Number(cpuRate.toFixed(3)),
        polyfaas: Number(wasmRate.toFixed(1)),
        unit: 'samples/s',
        ratio: 'polyfaas/baseline',
        note:
          `vocab ${VOCAB}, length ${LEN}; wasm best of ${rounds} epochs of ${wasmSamples} samples at batch ${BATCH}, each after a warm-up batch; ` +
          `cpu one batch of ${cpuBatch}, mostly its stock UnsortedSegmentSum`,
      }),
      ratioRow({
        metric: `training: ${LABELS[kind]} on wasm, polyfaas Unpack/SplitV/GatherV2/Equal vs stock`,
        baseline: Number(stockRate.toFixed(1)),
        polyfaas: Number(wasmRate.toFixed(1)),
        unit: 'samples/s',
        ratio: 'polyfaas/baseline',
        note: `best of ${rounds} alternating epochs of ${wasmSamples} samples at batch ${BATCH}; every other kernel the same (polyfaas')`,
      }),
    );
  }
  return rows;
}

interface Args {
  profile: boolean;
  models: TextModelKind[];
  samples: number;
  cpuBatch: number;
  rounds: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { profile: false, models: [...KINDS], samples: 8 * BATCH, cpuBatch: 2, rounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer`);
      return v;
    };
    if (flag === '--profile') args.profile = true;
    else if (flag === '--samples') args.samples = next();
    else if (flag === '--cpu-batch') args.cpuBatch = next();
    else if (flag === '--rounds') args.rounds = next();
    else if (flag === '--models') {
      const names = (argv[++i] ?? '').split(',');
      const unknown = names.filter((n) => !(KINDS as readonly string[]).includes(n));
      if (unknown.length > 0) throw new Error(`--models takes ${KINDS.join(',')}, not ${unknown.join(',')}`);
      args.models = names as TextModelKind[];
    } else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const info = await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  console.log(`tfjs-core ${info.tfjsVersion}, wasm simd=${info.simd}; vocab ${VOCAB}, length ${LEN}, batch ${BATCH}`);
  for (const kind of args.models) {
    const { stock, polyfaas: wasmRate } = await compareWithStock(kind, args.samples, args.rounds);
    console.log(`${LABELS[kind]}: wasm ${wasmRate.toFixed(1)} samples/s (best of ${args.rounds} epochs of ${args.samples} samples)`);
    console.log(`  wasm with stock ${TEXT_OVERRIDES.join('/')}: ${stock.toFixed(1)} samples/s (polyfaas ${(wasmRate / stock).toFixed(2)}x)`);
    if (args.profile) {
      // Separate run so the timing wrappers do not distort the headline number.
      const timer = instrumentKernels('wasm');
      const steps = Math.max(1, Math.floor(args.samples / BATCH));
      const rate = await measure('wasm', kind, steps * BATCH, BATCH, true, () => timer.reset());
      printProfile(timer.report(), steps, (1000 * BATCH) / rate);
      timer.restore();
    }
    const cpuRate = await measure('cpu', kind, args.cpuBatch, args.cpuBatch, false);
    console.log(`  cpu: ${cpuRate.toFixed(3)} samples/s (one batch of ${args.cpuBatch}); wasm/cpu ${(wasmRate / cpuRate).toFixed(0)}x`);
    console.log(
      JSON.stringify({
        bench: 'text-train',
        model: kind,
        wasm_samples_per_s: Number(wasmRate.toFixed(1)),
        cpu_samples_per_s: Number(cpuRate.toFixed(3)),
        ratio: Number((wasmRate / cpuRate).toFixed(1)),
      }),
    );
  }
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) console.log(moduleDoc(import.meta.url));
  else await main();
}
