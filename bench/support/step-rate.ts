/**
 * Child of `bench/parallel-training.ts`: trains the reference CNN on random
 * batches of 64 for a fixed number of steps (after one warm-up) and prints
 * `{"samplesPerSecond":…}`. Two of them at once against one alone is the
 * parallelism the machine offers right now, whatever the pipeline does.
 *
 * Usage: node --import tsx bench/support/step-rate.ts [steps]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/tf/index.js';
import { buildCnn } from '../../pipelines/image-classification/cnn.js';

const steps = Number(process.argv[2] ?? 60);
await initBackend({ env: { ...process.env, POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
const model = buildCnn({ inputShape: [28, 28, 1], numClasses: 10 });
const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32', 2), 10);
await model.trainOnBatch(x, y);
const t0 = performance.now();
for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
console.log(JSON.stringify({ samplesPerSecond: (steps * 64) / ((performance.now() - t0) / 1000) }));
