import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { randomData, worstRelativeError } from './test-helpers.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
});

/** Runs UnsortedSegmentSum on `backend` with int32 segment ids. */
async function segmentSumOn(
  backend: 'cpu' | 'wasm',
  xShape: number[],
  x: Float32Array,
  ids: number[],
  numSegments: number,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = tf.unsortedSegmentSum(tf.tensor(x, xShape), tf.tensor1d(ids, 'int32'), numSegments);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

describe('UnsortedSegmentSum (wasm vs cpu)', () => {
  const cases: Array<[string, number[], number[], number]> = [
    ['vector, repeated ids', [6], [2, 0, 2, 1, 2, 0], 3],
    ['rows into a larger table, some segments empty', [5, 4], [7, 1, 7, 0, 3], 9],
    ['rank 3 values', [4, 3, 2], [1, 1, 0, 1], 2],
    ['ids outside [0, numSegments) are dropped', [5, 3], [-1, 0, 4, 3, 1], 4],
    ['embedding-gradient sized', [64 * 20, 16], Array.from({ length: 64 * 20 }, (_, i) => (i * 37) % 500), 500],
  ];
  it.each(cases)('%s', async (_name, xShape, ids, numSegments) => {
    const x = randomData(xShape.reduce((p, d) => p * d, 1), 41);
    const cpu = await segmentSumOn('cpu', xShape, x, ids, numSegments);
    const wasm = await segmentSumOn('wasm', xShape, x, ids, numSegments);
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });

  it('rejects segment ids that do not match the rows of x', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 1], 'int32');
    expect(() => tf.unsortedSegmentSum(x, ids, 2)).toThrow(/segmentIds of shape \[3\]/);
    tf.dispose([x, ids]);
  });
});

/**
 * Output and embedding-matrix gradient of an Embedding layer with fixed
 * weights: the gradient of gather is exactly UnsortedSegmentSum.
 */
async function embeddingOn(
  backend: 'cpu' | 'wasm',
  table: Float32Array,
  ids: number[][],
  upstream: Float32Array,
): Promise<{ out: Float32Array; grad: Float32Array }> {
  await tf.setBackend(backend);
  const [vocab, dim] = [50, 8];
  const layer = tfl.layers.embedding({ inputDim: vocab, outputDim: dim });
  layer.build([null, ids[0]!.length]);
  layer.setWeights([tf.tensor2d(table, [vocab, dim])]);
  const result = tf.tidy(() => {
    const input = tf.tensor2d(ids, undefined, 'int32');
    const weight = tf.tensor(upstream, [ids.length, ids[0]!.length, dim]);
    const out = layer.apply(input) as tf.Tensor;
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, weight)) as tf.Scalar,
      [layer.getWeights()[0] as tf.Variable],
    );
    return { out: out.dataSync() as Float32Array, grad: Object.values(grads)[0]!.dataSync() as Float32Array };
  });
  // The layer was only applied functionally, so Layer.dispose() refuses; free its variable directly.
  tf.dispose(layer.getWeights());
  return result;
}

describe('Embedding layer on wasm', () => {
  it('gives the cpu backend values and gradients, repeated tokens included', async () => {
    const table = randomData(50 * 8, 42);
    // Token 3 repeats within and across rows, so several rows add into one gradient row.
    const ids = [
      [3, 7, 3, 0, 49],
      [12, 3, 3, 25, 1],
      [0, 0, 48, 3, 9],
    ];
    const upstream = randomData(3 * 5 * 8, 43);
    const cpu = await embeddingOn('cpu', table, ids, upstream);
    const wasm = await embeddingOn('wasm', table, ids, upstream);
    expect(worstRelativeError(wasm.out, cpu.out)).toBeLessThanOrEqual(1);
    expect(worstRelativeError(wasm.grad, cpu.grad)).toBeLessThanOrEqual(1);
    // Rows of tokens never seen get no gradient.
    expect(Array.from(wasm.grad.subarray(2 * 8, 3 * 8))).toEqual(new Array(8).fill(0));
  });
});
