import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCnn } from './cnn.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const layerNames = (model: ReturnType<typeof buildCnn>) => model.layers.map((l) => l.getClassName());

describe('buildCnn', () => {
  it('builds the reference net by default: conv-pool-conv-pool-dense-dropout-softmax', () => {
    const model = buildCnn({ inputShape: [28, 28, 1], numClasses: 10 });
    expect(layerNames(model)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'Dense']);
    expect(model.countParams()).toBe(225034);
    model.dispose();
  });

  it('adds batch norm before each ReLU (no conv/dense bias), more convs per block, block dropout and more blocks', () => {
    const model = buildCnn({ inputShape: [28, 28, 1], numClasses: 10, filters: [8, 16], convsPerBlock: 2, batchNorm: true, blockDropout: 0.25, denseUnits: 32, dropout: 0 });
    expect(layerNames(model)).toEqual([
      ...['Conv2D', 'BatchNormalization', 'Activation', 'Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'Dropout'],
      ...['Conv2D', 'BatchNormalization', 'Activation', 'Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'Dropout'],
      ...['Flatten', 'Dense', 'BatchNormalization', 'Activation', 'Dense'],
    ]);
    // 28 →(same) 28 →(valid) 26 → pool 13 →(same) 13 →(valid) 11 → pool 5.
    expect(model.layers[15]?.outputShape).toEqual([null, 5, 5, 16]);
    expect(model.layers.filter((l) => l.getClassName() === 'Conv2D').every((l) => l.getWeights().length === 1)).toBe(true);
    const three = buildCnn({ inputShape: [28, 28, 1], numClasses: 10, filters: [4, 8, 16] });
    expect(three.layers.filter((l) => l.getClassName() === 'MaxPooling2D')).toHaveLength(3);
    model.dispose();
    three.dispose();
  });

  it('initialises the same for the same seed', () => {
    const weights = (seed: number) => {
      const model = buildCnn({ inputShape: [10, 10, 1], numClasses: 3, filters: [2, 3], denseUnits: 4, batchNorm: true, seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights(5)).toEqual(weights(5));
    expect(weights(5)).not.toEqual(weights(6));
  });
});
