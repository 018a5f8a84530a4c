import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { compareWithCpu, randomData, worstRelativeError } from './test-helpers.js';

beforeAll(async () => {
  registerWasmGradientKernels();
  await tf.setBackend('cpu');
  await tf.setBackend('wasm');
});

interface DwCase {
  batch: number;
  h: number;
  w: number;
  c: number;
  mult: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
}

const cases: DwCase[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const c of [1, 3, 8]) {
      for (const mult of [1, 2]) cases.push({ batch: 2, h: 7, w: 9, c, mult, k: 3, stride, pad });
    }
  }
}
cases.push({ batch: 3, h: 10, w: 6, c: 4, mult: 3, k: 5, stride: 2, pad: 'same' });

const outSize = (size: number, k: number, stride: number, pad: 'same' | 'valid'): number =>
  pad === 'same' ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride);

const label = (c: DwCase): string => `n${c.batch} ${c.h}x${c.w}x${c.c} m${c.mult} k${c.k} s${c.stride} ${c.pad}`;
const table = cases.map((c) => [label(c), c] as const);

describe('DepthwiseConv2dNativeBackpropFilter (wasm vs cpu)', () => {
  it.each(table)('%s', async (_name, c) => {
    const oh = outSize(c.h, c.k, c.stride, c.pad);
    const ow = outSize(c.w, c.k, c.stride, c.pad);
    const { wasm, cpu } = await compareWithCpu(
      tf.DepthwiseConv2dNativeBackpropFilter,
      {
        x: [[c.batch, c.h, c.w, c.c], randomData(c.batch * c.h * c.w * c.c, 11)],
        dy: [[c.batch, oh, ow, c.c * c.mult], randomData(c.batch * oh * ow * c.c * c.mult, 12)],
      },
      { strides: c.stride, pad: c.pad, dilations: 1, filterShape: [c.k, c.k, c.c, c.mult] },
    );
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});

describe('DepthwiseConv2dNativeBackpropInput (wasm vs cpu)', () => {
  it.each(table)('%s', async (_name, c) => {
    const oh = outSize(c.h, c.k, c.stride, c.pad);
    const ow = outSize(c.w, c.k, c.stride, c.pad);
    const { wasm, cpu } = await compareWithCpu(
      tf.DepthwiseConv2dNativeBackpropInput,
      {
        dy: [[c.batch, oh, ow, c.c * c.mult], randomData(c.batch * oh * ow * c.c * c.mult, 13)],
        filter: [[c.k, c.k, c.c, c.mult], randomData(c.k * c.k * c.c * c.mult, 14)],
      },
      { strides: c.stride, pad: c.pad, dilations: 1, inputShape: [c.batch, c.h, c.w, c.c] },
    );
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});

describe('depthwise gradients reject dilations > 1', () => {
  it('BackpropFilter', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 2, 2, 2]);
    expect(() =>
      tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, {
        strides: 1, pad: 'valid', dilations: 2, filterShape: [3, 3, 2, 1],
      }),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument', message: expect.stringMatching(/dilations/) }));
    tf.dispose([x, dy]);
  });

  it('BackpropInput', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 2, 2, 2]);
    const filter = tf.zeros([3, 3, 2, 1]);
    expect(() =>
      tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, {
        strides: 1, pad: 'valid', dilations: [1, 2], inputShape: [1, 6, 6, 2],
      }),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument', message: expect.stringMatching(/dilations/) }));
    tf.dispose([dy, filter]);
  });
});
