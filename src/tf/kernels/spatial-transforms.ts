/**
 * Data rearrangements that turn convolution gradients into forward
 * convolutions, so the heavy lifting can run in XNNPACK instead of the WASM
 * backend's scalar C++ loops.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

import { allocFloat32, f32View } from './wasm-heap.js';

/**
 * Copies an NHWC tensor into a zeroed `[N, outH, outW, C]` tensor, placing
 * source pixel `(i, j)` at `(top + i * strideH, left + j * strideW)`.
 *
 * This is the "transposed convolution" input: dilating by the forward stride
 * and padding by `filter - 1 - pad` turns the input gradient into a plain
 * stride-1 convolution. Pixels landing outside the target (negative or
 * over-long padding) are dropped, which is exactly what the gradient needs.
 */
export function padAndDilate(
  backend: BackendWasm,
  src: TensorInfo,
  strides: readonly [number, number],
  top: number,
  left: number,
  outH: number,
  outW: number,
): TensorInfo {
  const [n, h, w, c] = src.shape as [number, number, number, number];
  const [sh, sw] = strides;
  const out = allocFloat32(backend, [n, outH, outW, c]);
  const dst = f32View(backend, out);
  const from = f32View(backend, src);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      const r = top + i * sh;
      if (r < 0 || r >= outH) continue;
      const srcRow = (b * h + i) * w * c;
      const dstRow = (b * outH + r) * outW * c;
      if (sw === 1 && left >= 0 && left + w <= outW) {
        // Common stride-1 case: the whole row is one contiguous block.
        dst.set(from.subarray(srcRow, srcRow + w * c), dstRow + left * c);
        continue;
      }
      for (let j = 0; j < w; j++) {
        const col = left + j * sw;
        if (col < 0 || col >= outW) continue;
        const s = srcRow + j * c;
        dst.set(from.subarray(s, s + c), dstRow + col * c);
      }
    }
  }
  return out;
}

/**
 * Rotates a conv filter by 180 degrees and swaps its channel axes:
 * `[kh, kw, in, out] -> [kh, kw, out, in]`, `out[a][b][o][i] = f[kh-1-a][kw-1-b][i][o]`.
 * Convolving the output gradient with this filter yields the input gradient.
 */
export function rotateFilterSwapChannels(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const out = allocFloat32(backend, [kh, kw, co, ci]);
  const dst = f32View(backend, out);
  const src = f32View(backend, filter);
  const tap = ci * co;
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const s0 = ((kh - 1 - a) * kw + (kw - 1 - b)) * tap;
      const d0 = (a * kw + b) * tap;
      for (let i = 0; i < ci; i++) {
        const s = s0 + i * co;
        for (let o = 0; o < co; o++) dst[d0 + o * ci + i] = src[s + o]!;
      }
    }
  }
  return out;
}

/**
 * Rotates a depthwise filter `[kh, kw, C, M]` by 180 degrees and reshapes it
 * to `[kh, kw, C*M, 1]`, so each (channel, multiplier) pair becomes its own
 * depthwise channel whose results are later summed per input channel.
 */
export function rotateDepthwiseFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const tap = c * m;
  const out = allocFloat32(backend, [kh, kw, tap, 1]);
  const dst = f32View(backend, out);
  const src = f32View(backend, filter);
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const s = ((kh - 1 - a) * kw + (kw - 1 - b)) * tap;
      dst.set(src.subarray(s, s + tap), (a * kw + b) * tap);
    }
  }
  return out;
}
