/**
 * DepthwiseConv2dNativeBackpropFilter for the WASM backend (missing from the
 * stock backend).
 *
 * Each output element only mixes one input channel with its own output
 * channels, so unlike dense conv there is no GEMM to hand to XNNPACK; the work
 * equals one forward depthwise pass and a tight JS loop over contiguous
 * channel runs is adequate. Accumulation is done in float64 because the sums
 * run over batch * outH * outW terms and we want to stay close to the CPU
 * backend (which also accumulates in JS doubles).
 */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { assertNoDilation } from './conv-attrs.js';
import { allocFloat32, asWasmBackend, f32View } from './wasm-heap.js';

/**
 * Computes `dW` (`[kh, kw, C, M]`) for `y = depthwiseConv2d(x, W)`, NHWC, dilation 1.
 * Exported for direct testing; register it through {@link depthwiseBackpropFilterConfig}.
 */
export function depthwiseBackpropFilterWasm(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs,
): TensorInfo {
  assertNoDilation(DepthwiseConv2dNativeBackpropFilter, attrs.dilations);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const mult = info.outChannels / inChannels;
  const cm = info.outChannels;

  const acc = new Float64Array(kh * kw * cm);
  const xs = f32View(backend, x);
  const dys = f32View(backend, dy);
  for (let n = 0; n < batchSize; n++) {
    for (let yo = 0; yo < outHeight; yo++) {
      for (let a = 0; a < kh; a++) {
        const row = yo * sh + a - top;
        if (row < 0 || row >= inHeight) continue;
        for (let xo = 0; xo < outWidth; xo++) {
          const dyBase = ((n * outHeight + yo) * outWidth + xo) * cm;
          for (let b = 0; b < kw; b++) {
            const col = xo * sw + b - left;
            if (col < 0 || col >= inWidth) continue;
            const xBase = ((n * inHeight + row) * inWidth + col) * inChannels;
            const wBase = (a * kw + b) * cm;
            if (mult === 1) {
              for (let c = 0; c < inChannels; c++) acc[wBase + c]! += xs[xBase + c]! * dys[dyBase + c]!;
            } else {
              for (let c = 0; c < inChannels; c++) {
                const xv = xs[xBase + c]!;
                const q0 = c * mult;
                for (let m = 0; m < mult; m++) acc[wBase + q0 + m]! += xv * dys[dyBase + q0 + m]!;
              }
            }
          }
        }
      }
    }
  }
  const out = allocFloat32(backend, attrs.filterShape.slice());
  f32View(backend, out).set(acc);
  return out;
}

/** Kernel config adding `DepthwiseConv2dNativeBackpropFilter` to the WASM backend. */
export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    depthwiseBackpropFilterWasm(
      asWasmBackend(backend),
      inputs['x']!,
      inputs['dy']!,
      attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs,
    )) as KernelFunc,
};
