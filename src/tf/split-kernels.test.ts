import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node entry registers no gradients; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { randomData } from './test-helpers.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
});

type Pieces = Array<{ shape: number[]; values: number[] }>;

/** Runs a multi-output kernel on `backend` and reads every piece back. */
async function piecesOn(
  backend: 'cpu' | 'wasm',
  make: () => tf.Tensor,
  run: (x: tf.Tensor) => tf.Tensor[],
): Promise<Pieces> {
  await tf.setBackend(backend);
  return tf.tidy(() => run(make()).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })));
}

// Pieces are plain copies, so wasm must match cpu exactly, for every dtype.
const inputs: Array<[string, () => tf.Tensor]> = [
  ['float32 [5,3,4]', () => tf.tensor(randomData(60, 51), [5, 3, 4])],
  // Rows of >= 64 elements take the subarray-copy path.
  ['float32 [2,3,70]', () => tf.tensor(randomData(420, 54), [2, 3, 70])],
  ['int32 [4,6]', () => tf.tensor(Array.from({ length: 24 }, (_, i) => i * 7 - 30), [4, 6], 'int32')],
  ['bool [3,2,2]', () => tf.tensor(Array.from({ length: 12 }, (_, i) => i % 3 === 0), [3, 2, 2], 'bool')],
];

describe('Unpack (wasm override vs cpu)', () => {
  const axes = [0, 1, -1];
  it.each(inputs.flatMap(([name, make]) => axes.map((axis) => [`${name} axis ${axis}`, make, axis] as const)))(
    '%s',
    async (_name, make, axis) => {
      const run = (x: tf.Tensor): tf.Tensor[] => tf.unstack(x, axis);
      expect(await piecesOn('wasm', make, run)).toEqual(await piecesOn('cpu', make, run));
    },
  );
});

describe('SplitV (wasm override vs cpu)', () => {
  const splits: Array<[string, (dim: number) => number | number[], number]> = [
    ['into equal pieces on axis 0', (dim) => dim, 0],
    ['sizes [1, -1] on axis 1', () => [1, -1], 1],
    ['sizes [dim-1, 0, 1] on the last axis', (dim) => [dim - 1, 0, 1], -1],
  ];
  it.each(inputs.flatMap(([name, make]) => splits.map(([label, sizes, axis]) => [`${name} ${label}`, make, sizes, axis] as const)))(
    '%s',
    async (_name, make, sizes, axis) => {
      const run = (x: tf.Tensor): tf.Tensor[] => tf.split(x, sizes(x.shape.at(axis)!), axis);
      expect(await piecesOn('wasm', make, run)).toEqual(await piecesOn('cpu', make, run));
    },
  );
});

describe('Unpack of strings', () => {
  it('keeps the stock kernel', async () => {
    await tf.setBackend('wasm');
    const parts = tf.unstack(tf.tensor(['a', 'b', 'c', 'd'], [2, 2]), 1);
    expect(await Promise.all(parts.map((p) => p.array()))).toEqual([['a', 'c'], ['b', 'd']]);
    tf.dispose(parts);
  });
});

describe('Unpack gradient on wasm', () => {
  it('matches cpu and frees every buffer it allocates', async () => {
    const x = randomData(6 * 4 * 3, 52);
    const w = randomData(6 * 4 * 3, 53);
    const gradOn = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const weights = tf.unstack(tf.tensor(w, [4, 6, 3]), 1);
        const f = (t: tf.Tensor): tf.Scalar =>
          tf.unstack(t, 1)
            .map((piece, i) => tf.sum(tf.mul(piece, weights[i]!)))
            .reduce((a, b) => tf.add(a, b)) as tf.Scalar;
        return Array.from(tf.grad(f)(tf.tensor(x, [4, 6, 3])).dataSync());
      });
    };
    const cpu = await gradOn('cpu');
    await tf.setBackend('wasm');
    const dataIds = (tf.backend() as BackendWasm).numDataIds();
    expect(await gradOn('wasm')).toEqual(cpu);
    expect((tf.backend() as BackendWasm).numDataIds()).toBe(dataIds);
  });
});
