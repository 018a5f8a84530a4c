/**
 * Low-level helpers for kernels that run on the tfjs WASM backend: allocating
 * scratch tensors on the WASM heap, viewing them as Float32Arrays and freeing
 * them again.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

import { backendError } from '../backend-error.js';

/**
 * Narrows the `backend` a kernelFunc receives to the WASM backend.
 *
 * @throws PolyfaasError `Internal` if the kernel was somehow invoked on
 *   another backend (would otherwise corrupt memory through bogus heap offsets).
 */
export function asWasmBackend(backend: unknown): BackendWasm {
  const candidate = backend as Partial<BackendWasm> | null;
  if (candidate === null || typeof candidate !== 'object' || candidate.wasm === undefined) {
    throw backendError('Internal', 'polyfaas WASM kernel invoked on a non-WASM backend');
  }
  return candidate as BackendWasm;
}

/** Allocates an uninitialised float32 tensor on the WASM heap. */
export function allocFloat32(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/**
 * Returns a zero-copy Float32Array over a tensor's WASM memory.
 *
 * The view is invalidated by any later allocation (the heap may grow and
 * detach the buffer), so callers take views only after all allocations for a
 * step are done.
 */
export function f32View(backend: BackendWasm, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') {
    throw backendError('InvalidArgument', `expected a float32 tensor, got ${info.dtype}`);
  }
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Releases scratch tensors created inside a kernel (each holds one reference). */
export function disposeScratch(backend: BackendWasm, ...infos: Array<TensorInfo | undefined>): void {
  for (const info of infos) {
    if (info !== undefined) backend.disposeData(info.dataId);
  }
}

/** Normalises a `number | [number, number]` attribute (strides, dilations). */
export function pair(value: number | readonly number[] | undefined, fallback = 1): [number, number] {
  if (value === undefined) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const [h, w] = value;
  return [h ?? fallback, w ?? h ?? fallback];
}
