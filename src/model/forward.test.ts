import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardFor } from './forward.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Run both ways on the same input; the fast path must be bit-identical to `model.predict`. */
function compare(model: tfl.LayersModel, x: tf.Tensor): { fast: Float32Array; predicted: Float32Array } {
  const forward = forwardFor(model);
  const fast = tf.tidy(() => forward(x) as tf.Tensor).dataSync() as Float32Array;
  const predicted = tf.tidy(() => model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  return { fast, predicted };
}

/** True when `forwardFor` took the layer-chain path (it bypasses `model.predict`). */
function usesChain(model: tfl.LayersModel): boolean {
  const original = model.predict.bind(model);
  let called = false;
  model.predict = (...args) => ((called = true), original(...args));
  tf.tidy(() => forwardFor(model)(tf.zeros([1, ...(model.inputs[0]?.shape.slice(1) as number[])])));
  model.predict = original;
  return !called;
}

describe('forwardFor', () => {
  it('runs a Sequential CNN layer by layer, bit-identical to model.predict (dropout off at inference)', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    // Non-trivial moving statistics, so inference-mode batch norm is really exercised.
    const bn = model.layers[2] as tfl.layers.Layer;
    bn.setWeights(bn.getWeights().map((w, i) => tf.fill(w.shape, [1.5, 0.2, 0.3, 2.0][i] as number)));
    const x = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 7);
    expect(usesChain(model)).toBe(true);
    const { fast, predicted } = compare(model, x);
    expect(Array.from(fast)).toEqual(Array.from(predicted));
  });

  it('takes the fast path for a functional model wired as a chain, and predict for branches', () => {
    const input = tfl.input({ shape: [4] });
    const hidden = tfl.layers.dense({ units: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(hidden) as tfl.SymbolicTensor;
    const chain = tfl.model({ inputs: input, outputs: out });
    const side = tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(input) as tfl.SymbolicTensor;
    const branchy = tfl.model({ inputs: input, outputs: tfl.layers.add().apply([out, side]) as tfl.SymbolicTensor });
    const x = tf.randomUniform([2, 4], -1, 1, 'float32', 9);
    expect(usesChain(chain)).toBe(true);
    expect(usesChain(branchy)).toBe(false);
    for (const model of [chain, branchy]) {
      const { fast, predicted } = compare(model, x);
      expect(Array.from(fast)).toEqual(Array.from(predicted));
    }
  });

  it('leaves no tensors behind inside tidy', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
    const forward = forwardFor(model);
    const x = tf.ones([1, 3]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      forward(x);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
