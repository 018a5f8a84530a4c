import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { registerWasmGradientKernels, withStockKernels } from './register-wasm-kernels.js';
import { compareWithCpu, randomData, worstRelativeError } from './test-helpers.js';

let firstRegistration: ReturnType<typeof registerWasmGradientKernels>;

beforeAll(async () => {
  // Registered before the wasm backend starts, to cover that ordering.
  firstRegistration = registerWasmGradientKernels();
  await tf.setBackend('cpu');
  await tf.setBackend('wasm');
});

describe('registerWasmGradientKernels', () => {
  it('adds the missing gradients, overrides slow stock kernels, and is idempotent', () => {
    expect(firstRegistration.added.sort()).toEqual(
      [
        tf.Conv2DBackpropFilter,
        tf.DepthwiseConv2dNativeBackpropFilter,
        tf.DepthwiseConv2dNativeBackpropInput,
        tf.UnsortedSegmentSum,
      ].sort(),
    );
    expect(firstRegistration.overridden.sort()).toEqual(
      [tf.BatchMatMul, tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.Sum, tf.Mean, tf.Tile, tf.Unpack, tf.SplitV, tf.Equal, tf.GatherV2].sort(),
    );
    const kernelFunc = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')?.kernelFunc;
    expect(registerWasmGradientKernels()).toEqual({ added: [], overridden: [] });
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')?.kernelFunc).toBe(kernelFunc);
  });
});

describe('withStockKernels', () => {
  it('swaps the stock kernels in for the call and restores the overrides, also after a throw', async () => {
    const ours = tf.getKernel(tf.Unpack, 'wasm')?.kernelFunc;
    const seen = await withStockKernels([tf.Unpack], () => Promise.resolve(tf.getKernel(tf.Unpack, 'wasm')?.kernelFunc));
    expect(seen).toBeDefined();
    expect(seen).not.toBe(ours);
    await expect(withStockKernels([tf.Unpack], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(tf.getKernel(tf.Unpack, 'wasm')?.kernelFunc).toBe(ours);
    await expect(withStockKernels([tf.Conv2DBackpropFilter], () => Promise.resolve(1))).rejects.toThrow(/not a registered/);
  });
});

type Pad = 'same' | 'valid' | number[][];

/** Output spatial size of a conv, same rule as tfjs (floor rounding). */
function outSize(inSize: number, k: number, stride: number, pad: Pad, axis: 1 | 2): number {
  if (pad === 'same') return Math.ceil(inSize / stride);
  if (pad === 'valid') return Math.ceil((inSize - k + 1) / stride);
  const [before, after] = pad[axis] as [number, number];
  return Math.floor((inSize + before + after - k) / stride) + 1;
}

interface ConvCase {
  batch: number;
  h: number;
  w: number;
  inC: number;
  outC: number;
  kh: number;
  kw: number;
  stride: number;
  pad: Pad;
}

const convCases: ConvCase[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    // [1, 16] (kh*kw*in < out) exercises the im2col path of Conv2DBackpropFilter.
    for (const [inC, outC] of [[1, 4], [1, 16], [3, 16], [8, 4]] as const) {
      convCases.push({ batch: 2, h: 7, w: 9, inC, outC, kh: 3, kw: 3, stride, pad });
    }
    convCases.push({ batch: 3, h: 6, w: 5, inC: 3, outC: 4, kh: 2, kw: 3, stride, pad });
  }
}
// Explicit padding, including a case where the last input rows are never read.
convCases.push({ batch: 2, h: 8, w: 7, inC: 3, outC: 4, kh: 3, kw: 3, stride: 2, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] });
convCases.push({ batch: 2, h: 6, w: 6, inC: 2, outC: 5, kh: 3, kw: 3, stride: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] });
convCases.push({ batch: 2, h: 8, w: 7, inC: 1, outC: 16, kh: 3, kw: 3, stride: 2, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] });

const label = (c: ConvCase): string =>
  `n${c.batch} ${c.h}x${c.w}x${c.inC}->${c.outC} k${c.kh}x${c.kw} s${c.stride} ${JSON.stringify(c.pad)}`;

describe('Conv2DBackpropFilter (wasm vs cpu)', () => {
  it.each(convCases.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    const oh = outSize(c.h, c.kh, c.stride, c.pad, 1);
    const ow = outSize(c.w, c.kw, c.stride, c.pad, 2);
    const { wasm, cpu } = await compareWithCpu(
      tf.Conv2DBackpropFilter,
      {
        x: [[c.batch, c.h, c.w, c.inC], randomData(c.batch * c.h * c.w * c.inC, 1)],
        dy: [[c.batch, oh, ow, c.outC], randomData(c.batch * oh * ow * c.outC, 2)],
      },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.kh, c.kw, c.inC, c.outC] },
    );
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});

