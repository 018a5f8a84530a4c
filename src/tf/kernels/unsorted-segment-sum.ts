/**
 * UnsortedSegmentSum for the WASM backend, which does not register it
 * (tfjs #8082). It is the gradient of `gather`, so without it an Embedding
 * layer cannot train on WASM.
 *
 * A single scatter-add pass over the heap arrays: each row of `x` is added to
 * the output row its segment id names. The cpu kernel instead builds a mask,
 * multiplies and sums once per segment (O(numSegments · x.size)), which with
 * a 5,000-word vocabulary took minutes per batch.
 */
import {
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { backendError } from '../backend-error.js';
import { allocFloat32, asWasmBackend, f32View } from './wasm-heap.js';

/**
 * `unsortedSegmentSum(x, segmentIds, numSegments)` on WASM: output shape
 * `[numSegments, ...x.shape.slice(1)]`, float32. Ids outside
 * `[0, numSegments)` are dropped, as the cpu kernel does.
 * Exported for direct testing; register it through {@link unsortedSegmentSumConfig}.
 *
 * @throws PolyfaasError `InvalidArgument` unless `segmentIds` is an int32
 *   vector as long as `x`'s first axis.
 */
export function unsortedSegmentSumWasm(
  backend: BackendWasm,
  x: TensorInfo,
  segmentIds: TensorInfo,
  attrs: UnsortedSegmentSumAttrs,
): TensorInfo {
  const { numSegments } = attrs;
  if (segmentIds.dtype !== 'int32' || segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw backendError(
      'InvalidArgument',
      `UnsortedSegmentSum needs int32 segmentIds of shape [${x.shape[0] ?? ''}], got ${segmentIds.dtype} [${segmentIds.shape.join(',')}]`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw backendError('InvalidArgument', `UnsortedSegmentSum does not support ${x.dtype} values`);
  }
  const rows = segmentIds.shape[0]!;
  const inner = x.shape.length > 1 ? util.sizeFromShape(x.shape.slice(1)) : 1;
  const out = allocFloat32(backend, [numSegments, ...x.shape.slice(1)]);
  // Views only after the allocation: growing the heap would detach them.
  const sums = f32View(backend, out);
  const values = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  sums.fill(0);
  for (let r = 0; r < rows; r++) {
    const id = ids[r]!;
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) sums[dst + k]! += values[src + k]!;
  }
  return out;
}

/** Kernel config adding `UnsortedSegmentSum` to the WASM backend. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    unsortedSegmentSumWasm(
      asWasmBackend(backend),
      inputs['x']!,
      inputs['segmentIds']!,
      attrs as unknown as UnsortedSegmentSumAttrs,
    )) as KernelFunc,
};
