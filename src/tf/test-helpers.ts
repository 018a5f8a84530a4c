/**
 * Shared helpers for the `src/tf` tests: deterministic data, running a kernel
 * on a given backend, and the numeric tolerance used against the CPU backend.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random floats in [-1, 1) (mulberry32), so failures reproduce. */
export function randomData(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Inputs for {@link runKernelOn}: name -> [shape, values]. */
export type KernelInputs = Record<string, [number[], Float32Array]>;

/**
 * Runs one kernel on `backend` with freshly created inputs (tensors must live
 * on the backend that executes the kernel) and returns the output values.
 */
export async function runKernelOn(
  backend: 'cpu' | 'wasm',
  kernelName: string,
  inputs: KernelInputs,
  attrs: Record<string, unknown>,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, [shape, values]] of Object.entries(inputs)) tensors[name] = tf.tensor(values, shape);
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

/** Tolerance: |wasm - cpu| <= TOLERANCE * max(1, |cpu|), element-wise. */
export const TOLERANCE = 1e-4;

/** Largest tolerance-normalised error; <= 1 means "within tolerance". */
export function worstRelativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const ref = expected[i]!;
    const err = Math.abs(actual[i]! - ref) / (TOLERANCE * Math.max(1, Math.abs(ref)));
    if (!(err <= worst)) worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
  }
  return worst;
}

/** Runs the kernel on wasm and cpu and returns both results for comparison. */
export async function compareWithCpu(
  kernelName: string,
  inputs: KernelInputs,
  attrs: Record<string, unknown>,
): Promise<{ wasm: { shape: number[]; values: Float32Array }; cpu: { shape: number[]; values: Float32Array } }> {
  const cpu = await runKernelOn('cpu', kernelName, inputs, attrs);
  const wasm = await runKernelOn('wasm', kernelName, inputs, attrs);
  return { wasm, cpu };
}
