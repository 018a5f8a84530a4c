import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from './backend.js';
import { installLayersTensorMethods } from './tensor-methods.js';
import { randomData, worstRelativeError } from './test-helpers.js';

beforeAll(async () => {
  // Starts wasm with our kernels and installs the tensor methods; cpu is registered alongside.
  const info = await initBackend({ env: { POLYFAAS_TF_BACKEND: 'wasm' }, logger: () => {} });
  expect(info.name).toBe('wasm');
  await import('@tensorflow/tfjs-backend-cpu');
});

const [VOCAB, DIM, LEN, UNITS, BATCH] = [40, 8, 12, 6, 8];

type Kind = 'gru' | 'lstm' | 'bidirectional gru' | 'bidirectional lstm' | 'conv1d';

/** Embedding + one sequence layer + a softmax, the shapes of the text pipeline's models, scaled down. */
function buildModel(kind: Kind): tfl.LayersModel {
  const layers: tfl.layers.Layer[] = [tfl.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LEN })];
  if (kind === 'gru') layers.push(tfl.layers.gru({ units: UNITS }));
  if (kind === 'lstm') layers.push(tfl.layers.lstm({ units: UNITS }));
  if (kind === 'bidirectional gru') {
    layers.push(tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: UNITS }) as tfl.RNN }));
  }
  if (kind === 'bidirectional lstm') {
    layers.push(tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: UNITS }) as tfl.RNN, mergeMode: 'sum' }));
  }
  if (kind === 'conv1d') {
    layers.push(tfl.layers.conv1d({ filters: 8, kernelSize: 3, activation: 'relu' }));
    layers.push(tfl.layers.globalMaxPooling1d({}));
  }
  layers.push(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  const model = tfl.sequential({ layers });
  // Plain SGD: unlike Adam it does not normalise gradient scale away, so a wrong gradient shows in the losses.
  model.compile({ optimizer: tf.train.sgd(1.5), loss: 'categoricalCrossentropy' });
  return model;
}

/** Learnable task: class-1 texts draw their tokens from the upper half of the vocabulary (deterministic LCG data). */
function makeBatch(seed: number): { xs: tf.Tensor; ys: tf.Tensor } {
  let s = seed;
  const next = (): number => (s = (s * 16807) % 2147483647);
  const ids: number[][] = [];
  const labels: number[] = [];
  for (let b = 0; b < BATCH; b++) {
    const half = VOCAB / 2;
    ids.push(Array.from({ length: LEN }, () => (b % 2) * half + (next() % half)));
    labels.push(b % 2);
  }
  return { xs: tf.tensor2d(ids, undefined, 'int32'), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 2) };
}

/** Losses of `steps` training steps on `backend` starting from `weights`, and the weights after them. */
async function trainOn(
  backend: 'cpu' | 'wasm',
  kind: Kind,
  weights: Float32Array[],
  steps: number,
): Promise<{ losses: number[]; trained: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = buildModel(kind);
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape)));
  const batches = [makeBatch(7), makeBatch(11)];
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { xs, ys } = batches[step % 2]!;
    losses.push((await model.trainOnBatch(xs, ys)) as number);
  }
  const trained = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose(batches.flatMap((b) => [b.xs, b.ys]));
  model.dispose();
  return { losses, trained };
}

/** Seeded initial weights, so both backends start from the same point and every run is the same run. */
async function initialWeights(kind: Kind): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  const model = buildModel(kind);
  const weights = model.getWeights().map((w, i) => randomData(w.size, 200 + i).map((v) => 0.3 * v));
  model.dispose();
  return weights;
}

describe('text models train on wasm like on cpu', () => {
  const kinds: Kind[] = ['gru', 'lstm', 'bidirectional gru', 'bidirectional lstm', 'conv1d'];
  it.each(kinds)('%s: same loss trajectory, and the loss falls', async (kind) => {
    const weights = await initialWeights(kind);
    const steps = 16;
    const cpu = await trainOn('cpu', kind, weights, steps);
    const wasm = await trainOn('wasm', kind, weights, steps);
    for (let i = 0; i < steps; i++) expect(Math.abs(wasm.losses[i]! - cpu.losses[i]!)).toBeLessThanOrEqual(1e-4);
    // Every weight, the embedding table included, ends where cpu's does.
    wasm.trained.forEach((w, i) => expect(worstRelativeError(w, cpu.trained[i]!)).toBeLessThanOrEqual(1));
    const [first, last] = [wasm.losses[0]! + wasm.losses[1]!, wasm.losses[steps - 1]! + wasm.losses[steps - 2]!];
    expect(last).toBeLessThan(0.95 * first);
  });

  it('does not leak tensors or WASM buffers across GRU training steps', async () => {
    await tf.setBackend('wasm');
    const model = buildModel('bidirectional gru');
    const { xs, ys } = makeBatch(3);
    const backend = tf.backend() as BackendWasm;
    // The first steps create optimizer slots; measure after they exist.
    await model.trainOnBatch(xs, ys);
    await model.trainOnBatch(xs, ys);
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    for (let step = 0; step < 3; step++) await model.trainOnBatch(xs, ys);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(dataIds);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('installLayersTensorMethods', () => {
  it('lets recurrent layers use the default orthogonal initializer', async () => {
    await tf.setBackend('wasm');
    expect(installLayersTensorMethods()).toEqual([]); // initBackend installed them already
    const layer = tfl.layers.gru({ units: 4 });
    layer.build([null, 3, 5]);
    const recurrent = layer.getWeights()[1]!; // [units, 3 * units], orthonormal rows
    const gram = tf.matMul(recurrent, recurrent, false, true);
    expect(Array.from(await gram.data()).map((v) => Math.round(v * 1e4) / 1e4 + 0)).toEqual(
      Array.from(tf.eye(4).dataSync()),
    );
    tf.dispose([gram, ...layer.getWeights()]);
  });
});
