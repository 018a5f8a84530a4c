/**
 * Tile override for the WASM backend.
 *
 * The gradient of batch normalisation broadcasts the per-channel
 * 1/sqrt(variance) to the whole activation with `tile([1,1,1,C] → [N,H,W,C])`
 * every step, and the stock kernel computes a multi-index per output element
 * (~45 ms per call on a 64×26×26×32 activation, most of a BN net's step).
 * Tiling is copying: build one tile along each axis from the inner axes' tiles,
 * then repeat it with `copyWithin`, i.e. a few large memcpy's.
 */
import { Tile, util, type KernelConfig, type KernelFunc, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { runStockKernel } from './stock-kernels.js';
import { asWasmBackend } from './wasm-heap.js';

type Flat = Float32Array | Int32Array | Uint8Array;

/**
 * Writes `src` (shape `shape`) tiled `reps` times along each axis into `dst`.
 * Exported for direct testing.
 */
export function tileInto(src: Flat, shape: readonly number[], reps: readonly number[], dst: Flat): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  // inSize[a] / outSize[a]: elements of one index step along axis a-1 (sizes of the axes a.. of input / output).
  const inSize = new Array<number>(rank + 1).fill(1);
  const outSize = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) {
    inSize[a] = inSize[a + 1]! * shape[a]!;
    outSize[a] = outSize[a + 1]! * shape[a]! * reps[a]!;
  }
  const fill = (axis: number, from: number, to: number): void => {
    const d = shape[axis]!;
    if (axis === rank - 1) {
      dst.set(src.subarray(from, from + d), to);
    } else {
      const step = outSize[axis + 1]!;
      for (let i = 0; i < d; i++) fill(axis + 1, from + i * inSize[axis + 1]!, to + i * step);
    }
    // The first tile along this axis is complete; repeat it.
    const tile = d * outSize[axis + 1]!;
    for (let r = 1; r < reps[axis]!; r++) dst.copyWithin(to + r * tile, to, to + tile);
  };
  fill(0, 0, 0);
}

/** `tile(x, reps)` on WASM for numeric dtypes; others (string, complex) keep the stock kernel. */
export function tileWasm(backend: BackendWasm, x: TensorInfo, attrs: TileAttrs): TensorInfo {
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return runStockKernel(Tile, backend, { x }, { reps: attrs.reps });
  const outShape = x.shape.map((d, i) => d * attrs.reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  // Views only after the allocation: it may grow the heap and detach earlier views.
  const src = backend.typedArrayFromHeap(x) as Flat;
  const dst = backend.typedArrayFromHeap(out) as Flat;
  tileInto(src, x.shape, attrs.reps, dst);
  return out;
}

/** Kernel config overriding the stock WASM `Tile`. */
export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) => tileWasm(asWasmBackend(backend), inputs['x']!, attrs as unknown as TileAttrs)) as KernelFunc,
};
