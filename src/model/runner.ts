import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PolyfaasError } from '../errors.js';
import { forwardFor } from './forward.js';

/** What one model call returns: the first output, row by row. */
export interface RunnerOutput {
  /** All examples' outputs, one after another. */
  readonly values: Float32Array;
  /** Number of examples (rows) in `values`. */
  readonly examples: number;
}

/**
 * One loaded model, whatever produced it (tfjs Layers or graph, ONNX): the
 * seam that lets {@link Predictor} validate, batch and hot-swap every format
 * the same way.
 */
export interface ModelRunner {
  /**
   * Run the model on a validated `[batch, ...inputShape]` float32 batch. Does
   * not dispose `input`. Multi-output models serve their first output.
   */
  run(input: tf.Tensor): Promise<RunnerOutput>;
  /** Free the model's memory; called once no prediction uses it. */
  dispose(): void;
}

/** Runs a tfjs Layers model through its fastest correct forward pass. */
export function layersRunner(model: tfl.LayersModel): ModelRunner {
  const forward = forwardFor(model);
  return tensorRunner((x) => forward(x), () => model.dispose());
}

/** A runner over any tfjs forward function: the output is read back and freed. */
export function tensorRunner(forward: (x: tf.Tensor) => tf.Tensor | tf.Tensor[], dispose: () => void): ModelRunner {
  return {
    async run(input) {
      const output = tf.tidy(() => firstOutput(forward(input)));
      try {
        // Reading the result also forces asynchronous backends (wasm, webgl) to actually run the kernels.
        return { values: (await output.data()) as Float32Array, examples: output.shape[0] ?? 1 };
      } finally {
        output.dispose();
      }
    },
    dispose,
  };
}

/** Single-output models are the norm; for multi-output models the first output is served. */
function firstOutput(output: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const first = Array.isArray(output) ? output[0] : output;
  if (!first) throw new PolyfaasError('Internal', 'The model produced no output');
  return first;
}
