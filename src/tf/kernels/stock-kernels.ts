/**
 * Keeps the WASM backend's original kernel configs so our kernels can call the
 * fast XNNPACK-backed ones (Conv2D, Transpose, ...) directly, even after we
 * have overridden some names in the global kernel registry.
 */
import {
  getKernel,
  type Attribute,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { backendError } from '../backend-error.js';

const stock = new Map<string, KernelConfig>();

/**
 * Records the currently registered WASM config for `kernelName` unless one was
 * already recorded (so re-registration never captures our own override).
 *
 * @returns the stock config, or `undefined` if the backend lacks the kernel.
 */
export function captureStockKernel(kernelName: string): KernelConfig | undefined {
  const known = stock.get(kernelName);
  if (known !== undefined) return known;
  const config = getKernel(kernelName, 'wasm');
  if (config !== undefined) stock.set(kernelName, config);
  return config;
}

function runCaptured(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, Attribute | undefined>,
): TensorInfo | TensorInfo[] {
  const config = stock.get(kernelName) ?? captureStockKernel(kernelName);
  if (config === undefined) {
    throw backendError(
      'Internal',
      `WASM kernel ${kernelName} is not registered; import @tensorflow/tfjs-backend-wasm first`,
    );
  }
  return config.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap });
}

/**
 * Runs a stock WASM kernel synchronously, bypassing the engine (no tape, no
 * tensor tracking), and returns its single output.
 *
 * @throws PolyfaasError `Internal` if the kernel was never captured.
 */
export function runStockKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, Attribute | undefined> = {},
): TensorInfo {
  const out = runCaptured(kernelName, backend, inputs, attrs);
  if (Array.isArray(out)) {
    throw backendError('Internal', `WASM kernel ${kernelName} returned several outputs`);
  }
  return out;
}

/**
 * Like {@link runStockKernel}, for kernels with several outputs (Unpack, SplitV).
 *
 * @throws PolyfaasError `Internal` if the kernel was never captured.
 */
export function runStockKernelOutputs(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, Attribute | undefined> = {},
): TensorInfo[] {
  const out = runCaptured(kernelName, backend, inputs, attrs);
  return Array.isArray(out) ? out : [out];
}
