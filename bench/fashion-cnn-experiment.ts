/**
 * Experiment (not part of `npm run bench`): train one CNN configuration on the
 * full Fashion-MNIST (60k/10k) with the pipeline's own trainer, dataset,
 * augmentation and learning-rate schedule, and print a JSON line per epoch
 * with the test accuracy, samples/s and the load average beside it. Skips
 * ingest, preprocessing and the local runtime, so a candidate costs only its
 * training. With `--samples N` it only measures samples/s over N samples.
 *
 * Usage: npx tsx bench/fashion-cnn-experiment.ts [--config '<TrainingConfig JSON>'] [--samples N] [--profile] [--label name]
 * e.g. --config '{"epochs":20,"batchNorm":true,"convsPerBlock":2,"schedule":"cosine","augment":{"maxShift":2,"flipProbability":0.5}}'
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';

import { initBackend } from '../src/tf/index.js';
import { loadFashionMnist } from '../examples/fashion-mnist/data/source.js';
import type { IdxDataset } from '../examples/fashion-mnist/data/idx.js';
import { Checkpointer } from '../pipelines/shared/checkpoint.js';
import { createTestBucket } from '../pipelines/shared/test-bucket.js';
import { trainWithCheckpoints } from '../pipelines/shared/trainer.js';
import { buildCnn } from '../pipelines/image-classification/cnn.js';
import { pixelDataset } from '../pipelines/image-classification/pixel-dataset.js';
import type { TrainingConfig } from '../pipelines/image-classification/training-config.js';
import { resolveTrainingConfig, scheduleOf } from '../pipelines/image-classification/training-config.js';
import { learningRateAt } from '../pipelines/image-classification/learning-rate-schedule.js';
import { instrumentKernels } from './kernel-timer.js';
import { isMain } from './support/is-main.js';
import { moduleDoc } from './support/standalone.js';

const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

function dataset(split: IdxDataset, config?: ReturnType<typeof resolveTrainingConfig>) {
  return pixelDataset({
    pixels: split.images,
    labels: Int32Array.from(split.labels),
    inputShape: [28, 28, 1],
    classes: CLASSES,
    scale: 1 / 255,
    ...(config?.augment ? { augment: config.augment, augmentSeed: config.seed } : {}),
  });
}

/** Test accuracy in batches of 500 (predict is synchronous on wasm). */
function testAccuracy(model: ReturnType<typeof buildCnn>, test: ReturnType<typeof dataset>): number {
  const batch = 500;
  const xs = new Float32Array(batch * 784);
  const ys = new Int32Array(batch);
  let correct = 0;
  for (let from = 0; from < test.count; from += batch) {
    const n = Math.min(batch, test.count - from);
    test.gather(Int32Array.from({ length: n }, (_, k) => from + k), xs, ys);
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(xs.subarray(0, n * 784), [n, 28, 28, 1])) as tf.Tensor, -1).dataSync());
    for (let k = 0; k < n; k++) if (predicted[k] === ys[k]) correct++;
  }
  return correct / test.count;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const raw = JSON.parse(arg('--config') ?? '{}') as TrainingConfig;
  const samples = arg('--samples') ? Number(arg('--samples')) : undefined;
  const label = arg('--label') ?? 'run';
  const config = resolveTrainingConfig(raw);
  const info = await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  const data = await loadFashionMnist();
  const train = dataset(samples ? { ...data.train, images: data.train.images.subarray(0, samples * 784), labels: data.train.labels.subarray(0, samples), count: samples } : data.train, config);
  const test = dataset(data.test);
  const model = buildCnn({
    inputShape: [28, 28, 1],
    numClasses: 10,
    filters: config.filters,
    denseUnits: config.denseUnits,
    dropout: config.dropout,
    learningRate: config.learningRate,
    seed: config.seed,
    ...(config.convsPerBlock !== undefined ? { convsPerBlock: config.convsPerBlock } : {}),
    ...(config.batchNorm !== undefined ? { batchNorm: config.batchNorm } : {}),
    ...(config.blockDropout !== undefined ? { blockDropout: config.blockDropout } : {}),
  });
  console.error(`${label}: backend ${info.name} simd=${info.simd}, ${model.countParams()} params, config ${JSON.stringify(raw)}`);
  const timer = argv.includes('--profile') ? instrumentKernels('wasm') : undefined;
  const { bucket } = createTestBucket();
  const started = Date.now();
  let totalSeconds = 0;
  const epochs = samples ? 1 : config.epochs;
  await trainWithCheckpoints({
    model,
    data: train,
    epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    checkpointer: new Checkpointer(bucket, 'ckpt/'),
    checkpointEverySteps: 1_000_000,
    learningRate: (epoch) => learningRateAt(scheduleOf(config), epoch),
    onEpoch: (r) => {
      totalSeconds += r.seconds;
      const row = {
        label,
        epoch: r.epoch + 1,
        lr: Number(learningRateAt(scheduleOf(config), r.epoch).toPrecision(3)),
        trainLoss: Number(r.loss.toFixed(4)),
        trainAcc: Number(r.accuracy.toFixed(4)),
        testAcc: samples ? null : testAccuracy(model, test),
        samplesPerS: Math.round(train.count / r.seconds),
        trainMinutes: Number((totalSeconds / 60).toFixed(2)),
        wallMinutes: Number(((Date.now() - started) / 60_000).toFixed(2)),
        load1: Number(loadavg()[0]!.toFixed(2)),
      };
      console.log(JSON.stringify(row));
    },
  });
  for (const r of timer?.report().slice(0, 20) ?? []) console.error(`  ${r.kernel.padEnd(28)} ${r.ms.toFixed(0).padStart(7)} ms ${String(r.calls).padStart(6)} calls`);
  timer?.restore();
  model.dispose();
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) console.log(moduleDoc(import.meta.url));
  else await main();
}
