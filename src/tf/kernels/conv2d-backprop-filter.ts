/**
 * Conv2DBackpropFilter for the WASM backend (the stock backend has none, so
 * `model.fit` on any conv net fails without it).
 *
 * The filter gradient is itself a convolution: with the batch axis moved into
 * the channel slot, `dW[a,b,i,o] = sum_{n,y,x} x[n, y*s+a-pad, x*s+b-pad, i] * dy[n,y,x,o]`
 * is a forward conv of `x` (as `[in, H, W, N]`) with `dy` (as `[outH, outW, N, out]`)
 * dilated by the forward stride. That runs in XNNPACK, so no scalar loop touches
 * the O(N*H*W*k*k*in*out) work; only two transposes and a tiny reorder remain.
 *
 * XNNPACK packs whichever big operand plays the "filter" role on every call
 * (it changes every step). When `kh*kw*in` is smaller than `out` (typically
 * the first layer, e.g. 3x3x1 -> 32) packing `dy` dominates, so we instead
 * build the much smaller im2col matrix in JS and multiply `dy^T * cols`.
 */
import {
  backend_util,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { assertChannelsLast } from './conv-attrs.js';
import { runStockKernel } from './stock-kernels.js';
import { allocFloat32, asWasmBackend, disposeScratch, f32View } from './wasm-heap.js';

/**
 * `dW^T = dy^T * im2col(x)` as one XNNPACK matmul; the packed operand is the
 * im2col matrix (`P x kh*kw*in`), which is small exactly when this path is chosen.
 */
function viaIm2col(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: ci, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  const p = batchSize * outHeight * outWidth;
  const k = kh * kw * ci;

  const cols = allocFloat32(backend, [1, p, k]);
  let dyT: TensorInfo | undefined;
  let prod: TensorInfo | undefined;
  try {
    const colv = f32View(backend, cols);
    const xs = f32View(backend, x);
    let o = 0;
    for (let n = 0; n < batchSize; n++) {
      for (let yo = 0; yo < outHeight; yo++) {
        for (let xo = 0; xo < outWidth; xo++) {
          for (let a = 0; a < kh; a++) {
            const r = yo * sh + a - top;
            const rowOk = r >= 0 && r < inHeight;
            for (let b = 0; b < kw; b++) {
              const q = xo * sw + b - left;
              if (rowOk && q >= 0 && q < inWidth) {
                const s = ((n * inHeight + r) * inWidth + q) * ci;
                for (let c = 0; c < ci; c++) colv[o++] = xs[s + c]!;
              } else {
                for (let c = 0; c < ci; c++) colv[o++] = 0;
              }
            }
          }
        }
      }
    }
    // View dy as a [P, out] matrix (same data, no copy) and transpose it.
    const dy2d: TensorInfo = { dataId: dy.dataId, shape: [p, co], dtype: dy.dtype };
    dyT = runStockKernel(Transpose, backend, { x: dy2d }, { perm: [1, 0] });
    const dyT3d: TensorInfo = { dataId: dyT.dataId, shape: [1, co, p], dtype: dyT.dtype };
    prod = runStockKernel(BatchMatMul, backend, { a: dyT3d, b: cols }, {
      transposeA: false,
      transposeB: false,
    });
    // prod is [out, k]; the filter layout wants [k, out].
    const out = allocFloat32(backend, [kh, kw, ci, co]);
    const src = f32View(backend, prod);
    const dst = f32View(backend, out);
    for (let j = 0; j < co; j++) {
      for (let i = 0; i < k; i++) dst[i * co + j] = src[j * k + i]!;
    }
    return out;
  } finally {
    disposeScratch(backend, cols, dyT, prod);
  }
}

/**
 * Computes `dW` for `y = conv2d(x, W)` given `x` and `dy`, NHWC, dilation 1.
 * Exported for direct testing; register it through {@link conv2DBackpropFilterConfig}.
 */
export function conv2DBackpropFilterWasm(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  assertChannelsLast(Conv2DBackpropFilter, attrs.dataFormat);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, inChannels, outChannels } = info;
  const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  // Pads that make the "filter" (dy, dilated by the stride) slide exactly kh x kw times.
  // A negative value means the forward conv never read the last rows: we pad 0
  // instead and crop the surplus output below.
  const bottom = (outHeight - 1) * sh + kh - inHeight - top;
  const right = (outWidth - 1) * sw + kw - inWidth - left;

  if (kh * kw * inChannels < outChannels) return viaIm2col(backend, x, dy, info);

  const xT = runStockKernel(Transpose, backend, { x }, { perm: [3, 1, 2, 0] });
  let dyT: TensorInfo | undefined;
  let corr: TensorInfo | undefined;
  try {
    dyT = runStockKernel(Transpose, backend, { x: dy }, { perm: [1, 2, 0, 3] });
    corr = runStockKernel(Conv2D, backend, { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
      dilations: [sh, sw],
      dataFormat: 'NHWC',
    });
    // corr is [in, kh', kw', out] with kh' >= kh; reorder (and crop) to [kh, kw, in, out].
    const [, ch, cw] = corr.shape as [number, number, number, number];
    const out = allocFloat32(backend, [kh, kw, inChannels, outChannels]);
    const src = f32View(backend, corr);
    const dst = f32View(backend, out);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        for (let i = 0; i < inChannels; i++) {
          const s = ((i * ch + a) * cw + b) * outChannels;
          dst.set(src.subarray(s, s + outChannels), ((a * kw + b) * inChannels + i) * outChannels);
        }
      }
    }
    return out;
  } finally {
    disposeScratch(backend, xT, dyT, corr);
  }
}

/** Kernel config adding `Conv2DBackpropFilter` to the WASM backend. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    conv2DBackpropFilterWasm(
      asWasmBackend(backend),
      inputs['x']!,
      inputs['dy']!,
      attrs as unknown as Conv2DBackpropFilterAttrs,
    )) as KernelFunc,
};