describe('Conv2DBackpropInput (wasm override vs cpu)', () => {
  it.each(convCases.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    const oh = outSize(c.h, c.kh, c.stride, c.pad, 1);
    const ow = outSize(c.w, c.kw, c.stride, c.pad, 2);
    const { wasm, cpu } = await compareWithCpu(
      tf.Conv2DBackpropInput,
      {
        dy: [[c.batch, oh, ow, c.outC], randomData(c.batch * oh * ow * c.outC, 3)],
        filter: [[c.kh, c.kw, c.inC, c.outC], randomData(c.kh * c.kw * c.inC * c.outC, 4)],
      },
      { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.batch, c.h, c.w, c.inC] },
    );
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });

  it('rejects NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 2, 3, 3]);
    const filter = tf.zeros([2, 2, 2, 2]);
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, {
        strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4],
      }),
    ).toThrow(/NHWC/);
    tf.dispose([dy, filter]);
  });
});

describe('BatchMatMul (wasm override vs cpu)', () => {
  const cases: Array<[string, number[], number[], boolean, boolean]> = [
    ['NN', [5, 7], [7, 3], false, false],
    ['TN', [7, 5], [7, 3], true, false],
    ['NT', [5, 7], [3, 7], false, true],
    ['TT', [7, 5], [3, 7], true, true],
    ['TN rank3 batch1', [1, 7, 5], [1, 7, 3], true, false],
    ['NT batch2 (stock path)', [2, 5, 7], [2, 3, 7], false, true],
    ['TN broadcast batch (stock path)', [2, 7, 5], [1, 7, 3], true, false],
  ];
  it.each(cases)('%s', async (_name, aShape, bShape, transposeA, transposeB) => {
    const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
    const { wasm, cpu } = await compareWithCpu(
      tf.BatchMatMul,
      { a: [aShape, randomData(size(aShape), 5)], b: [bShape, randomData(size(bShape), 6)] },
      { transposeA, transposeB },
    );
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});

describe('MaxPoolGrad (wasm override vs cpu)', () => {
  const cases: Array<[string, number[], number | [number, number], number | [number, number], 'same' | 'valid']> = [
    ['2x2 s2 valid, 1ch', [2, 8, 6, 1], 2, 2, 'valid'],
    ['2x2 s2 valid odd size, 3ch', [2, 7, 9, 3], 2, 2, 'valid'],
    ['2x2 s2 same odd size, 8ch', [2, 7, 9, 8], 2, 2, 'same'],
    ['3x3 s2 same (overlapping), 3ch', [3, 9, 7, 3], 3, 2, 'same'],
    ['3x3 s1 same, 4ch', [2, 6, 5, 4], 3, 1, 'same'],
    ['2x3 s[1,2] valid, 16ch', [2, 6, 9, 16], [2, 3], [1, 2], 'valid'],
  ];
  it.each(cases)('%s', async (_name, shape, filterSize, strides, pad) => {
    const [n, h, w, c] = shape as [number, number, number, number];
    const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const oh = pad === 'same' ? Math.ceil(h / sh) : Math.ceil((h - fh + 1) / sh);
    const ow = pad === 'same' ? Math.ceil(w / sw) : Math.ceil((w - fw + 1) / sw);
    const outShape = [n, oh, ow, c];
    const outSize = n * oh * ow * c;
    const { wasm, cpu } = await compareWithCpu(
      tf.MaxPoolGrad,
      {
        dy: [outShape, randomData(outSize, 21)],
        input: [shape, randomData(n * h * w * c, 22)],
        // Neither implementation reads the forward output; it only has to exist.
        output: [outShape, new Float32Array(outSize)],
      },
      { filterSize, strides, pad },
    );
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});

describe('MaxPoolGrad with ties (post-ReLU zeros)', () => {
  it('routes each window gradient to the first maximum, like cpu', async () => {
    const shape = [2, 8, 8, 4];
    const input = randomData(2 * 8 * 8 * 4, 23).map((v) => Math.max(0, Math.round(v * 2) / 2));
    const outShape = [2, 4, 4, 4];
    const { wasm, cpu } = await compareWithCpu(
      tf.MaxPoolGrad,
      {
        dy: [outShape, randomData(2 * 4 * 4 * 4, 24)],
        input: [shape, input],
        output: [outShape, new Float32Array(2 * 4 * 4 * 4)],
      },
      { filterSize: 2, strides: 2, pad: 'valid' },
    );
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});

describe.each([tf.Sum, tf.Mean])('%s (wasm override vs cpu)', (kernel) => {
  const cases: Array<[string, number[], number | number[], boolean]> = [
    ['bias-grad axes [0,1,2]', [4, 6, 5, 8], [0, 1, 2], false],
    ['bias-grad keepDims', [4, 6, 5, 8], [2, 0, 1], true],
    ['dense bias axis 0', [37, 10], 0, false],
    ['last axis (stock path)', [4, 6, 5, 8], -1, false],
    ['middle axes (stock path)', [4, 6, 5, 8], [1, 2], true],
  ];
  it.each(cases)('%s', async (_name, shape, axis, keepDims) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const { wasm, cpu } = await compareWithCpu(kernel, { x: [shape, randomData(size, 31)] }, { axis, keepDims });
    expect(wasm.shape).toEqual(cpu.shape);
    expect(worstRelativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1);
  });
});
