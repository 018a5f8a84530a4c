import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core's Node entry registers no gradients; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { randomData } from './test-helpers.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('wasm');
});

/** Values on a coarse grid, so that many pairs compare equal. */
function coarse(size: number, seed: number): Float32Array {
  return randomData(size, seed).map((v) => Math.round(v * 2) / 2);
}

async function equalOn(
  backend: 'cpu' | 'wasm',
  a: [number[], Float32Array],
  b: [number[], Float32Array],
  dtype: 'float32' | 'int32',
): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = tf.equal(tf.tensor(a[1], a[0], dtype), tf.tensor(b[1], b[0], dtype));
    return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
  });
}

describe('Equal (wasm override vs cpu)', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['max-pool gradient [4,9,5] vs [4,1,5]', [4, 9, 5], [4, 1, 5]],
    ['outer product [6,1] vs [1,7]', [6, 1], [1, 7]],
    ['lower rank [3] vs [2,4,3]', [3], [2, 4, 3]],
    ['last axis broadcast [3,4,1] vs [3,4,6]', [3, 4, 1], [3, 4, 6]],
    ['scalar vs [5,2]', [], [5, 2]],
    ['rank 5 [2,1,3,1,2] vs [1,2,1,4,2]', [2, 1, 3, 1, 2], [1, 2, 1, 4, 2]],
    ['same shape (stock path) [3,5]', [3, 5], [3, 5]],
  ];
  const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  it.each(cases.flatMap(([n, a, b]) => (['float32', 'int32'] as const).map((dtype) => [`${n} ${dtype}`, a, b, dtype] as const)))(
    '%s',
    async (_name, aShape, bShape, dtype) => {
      const a: [number[], Float32Array] = [aShape, coarse(size(aShape), 61)];
      const b: [number[], Float32Array] = [bShape, coarse(size(bShape), 62)];
      const cpu = await equalOn('cpu', a, b, dtype);
      const wasm = await equalOn('wasm', a, b, dtype);
      expect(wasm).toEqual(cpu);
      expect(cpu.values).toContain(1); // the grid makes ties, so the test sees both answers
      expect(cpu.values).toContain(0);
    },
  );
});

describe('gradient of a max reduction on wasm', () => {
  it('routes the gradient to the maxima like cpu', async () => {
    const x = coarse(3 * 8 * 4, 63);
    const gradOn = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.max(t, 1))(tf.tensor(x, [3, 8, 4])).dataSync()));
    };
    expect(await gradOn('wasm')).toEqual(await gradOn('cpu'));
  });
});
