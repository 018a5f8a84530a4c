/**
 * ONNX models behind the {@link ModelRunner} interface: open a session from a
 * `.onnx` file's bytes, read its input and output shapes, and run validated
 * batches through it.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as ort from 'onnxruntime-web';
import { PolyfaasError } from '../errors.js';
import { loadOnnxRuntime } from './onnx-runtime.js';
import type { ModelRunner } from './runner.js';

/** File name of an ONNX model inside a version folder. */
export const ONNX_FILE = 'model.onnx';

/** A dimension as ONNX declares it: a number, or a symbolic name such as `batch`. */
export type OnnxDim = number | string;

/** An opened ONNX model and what its graph declares. */
export interface OnnxModel {
  readonly session: ort.InferenceSession;
  readonly inputName: string;
  readonly outputName: string;
  /** The first input's declared shape, batch dimension included. */
  readonly inputDims: readonly OnnxDim[];
  /** The first output's declared shape, batch dimension included. */
  readonly outputDims: readonly OnnxDim[];
}

/**
 * Open `bytes` as an ONNX model with the single-threaded WASM runtime.
 *
 * @throws `InvalidArgument` when the bytes are not a model ONNX Runtime can load
 *   (truncated, not ONNX, unsupported operators), or the model has no float32 tensor input/output.
 * @throws `Unavailable` when `onnxruntime-web` is not installed.
 */
export async function openOnnxModel(bytes: Uint8Array): Promise<OnnxModel> {
  const runtime = await loadOnnxRuntime();
  let session: ort.InferenceSession;
  try {
    session = await runtime.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `Not an ONNX model ONNX Runtime can load: ${runtimeMessage(err)}`, { cause: err, details: { reason: 'onnx-load-failed' } });
  }
  const input = session.inputMetadata[0];
  const output = session.outputMetadata[0];
  if (!input?.isTensor || !output?.isTensor || input.type !== 'float32' || output.type !== 'float32') {
    void session.release();
    throw new PolyfaasError('InvalidArgument', 'Only ONNX models whose first input and output are float32 tensors can be served', {
      details: { reason: 'onnx-unsupported-io', input: input?.isTensor ? input.type : 'not a tensor', output: output?.isTensor ? output.type : 'not a tensor' },
    });
  }
  return { session, inputName: input.name, outputName: output.name, inputDims: input.shape, outputDims: output.shape };
}

/** Options for {@link onnxRunner}. */
export interface OnnxRunnerOptions {
  /** Transpose `[batch, H, W, C]` requests to the model's `[batch, C, H, W]`. */
  channelsFirst?: boolean;
}

/**
 * Serve an opened ONNX model. Calls are queued, one at a time per session (the
 * WASM runtime has one thread); a model exported with a fixed batch of 1 runs
 * batches example by example.
 */
export function onnxRunner(model: OnnxModel, options: OnnxRunnerOptions = {}): ModelRunner {
  const fixedBatchOfOne = model.inputDims[0] === 1;
  let queue: Promise<unknown> = Promise.resolve();
  const runtimePromise = loadOnnxRuntime();

  const runOnce = async (data: Float32Array, dims: number[]): Promise<Float32Array> => {
    const runtime = await runtimePromise;
    const feeds = { [model.inputName]: new runtime.Tensor('float32', data, dims) };
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await model.session.run(feeds, [model.outputName]);
    } catch (err) {
      throw new PolyfaasError('Internal', `The ONNX model failed to run: ${runtimeMessage(err)}`, { cause: err });
    }
    const output = result[model.outputName];
    if (!output || !(output.data instanceof Float32Array)) throw new PolyfaasError('Internal', 'The ONNX model produced no float32 output');
    return output.data;
  };

  const run = async (input: tf.Tensor) => {
    const x = options.channelsFirst ? tf.tidy(() => tf.transpose(input, [0, 3, 1, 2])) : input;
    let data: Float32Array;
    try {
      data = (await x.data()) as Float32Array;
    } finally {
      if (x !== input) x.dispose();
    }
    const [batch = 1, ...example] = x.shape;
    if (!fixedBatchOfOne || batch === 1) return { values: await runOnce(data, [batch, ...example]), examples: batch };
    const size = data.length / batch;
    const rows: Float32Array[] = [];
    for (let i = 0; i < batch; i++) rows.push(await runOnce(data.subarray(i * size, (i + 1) * size), [1, ...example]));
    const values = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
    rows.reduce((offset, r) => (values.set(r, offset), offset + r.length), 0);
    return { values, examples: batch };
  };

  return {
    run(input) {
      const next = queue.then(() => run(input));
      queue = next.catch(() => undefined);
      return next;
    },
    dispose() {
      void model.session.release().catch(() => undefined);
    },
  };
}

/** ONNX Runtime's message, shortened: it names the failure, not our files. */
function runtimeMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').slice(0, 300);
}
