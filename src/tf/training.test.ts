import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from './backend.js';

beforeAll(async () => {
  const info = await initBackend({ env: { POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  expect(info.name).toBe('wasm');
});

/**
 * Small CNN touching every gradient kernel we provide: strided and unstrided
 * conv (filter + input grads), depthwise conv with a channel multiplier,
 * max pooling, dense layers (transposed matmuls) and bias sums.
 */
function buildModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 10, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 16, activation: 'relu' }),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

/** Learnable synthetic task: the class is which third of the image is bright. */
function makeData(samples: number): { xs: tf.Tensor; ys: tf.Tensor } {
  const x = new Float32Array(samples * 12 * 10);
  const labels: number[] = [];
  let seed = 1;
  const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let s = 0; s < samples; s++) {
    const label = s % 3;
    labels.push(label);
    for (let r = 0; r < 12; r++) {
      for (let c = 0; c < 10; c++) {
        const bright = Math.floor(r / 4) === label ? 1 : 0;
        x[(s * 12 + r) * 10 + c] = bright + 0.3 * rand();
      }
    }
  }
  return { xs: tf.tensor4d(x, [samples, 12, 10, 1]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
}

describe('tf.layers CNN training on wasm', () => {
  it('model.fit decreases the loss', async () => {
    const model = buildModel();
    const { xs, ys } = makeData(48);
    const history = await model.fit(xs, ys, { epochs: 8, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history['loss'] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.7);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('does not leak tensors or WASM buffers across training steps', async () => {
    const model = buildModel();
    const { xs, ys } = makeData(16);
    const backend = tf.backend() as BackendWasm;
    // First steps create optimizer slots; measure after they exist.
    await model.trainOnBatch(xs, ys);
    await model.trainOnBatch(xs, ys);
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    for (let step = 0; step < 4; step++) await model.trainOnBatch(xs, ys);
    expect(tf.memory().numTensors).toBe(tensors);
    // Scratch buffers our kernels allocate are invisible to numTensors; check the backend too.
    expect(backend.numDataIds()).toBe(dataIds);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
