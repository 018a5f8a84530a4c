/**
 * Sum and Mean overrides for the WASM backend, specialised for reducing every
 * axis but the last one.
 *
 * That shape of reduction is the bias gradient of every conv/dense layer
 * (`sum(dy, [0, 1, 2])`) and batch normalisation's per-channel moments and
 * gradients (`mean(x, [0, 1, 2])`). The stock kernel first transposes the reduced axes
 * to the end (a full strided copy of `dy`) and then reduces; one sequential
 * pass that accumulates whole rows is ~2-3x faster. Other reductions keep the
 * stock kernel.
 */
import {
  Mean,
  type MeanAttrs,
  Sum,
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { runStockKernel } from './stock-kernels.js';
import { allocFloat32, asWasmBackend, f32View } from './wasm-heap.js';

function reducesAllButLast(axes: number[], rank: number): boolean {
  if (rank < 2 || axes.length !== rank - 1) return false;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((axis, i) => axis === i);
}

/**
 * `sum(x, axis, keepDims)` on WASM; fast path when `axis` covers all leading axes.
 * Exported for direct testing; register it through {@link sumConfig}.
 */
export function sumWasm(backend: BackendWasm, x: TensorInfo, attrs: SumAttrs): TensorInfo {
  return reduceLeading(Sum, backend, x, attrs, 1);
}

/**
 * `mean(x, axis, keepDims)` on WASM; same fast path as {@link sumWasm}.
 * Exported for direct testing; register it through {@link meanConfig}.
 */
export function meanWasm(backend: BackendWasm, x: TensorInfo, attrs: MeanAttrs): TensorInfo {
  return reduceLeading(Mean, backend, x, attrs, 1 / Math.max(1, util.sizeFromShape(x.shape) / Math.max(1, x.shape[x.shape.length - 1] ?? 1)));
}

function reduceLeading(kernel: typeof Sum | typeof Mean, backend: BackendWasm, x: TensorInfo, attrs: SumAttrs | MeanAttrs, factor: number): TensorInfo {
  const axes = util.parseAxisParam(attrs.axis, x.shape);
  if (x.dtype !== 'float32' || !reducesAllButLast(axes, x.shape.length)) {
    return runStockKernel(kernel, backend, { x }, { axis: attrs.axis, keepDims: attrs.keepDims });
  }
  const cols = x.shape[x.shape.length - 1]!;
  const rows = util.sizeFromShape(x.shape) / Math.max(cols, 1);
  // Float64 accumulators: rows can be ~1e5 long, and the CPU backend also sums in doubles.
  const acc = new Float64Array(cols);
  const xs = f32View(backend, x);
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    for (let k = 0; k < cols; k++) acc[k]! += xs[base + k]!;
  }
  const shape = attrs.keepDims ? x.shape.map((d, i) => (i < x.shape.length - 1 ? 1 : d)) : [cols];
  const out = allocFloat32(backend, shape);
  if (factor !== 1) for (let k = 0; k < cols; k++) acc[k]! *= factor;
  f32View(backend, out).set(acc);
  return out;
}

/** Kernel config overriding the stock WASM `Sum`. */
export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    sumWasm(asWasmBackend(backend), inputs['x']!, attrs as unknown as SumAttrs)) as KernelFunc,
};

/** Kernel config overriding the stock WASM `Mean`. */
export const meanConfig: KernelConfig = {
  kernelName: Mean,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    meanWasm(asWasmBackend(backend), inputs['x']!, attrs as unknown as MeanAttrs)) as KernelFunc,
};
