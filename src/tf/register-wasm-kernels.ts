/**
 * Installs the gradient kernels the stock tfjs WASM backend lacks, plus
 * faster replacements for stock kernels that dominate CNN and RNN training time.
 */
import {
  BatchMatMul,
  Conv2D,
  DepthwiseConv2dNative,
  Equal,
  GatherV2,
  getKernel,
  Mean,
  registerKernel,
  SplitV,
  Sum,
  Tile,
  Transpose,
  unregisterKernel,
  Unpack,
  type KernelConfig,
} from '@tensorflow/tfjs-core';

import { backendError } from './backend-error.js';
import { batchMatMulConfig } from './kernels/batch-matmul.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './kernels/depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './kernels/depthwise-backprop-input.js';
import { equalConfig } from './kernels/equal-broadcast.js';
import { gatherV2Config } from './kernels/gather-rows.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { splitVConfig, unpackConfig } from './kernels/split-along-axis.js';
import { meanConfig, sumConfig } from './kernels/sum-leading-axes.js';
import { tileConfig } from './kernels/tile-blocks.js';
import { captureStockKernel } from './kernels/stock-kernels.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';

/** Kernels the stock backend does not have at all. */
const ADDED: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  // Gradient of gather, so Embedding layers train (tfjs #8082).
  unsortedSegmentSumConfig,
];

/** Stock kernels we replace because they are scalar loops on hot training paths. */
const OVERRIDDEN: readonly KernelConfig[] = [
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  maxPoolGradConfig,
  sumConfig,
  // Batch normalisation: per-channel moments, and the broadcast tile in its gradient.
  meanConfig,
  tileConfig,
  // Per-time-step cuts of recurrent layers; the stock ones copy the whole input per piece.
  unpackConfig,
  splitVConfig,
  // Broadcast compare in the gradient of max reductions (global max pooling).
  equalConfig,
  // Embedding lookups and fit()'s batch selection.
  gatherV2Config,
];

/** Stock kernels our implementations call into; captured before any override. */
const DELEGATES = [Conv2D, DepthwiseConv2dNative, Transpose, BatchMatMul, Sum, Mean, Tile, Unpack, SplitV, Equal, GatherV2];

/** What {@link registerWasmGradientKernels} did. */
export interface WasmKernelRegistration {
  /** Kernel names newly provided for the WASM backend. */
  added: string[];
  /** Stock WASM kernel names replaced by faster implementations. */
  overridden: string[];
}

/**
 * Registers polyfaas' WASM gradient kernels in the global tfjs kernel registry.
 *
 * Idempotent: a kernel already pointing at our implementation is left alone.
 * Safe before or after `tf.setBackend('wasm')`: overrides inherit the stock
 * kernel's `setupFunc`, so the delegated stock kernel still gets initialised
 * when the backend starts later.
 *
 * @throws PolyfaasError `Internal` if `@tensorflow/tfjs-backend-wasm`
 *   has not been imported yet (its stock kernels are needed as delegates, and a
 *   later import would overwrite our overrides).
 */
export function registerWasmGradientKernels(): WasmKernelRegistration {
  if (getKernel(Conv2D, 'wasm') === undefined) {
    throw backendError(
      'Internal',
      'registerWasmGradientKernels() needs @tensorflow/tfjs-backend-wasm to be imported first',
    );
  }
  for (const name of DELEGATES) captureStockKernel(name);

  const result: WasmKernelRegistration = { added: [], overridden: [] };
  for (const config of [...ADDED, ...OVERRIDDEN]) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing !== undefined) unregisterKernel(config.kernelName, 'wasm');
    const setupFunc = existing?.setupFunc ?? config.setupFunc;
    registerKernel(setupFunc === undefined ? config : { ...config, setupFunc });
    (existing === undefined ? result.added : result.overridden).push(config.kernelName);
  }
  return result;
}

/**
 * Runs `fn` with the stock WASM kernels put back in place of polyfaas'
 * overrides named in `names`, then restores the overrides (also when `fn`
 * throws). For benchmarks that measure what an override buys.
 *
 * @throws PolyfaasError `InvalidArgument` if a name is not one of the
 *   overridden kernels, or {@link registerWasmGradientKernels} has not run.
 */
export async function withStockKernels<T>(names: readonly string[], fn: () => Promise<T>): Promise<T> {
  const swaps = names.map((name) => {
    const ours = OVERRIDDEN.find((config) => config.kernelName === name);
    const current = getKernel(name, 'wasm');
    const stock = captureStockKernel(name);
    if (ours === undefined || current?.kernelFunc !== ours.kernelFunc || stock === undefined) {
      throw backendError('InvalidArgument', `${name} is not a registered polyfaas override of a stock WASM kernel`);
    }
    return { name, current, stock };
  });
  for (const { name, stock } of swaps) {
    unregisterKernel(name, 'wasm');
    registerKernel(stock);
  }
  try {
    return await fn();
  } finally {
    for (const { name, current } of swaps) {
      unregisterKernel(name, 'wasm');
      registerKernel(current);
    }
  }
}
