/**
 * Unpack and SplitV overrides for the WASM backend: cut a tensor into pieces
 * along one axis with one copy pass over the heap.
 *
 * The stock kernels call the stock Slice once per piece, and that Slice first
 * reads its whole input through `readSync`, which copies it out of the heap.
 * Recurrent layers unpack their `[time, batch, features]` input into one
 * piece per time step, so the stock Unpack copies the whole sequence once per
 * step: quadratic in the sequence length (at length 200 it was ~16 % of an
 * Embedding + GRU training step). Here every input element is copied once.
 */
import {
  backend_util,
  SplitV,
  Unpack,
  util,
  type KernelConfig,
  type KernelFunc,
  type SplitVAttrs,
  type TensorInfo,
  type UnpackAttrs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { runStockKernelOutputs } from './stock-kernels.js';
import { asWasmBackend } from './wasm-heap.js';

/** Below this many elements per row, element loops copy faster than `subarray().set()`. */
const SHORT_RUN = 64;

/**
 * Copies consecutive runs of `x` along `axis` (run `i` is `sizes[i]` long)
 * into new tensors whose shapes are given by `outShapes`.
 */
function cutAlongAxis(
  backend: BackendWasm,
  x: TensorInfo,
  axis: number,
  sizes: readonly number[],
  outShapes: readonly number[][],
): TensorInfo[] {
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const inner = util.sizeFromShape(x.shape.slice(axis + 1));
  const rowLength = x.shape[axis]! * inner;
  // All allocations first: growing the heap detaches earlier views.
  const outs = outShapes.map((shape) => backend.makeOutput(shape, x.dtype));
  const src = backend.typedArrayFromHeap(x);
  let offset = 0;
  sizes.forEach((size, i) => {
    const dst = backend.typedArrayFromHeap(outs[i]!);
    const run = size * inner;
    if (outer === 1) {
      dst.set(src.subarray(offset, offset + run));
    } else if (run >= SHORT_RUN) {
      for (let o = 0, from = offset; o < outer; o++, from += rowLength) {
        dst.set(src.subarray(from, from + run), o * run);
      }
    } else {
      // Gate-sized rows: a plain loop beats creating a subarray per row.
      for (let o = 0, from = offset, to = 0; o < outer; o++, from += rowLength - run) {
        for (let k = 0; k < run; k++) dst[to++] = src[from++]!;
      }
    }
    offset += run;
  });
  return outs;
}

/**
 * `unstack(value, axis)` on WASM; string tensors keep the stock kernel.
 * Exported for direct testing; register it through {@link unpackConfig}.
 */
export function unpackWasm(backend: BackendWasm, value: TensorInfo, attrs: UnpackAttrs): TensorInfo[] {
  if (value.dtype === 'string') return runStockKernelOutputs(Unpack, backend, { value }, { axis: attrs.axis });
  const axis = util.parseAxisParam(attrs.axis, value.shape)[0]!;
  const count = value.shape[axis]!;
  const outShape = value.shape.filter((_, i) => i !== axis);
  return cutAlongAxis(backend, value, axis, new Array<number>(count).fill(1), new Array(count).fill(outShape));
}

/**
 * `split(x, numOrSizeSplits, axis)` on WASM; string tensors keep the stock kernel.
 * Exported for direct testing; register it through {@link splitVConfig}.
 */
export function splitVWasm(backend: BackendWasm, x: TensorInfo, attrs: SplitVAttrs): TensorInfo[] {
  if (x.dtype === 'string') {
    return runStockKernelOutputs(SplitV, backend, { x }, { numOrSizeSplits: attrs.numOrSizeSplits, axis: attrs.axis });
  }
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
  const shapes = sizes.map((size) => x.shape.map((d, i) => (i === axis ? size : d)));
  return cutAlongAxis(backend, x, axis, sizes, shapes);
}

/** Kernel config overriding the stock WASM `Unpack`. */
export const unpackConfig: KernelConfig = {
  kernelName: Unpack,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    unpackWasm(asWasmBackend(backend), inputs['value']!, attrs as unknown as UnpackAttrs)) as KernelFunc,
};

/** Kernel config overriding the stock WASM `SplitV`. */
export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    splitVWasm(asWasmBackend(backend), inputs['x']!, attrs as unknown as SplitVAttrs)) as KernelFunc,
};
