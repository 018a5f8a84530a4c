/**
 * Equal override for the WASM backend, for operands of different shapes.
 *
 * The gradient of every max reduction (global max pooling after a Conv1D, for
 * one) compares the input with its broadcast maximum: `equal(x, max)` with
 * shapes `[b, t, c]` and `[b, 1, c]`. The stock kernel's broadcasting path
 * walks coordinates per element and took ~55 % of the kernel time of an
 * Embedding + Conv1D training step; here the innermost axis is a strided
 * loop. Operands of one shape keep the stock kernel.
 */
import {
  backend_util,
  Equal,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { runStockKernel } from './stock-kernels.js';
import { asWasmBackend } from './wasm-heap.js';

/** Element strides of `shape` read as `outShape` (right-aligned), 0 along broadcast axes. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = util.computeStrides([...shape]);
  const offset = outShape.length - shape.length;
  return outShape.map((_, axis) => {
    const own = axis - offset;
    if (own < 0 || shape[own] === 1) return 0;
    return own === shape.length - 1 ? 1 : strides[own]!;
  });
}

/**
 * `equal(a, b)` on WASM; broadcasting operands of one numeric dtype take the
 * fast path, everything else the stock kernel.
 * Exported for direct testing; register it through {@link equalConfig}.
 */
export function equalWasm(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  if (util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype || a.dtype === 'string' || a.dtype === 'complex64') {
    return runStockKernel(Equal, backend, { a, b });
  }
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const shape = outShape.length === 0 ? [1] : outShape;
  const rank = shape.length;
  const aStrides = broadcastStrides(a.shape, shape);
  const bStrides = broadcastStrides(b.shape, shape);
  const out = backend.makeOutput(outShape, 'bool');
  // Views only after the allocation: growing the heap would detach them.
  const av = backend.typedArrayFromHeap(a);
  const bv = backend.typedArrayFromHeap(b);
  const ov = backend.typedArrayFromHeap(out);
  const inner = shape[rank - 1]!;
  const [aStep, bStep] = [aStrides[rank - 1]!, bStrides[rank - 1]!];
  const rows = util.sizeFromShape(shape) / Math.max(inner, 1);
  const index = new Array<number>(rank - 1).fill(0);
  let [aRow, bRow, o] = [0, 0, 0];
  for (let r = 0; r < rows; r++) {
    for (let k = 0, ai = aRow, bi = bRow; k < inner; k++, ai += aStep, bi += bStep) ov[o++] = av[ai] === bv[bi] ? 1 : 0;
    // Odometer over the outer axes, moving both read offsets along.
    for (let axis = rank - 2; axis >= 0; axis--) {
      aRow += aStrides[axis]!;
      bRow += bStrides[axis]!;
      if (++index[axis]! < shape[axis]!) break;
      aRow -= aStrides[axis]! * shape[axis]!;
      bRow -= bStrides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/** Kernel config overriding the stock WASM `Equal`. */
export const equalConfig: KernelConfig = {
  kernelName: Equal,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend }) => equalWasm(asWasmBackend(backend), inputs['a']!, inputs['b']!)) as KernelFunc,
};
