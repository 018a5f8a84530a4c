/**
 * GatherV2 override for the WASM backend: copies whole slices.
 *
 * An Embedding layer gathers one `[embeddingDim]` row per token
 * (`[batch, length]` ids), and `model.fit` gathers each shuffled batch. The
 * stock kernel checks every index through a closure-taking assert and then
 * copies element by element in C++; copying each slice with one
 * `subarray().set()` is several times faster (the stock GatherV2 was ~17 % of
 * an Embedding + Conv1D training step). `batchDims > 0` keeps the stock kernel.
 */
import {
  GatherV2,
  util,
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { backendError } from '../backend-error.js';
import { runStockKernel } from './stock-kernels.js';
import { asWasmBackend } from './wasm-heap.js';

/**
 * `gather(x, indices, axis)` on WASM for `batchDims` 0.
 * Exported for direct testing; register it through {@link gatherV2Config}.
 *
 * @throws PolyfaasError `InvalidArgument` for an index outside `[0, x.shape[axis])`.
 */
export function gatherV2Wasm(backend: BackendWasm, x: TensorInfo, indices: TensorInfo, attrs: GatherV2Attrs): TensorInfo {
  if ((attrs.batchDims ?? 0) !== 0 || x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') {
    return runStockKernel(GatherV2, backend, { x, indices }, { axis: attrs.axis, batchDims: attrs.batchDims });
  }
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const dim = x.shape[axis]!;
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const slice = util.sizeFromShape(x.shape.slice(axis + 1));
  const count = util.sizeFromShape(indices.shape);
  const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
  // Views only after the allocation: growing the heap would detach them.
  const ids = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= dim) {
      backend.disposeData(out.dataId);
      throw backendError('InvalidArgument', `GatherV2: the index value ${id} is not in [0, ${dim - 1}]`);
    }
  }
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let o = 0, to = 0; o < outer; o++) {
    const base = o * dim * slice;
    for (let i = 0; i < count; i++, to += slice) {
      const from = base + ids[i]! * slice;
      dst.set(src.subarray(from, from + slice), to);
    }
  }
  return out;
}

/** Kernel config overriding the stock WASM `GatherV2`. */
export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    gatherV2Wasm(asWasmBackend(backend), inputs['x']!, inputs['indices']!, attrs as unknown as GatherV2Attrs)) as KernelFunc,
};
