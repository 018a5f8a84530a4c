/**
 * Conv2DBackpropInput for the WASM backend, expressed as a forward Conv2D.
 *
 * The stock WASM kernel is a scalar C++ loop (~3 GFLOP/s here); rewriting the
 * input gradient as "convolve the (stride-dilated, padded) output gradient
 * with the 180-degree-rotated, channel-swapped filter" lets XNNPACK do the work
 * (~25-35 GFLOP/s), which matters because every conv layer but the first needs
 * this gradient on every training step.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { assertChannelsLast } from './conv-attrs.js';
import { padAndDilate, rotateFilterSwapChannels } from './spatial-transforms.js';
import { runStockKernel } from './stock-kernels.js';
import { asWasmBackend, disposeScratch } from './wasm-heap.js';

/**
 * Computes `dx` for `y = conv2d(x, filter)` given `dy`, NHWC, dilation 1.
 * Exported for direct testing; register it through {@link conv2DBackpropInputConfig}.
 */
export function conv2DBackpropInputWasm(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): TensorInfo {
  assertChannelsLast(Conv2DBackpropInput, attrs.dataFormat);
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth } = info;
  const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
  // Padding of the equivalent forward conv ("full" correlation minus forward pad).
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const paddedH = inHeight + kh - 1;
  const paddedW = inWidth + kw - 1;
  const bottom = paddedH - top - ((outHeight - 1) * sh + 1);
  const right = paddedW - left - ((outWidth - 1) * sw + 1);

  const rotated = rotateFilterSwapChannels(backend, filter);
  let padded: TensorInfo | undefined;
  try {
    if (sh === 1 && sw === 1 && top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
      // No copy needed: XNNPACK pads implicitly.
      return runStockKernel(Conv2D, backend, { x: dy, filter: rotated }, {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dilations: [1, 1],
        dataFormat: 'NHWC',
      });
    }
    // Strided (or oddly padded) case: materialise the zero-dilated gradient.
    padded = padAndDilate(backend, dy, [sh, sw], top, left, paddedH, paddedW);
    return runStockKernel(Conv2D, backend, { x: padded, filter: rotated }, {
      strides: [1, 1],
      pad: 'valid',
      dilations: [1, 1],
      dataFormat: 'NHWC',
    });
  } finally {
    disposeScratch(backend, rotated, padded);
  }
}

/** Kernel config overriding the stock WASM `Conv2DBackpropInput`. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: (({ inputs, backend, attrs }) =>
    conv2DBackpropInputWasm(
      asWasmBackend(backend),
      inputs['dy']!,
      inputs['filter']!,
      attrs as unknown as Conv2DBackpropInputAttrs,
    )) as KernelFunc,
};
