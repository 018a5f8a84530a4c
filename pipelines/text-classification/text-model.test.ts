import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/tf/index.js';
import { buildTextModel } from './text-model.js';
import { resolveTextTrainingConfig } from './text-training-config.js';

// Token 2 marks class 1 anywhere in the text; everything else is noise.
function toyBatch(n: number, length: number): { x: tf.Tensor; y: tf.Tensor } {
  const ids = new Int32Array(n * length);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < length; p++) ids[i * length + p] = 3 + ((i * 7 + p * 3) % 20);
    labels.push(i % 2);
    if (i % 2) ids[i * length + ((i * 5) % length)] = 2;
  }
  return { x: tf.tensor2d(ids, [n, length], 'int32'), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2) };
}

describe('text models on the WASM backend', () => {
  beforeAll(async () => {
    await initBackend({ env: { POLYFAAS_TF_BACKEND: 'wasm' } });
  });

  for (const variant of [
    { architecture: 'gru' },
    { architecture: 'lstm', bidirectional: true },
    { architecture: 'gru', pooling: 'last' },
    { architecture: 'gru', pooling: 'max-mean' },
    { architecture: 'conv1d' },
  ] as const) {
    it(`${JSON.stringify(variant)} outputs class probabilities and learns a marker token`, async () => {
      const model = buildTextModel({ vocabSize: 30, sequenceLength: 12, numClasses: 2 }, resolveTextTrainingConfig({ ...variant, units: 8, embeddingDim: 8, learningRate: 0.03, dropout: 0 }));
      const { x, y } = toyBatch(32, 12);
      try {
        const first = ((await model.trainOnBatch(x, y)) as number[])[0] as number;
        let last = first;
        for (let i = 0; i < 40; i++) last = ((await model.trainOnBatch(x, y)) as number[])[0] as number;
        expect(last).toBeLessThan(first * 0.5);
        const out = model.predict(x) as tf.Tensor;
        expect(out.shape).toEqual([32, 2]);
        const values = (await out.data()) as Float32Array;
        const sums = [0, 1, 2].map((i) => (values[2 * i] as number) + (values[2 * i + 1] as number));
        for (const s of sums) expect(s).toBeCloseTo(1, 4);
        out.dispose();
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    }, 60_000);
  }

  it('refuses unknown architectures and pooling', () => {
    expect(() => resolveTextTrainingConfig({ architecture: 'rnn' as 'gru' })).toThrow(/architecture/);
    expect(() => resolveTextTrainingConfig({ pooling: 'mean' as 'max' })).toThrow(/pooling/);
  });
});
