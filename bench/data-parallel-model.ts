/**
 * The table of docs/data-parallel-training.md: wall time and cost of
 * data-parallel training of the reference CNN on Fashion-MNIST with K = 1…200
 * Lambda workers. Measures here what this machine can measure (one optimizer
 * step, the snapshot size, the reducer's averaging, tfjs WASM start-up) and
 * takes the bucket and trigger figures as stated below (this machine has no S3).
 *
 * Usage: npx tsx bench/data-parallel-model.ts [--epochs N] [--round-steps N]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/tf/index.js';
import { buildCnn } from '../pipelines/image-classification/cnn.js';
import { blobFloats, snapshotWeights } from '../pipelines/shared/checkpoint.js';
import { averageWeights } from '../pipelines/shared/weight-average.js';
import type { DataParallelInputs } from './support/data-parallel-model.js';
import { modelTable } from './support/data-parallel-model.js';
import { isMain } from './support/is-main.js';

/** Stated, not measured here: S3 Standard request latency and per-connection throughput, S3→Lambda event delay, S3 request prices (us-east-1). */
export const STATED = {
  bucketLatencyMs: 100,
  bucketBytesPerMs: 90_000, // 90 MB/s
  triggerMs: 500,
  nodeStartMs: 300,
  putPer1000: 0.005,
  getPer1000: 0.0004,
};

/** Measure the step, snapshot and averaging figures on this machine. */
export async function measureInputs(options: { epochs: number; roundSteps: number }): Promise<DataParallelInputs & { measuredAt: string }> {
  const t0 = performance.now();
  await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  const initMs = performance.now() - t0;
  const batchSize = 64;
  const model = buildCnn({ inputShape: [28, 28, 1], numClasses: 10 });
  const x = tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([batchSize], 0, 10, 'int32', 2), 10);
  await model.trainOnBatch(x, y); // warm-up
  const steps = 30;
  const s0 = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const stepMs = (performance.now() - s0) / steps;
  const snap = await snapshotWeights(model);
  const one = { tensors: snap.tensors, floats: blobFloats(snap.blob) };
  const workers = Array.from({ length: 16 }, () => one);
  const a0 = performance.now();
  averageWeights(workers, 'average');
  const averageMsPerWorker = (performance.now() - a0) / workers.length;
  tf.dispose([x, y]);
  model.dispose();
  return {
    examples: 60_000,
    epochs: options.epochs,
    batchSize,
    roundSteps: options.roundSteps,
    stepMs,
    weightBytes: snap.blob.length,
    datasetBytes: 60_000 * 784,
    averageMsPerWorker,
    bucketLatencyMs: STATED.bucketLatencyMs,
    bucketBytesPerMs: STATED.bucketBytesPerMs,
    triggerMs: STATED.triggerMs,
    coldStartMs: STATED.nodeStartMs + initMs,
    reducerConcurrency: 16,
    memoryMb: 3008,
    putPer1000: STATED.putPer1000,
    getPer1000: STATED.getPer1000,
    measuredAt: new Date().toISOString(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '15' }, 'round-steps': { type: 'string', default: '200' } } });
  const inputs = await measureInputs({ epochs: Number(values.epochs), roundSteps: Number(values['round-steps']) });
  console.log(`inputs: ${JSON.stringify(inputs)}`);
  const ks = [1, 2, 4, 8, 16, 32, 64, 100, 128, 200];
  // Rounds of K = 2 at the given round length: averaging as often as the measured configuration, whatever K.
  const fixedRounds = Math.ceil(Math.ceil((inputs.epochs * Math.ceil(inputs.examples / 2)) / inputs.batchSize) / inputs.roundSteps);
  for (const [title, m] of [[`fixed round length (${inputs.roundSteps} steps per worker)`, inputs], [`fixed number of rounds (${fixedRounds}, as K = 2)`, { ...inputs, fixedRounds }]] as const) {
    console.log(`\n${title}\n`);
    console.log('| K | rounds | steps/worker | wall (s) | of which compute (s) | speed-up | cost (USD) |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of modelTable(m, ks)) {
      console.log(`| ${r.workers} | ${r.rounds || '—'} | ${r.stepsPerWorker} | ${r.wallSeconds.toFixed(1)} | ${r.computeSeconds.toFixed(1)} | ${r.speedup.toFixed(1)}× | ${r.costUsd.toFixed(4)} |`);
    }
  }
}

if (isMain(import.meta.url)) await main();
