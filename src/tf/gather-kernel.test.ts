import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { randomData } from './test-helpers.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
});

async function gatherOn(
  backend: 'cpu' | 'wasm',
  make: () => tf.Tensor,
  ids: number[][] | number[],
  axis: number,
): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = tf.gather(make(), tf.tensor(ids, undefined, 'int32'), axis);
    return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
  });
}

describe('GatherV2 (wasm override vs cpu)', () => {
  const table = (): tf.Tensor => tf.tensor(randomData(10 * 4, 71), [10, 4]);
  const cases: Array<[string, () => tf.Tensor, number[][] | number[], number]> = [
    ['embedding lookup, [batch, length] ids with repeats', table, [[3, 0, 9], [3, 3, 1]], 0],
    ['1-D ids on axis 1', () => tf.tensor(randomData(3 * 5 * 2, 72), [3, 5, 2]), [4, 0, 4, 2], 1],
    ['last axis', () => tf.tensor(randomData(2 * 6, 73), [2, 6]), [5, 1], -1],
    ['int32 rows (fit() batch selection)', () => tf.tensor(Array.from({ length: 12 }, (_, i) => i), [4, 3], 'int32'), [2, 0], 0],
    ['bool values', () => tf.tensor([true, false, false, true, true, false], [3, 2], 'bool'), [2, 1, 0], 0],
    ['no ids', table, [], 0],
  ];
  it.each(cases)('%s', async (_name, make, ids, axis) => {
    expect(await gatherOn('wasm', make, ids, axis)).toEqual(await gatherOn('cpu', make, ids, axis));
  });

  it('rejects an index out of range and frees its output', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 3], 'int32');
    const dataIds = (tf.backend() as BackendWasm).numDataIds();
    expect(() => tf.gather(x, ids)).toThrow(/index value 3 is not in \[0, 2\]/);
    expect((tf.backend() as BackendWasm).numDataIds()).toBe(dataIds);
    tf.dispose([x, ids]);
  });

  it('keeps the stock kernel for batchDims 1', async () => {
    const make = (): tf.Tensor => tf.tensor(randomData(2 * 3 * 2, 74), [2, 3, 2]);
    const run = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => Array.from(tf.gather(make(), tf.tensor([[2, 0], [1, 1]], undefined, 'int32'), 1, 1).dataSync()));
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });
});
