import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node entry registers no gradients; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { randomData, worstRelativeError } from './test-helpers.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
});

async function tileOn(backend: 'cpu' | 'wasm', shape: number[], reps: number[], dtype: 'float32' | 'int32' | 'bool'): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  await tf.setBackend(backend);
  const size = shape.reduce((p, d) => p * d, 1);
  const values = randomData(size, 71).map((v) => (dtype === 'float32' ? v : dtype === 'int32' ? Math.round(v * 100) : v > 0 ? 1 : 0));
  return tf.tidy(() => {
    const out = tf.tile(tf.tensor(values, shape, dtype), reps);
    return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
  });
}

describe('Tile (wasm override vs cpu)', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['batch-norm broadcast [1,1,1,8] → [3,5,4,8]', [1, 1, 1, 8], [3, 5, 4, 1]],
    ['every axis [2,3,4] × [3,2,2]', [2, 3, 4], [3, 2, 2]],
    ['last axis only [3,2] × [1,4]', [3, 2], [1, 4]],
    ['no repeat [2,3] × [1,1]', [2, 3], [1, 1]],
    ['rank 1 [5] × [3]', [5], [3]],
    ['zero reps [2,3] × [0,2]', [2, 3], [0, 2]],
  ];
  it.each(cases.flatMap(([n, s, r]) => (['float32', 'int32', 'bool'] as const).map((dtype) => [`${n} ${dtype}`, s, r, dtype] as const)))('%s', async (_name, shape, reps, dtype) => {
    const cpu = await tileOn('cpu', shape, reps, dtype);
    const wasm = await tileOn('wasm', shape, reps, dtype);
    expect(wasm).toEqual(cpu);
  });
});

describe('batch normalisation on wasm', () => {
  it('has the gradients of cpu (input, gamma, beta) in training mode', async () => {
    const x = randomData(4 * 5 * 3 * 6, 72);
    const dy = randomData(4 * 5 * 3 * 6, 73);
    const gradsOn = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const gamma = tf.tensor1d(randomData(6, 74).map((v) => 1 + v / 2));
        const beta = tf.tensor1d(randomData(6, 75));
        // The training-mode forward of tfjs-layers' BatchNormalization: batch moments, then batchNorm.
        const f = (input: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => {
          const { mean, variance } = tf.moments(input, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(input, mean, variance, b, g, 1e-3), tf.tensor(dy, input.shape)));
        };
        return tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([tf.tensor4d(x, [4, 5, 3, 6]), gamma, beta]).map((t) => t.dataSync() as Float32Array);
      });
    };
    const cpu = await gradsOn('cpu');
    const wasm = await gradsOn('wasm');
    expect(wasm).toHaveLength(3);
    cpu.forEach((expected, i) => expect(worstRelativeError(wasm[i]!, expected)).toBeLessThanOrEqual(1));
    expect(Math.max(...cpu[0]!.map(Math.abs))).toBeGreaterThan(1e-3); // the gradient is not trivially zero
  });
});
