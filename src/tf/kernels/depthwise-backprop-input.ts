/**
 * DepthwiseConv2dNativeBackpropInput for the WASM backend (missing from the
 * stock backend).
 *
 * Same trick as the dense case: the input gradient is a forward depthwise
 * convolution of the (stride-dilated, padded) output gradient with the
 * 180-degree-rotated filter, which XNNPACK's depthwise kernel runs quickly.
 * With a channel multiplier M > 1 we treat all C*M gradient channels as
 * independent depthwise channels and then sum each group of M.
 */
import {
  backend_util,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { assertNoDilation } from './conv-attrs.js';
import { padAndDilate, rotateDepthwiseFilter } from './spatial-transforms.js';
import { runStockKernel } from './stock-kernels.js';
import { allocFloat32, asWasmBackend, disposeScratch, f32View } from './wasm-heap.js';

/** Sums consecutive groups of `mult` channels: `[N,H,W,C*mult] -> [N,H,W,C]`. */
function sumChannelGroups(backend: BackendWasm, src: TensorInfo, mult: number): TensorInfo {
  const [n, h, w, cm] = src.shape as [number, number, number, number];
  const c = cm / mult;
  const out = allocFloat32(backend, [n, h, w, c]);
  const s = f32View(backend, src);
  const d = f32View(backend, out);
  const pixels = n * h * w;
  for (let p = 0, si = 0, di = 0; p < pixels; p++) {
    for (let k = 0; k < c; k++, di++) {
      let sum = 0;
      for (let m = 0; m < mult; m++, si++) sum += s[si]!;
      d[di] = sum;
    }
  }
  return out;
}

/**
 * Computes `dx` for `y = depthwiseConv2d(x, W)` given `dy`, NHWC, dilation 1.
 * Exported for direct testing; register it through {@link depthwiseBackpropInputConfig}.
 */
export function depthwiseBackpropInputWasm(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropInputAttrs,
): TensorInfo {
  assertNoDilation(DepthwiseConv2dNativeBackpropInput, attrs.dilations);
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, inChannels } = info;
  const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
  const mult = info.outChannels / inChannels;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const paddedH = inHeight + kh - 1;
  const paddedW = inWidth + kw - 1;
  const bottom = paddedH - top - ((outHeight - 1) * sh + 1);
  const right = paddedW - left - ((outWidth - 1) * sw + 1);

  const rotated = rotateDepthwiseFilter(backend, filter);
  let padded: TensorInfo | undefined;
  let perChannel: TensorInfo | undefined;
  try {
    if (sh === 1 && sw === 1 && top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
      perChannel = runStockKernel(DepthwiseConv2dNative, backend, { x: dy, filter: rotated }, {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dilations: [1, 1],
      });
    } else {
      padded = padAndDilate(backend, dy, [sh, sw], top, left, paddedH, paddedW);
      perChannel = runStockKernel(DepthwiseConv2dNative, backend, { x: padded, filter: rotated }, {
        strides: [1, 1],
        pad: 'valid',
        dilations: [1, 1],
      });
    }
    if (mult === 1) {
      const result = perChannel;
      perChannel = undefined; // ownership moves to the caller
      return result;
    }
    return sumChannelGroups(backend, perChannel, mult);
  } finally {
    disposeScratch(backend, rotated, padded, perChannel);
  }
}

/** Kernel config adding `DepthwiseConv2dNativeBackpropInput` to the WASM backend. */
export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    depthwiseBackpropInputWasm(
      asWasmBackend(backend),
      inputs['dy']!,
      inputs['filter']!,
      attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs,
    )) as KernelFunc,
};
