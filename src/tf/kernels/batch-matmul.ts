/**
 * BatchMatMul override for the WASM backend.
 *
 * The stock kernel only uses XNNPACK when neither operand is transposed and
 * the batch is 1; any transpose falls into a scalar blocked loop that is ~12x
 * slower. Dense-layer backprop always multiplies by transposed operands
 * (`dy * W^T`, `x^T * dy`), so we transpose explicitly (cheap, O(n^2)) and
 * then take the XNNPACK path (O(n^3)).
 */
import {
  BatchMatMul,
  Transpose,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { runStockKernel } from './stock-kernels.js';
import { asWasmBackend, disposeScratch } from './wasm-heap.js';

function swapLastTwo(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runStockKernel(Transpose, backend, { x: t }, { perm });
}

/**
 * Matrix product with optional transposes, routed to XNNPACK whenever both
 * operands have a batch size of 1; batched products keep the stock kernel.
 * Exported for direct testing; register it through {@link batchMatMulConfig}.
 */
export function batchMatMulWasm(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  attrs: BatchMatMulAttrs,
): TensorInfo {
  const { transposeA, transposeB } = attrs;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== 'float32') {
    return runStockKernel(BatchMatMul, backend, { a, b }, attrs as unknown as Record<string, boolean>);
  }
  const aT = transposeA ? swapLastTwo(backend, a) : undefined;
  const bT = transposeB ? swapLastTwo(backend, b) : undefined;
  try {
    return runStockKernel(BatchMatMul, backend, { a: aT ?? a, b: bT ?? b }, {
      transposeA: false,
      transposeB: false,
    });
  } finally {
    disposeScratch(backend, aT, bT);
  }
}

/** Kernel config overriding the stock WASM `BatchMatMul`. */
export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    batchMatMulWasm(
      asWasmBackend(backend),
      inputs['a']!,
      inputs['b']!,
      attrs as unknown as BatchMatMulAttrs,
    )) as KernelFunc,
};
