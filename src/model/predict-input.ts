import * as tf from '@tensorflow/tfjs-core';
import { PolyfaasError } from '../errors.js';

/** What {@link Predictor.predict} accepts: flat values (row-major) or a float32 tensor. */
export type PredictInput = Float32Array | readonly number[] | tf.Tensor;

/**
 * Turn a request's input into a `[batch, ...inputShape]` float32 tensor, or
 * throw `InvalidArgument` naming what was expected and what arrived — the
 * message goes back to API callers, so it must say how to fix the request.
 *
 * Call inside `tf.tidy`: a tensor created here is released with the scope,
 * while a caller's tensor is used as is and stays theirs to dispose.
 *
 * @param batch number of examples in flat input; default 1. For a tensor, the
 *   batch comes from its shape and `batch`, if given, must agree.
 */
export function toBatchTensor(input: PredictInput, inputShape: readonly number[], batch?: number): tf.Tensor {
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1)) {
    throw invalid(`batch must be a positive integer, received ${String(batch)}`, { batch });
  }
  const size = inputShape.reduce((a, b) => a * b, 1);
  const shape = JSON.stringify(inputShape);
  if (input instanceof tf.Tensor) return fromTensor(input, inputShape, batch);

  if (!(input instanceof Float32Array) && !Array.isArray(input)) {
    throw invalid(`expected a Float32Array, a number[] or a float32 tf.Tensor, received ${describe(input)}`, {
      received: describe(input),
    });
  }
  const examples = batch ?? 1;
  if (input.length !== examples * size) {
    const expected = examples === 1 ? `input shape ${shape} (${size} values)` : `${examples} examples of shape ${shape} (${examples * size} values)`;
    throw invalid(`expected ${expected}, received ${input.length} values`, {
      expectedShape: inputShape,
      expectedValues: examples * size,
      receivedValues: input.length,
    });
  }
  if (Array.isArray(input)) {
    const bad = input.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw invalid(`expected numbers, received ${describe(input[bad])} at index ${bad}`, { index: bad });
  }
  return tf.tensor(input as Float32Array | number[], [examples, ...inputShape], 'float32');
}

function fromTensor(input: tf.Tensor, inputShape: readonly number[], batch: number | undefined): tf.Tensor {
  if (input.isDisposed) throw invalid('the input tensor was already disposed');
  if (input.dtype !== 'float32') {
    throw invalid(`expected dtype float32, received ${input.dtype}`, { expectedDtype: 'float32', receivedDtype: input.dtype });
  }
  const single = sameShape(input.shape, inputShape);
  const batched = input.rank === inputShape.length + 1 && sameShape(input.shape.slice(1), inputShape);
  if (!single && !batched) {
    throw invalid(`expected input shape ${JSON.stringify(inputShape)} or [batch,${inputShape.join(',')}], received tensor of shape ${JSON.stringify(input.shape)}`, {
      expectedShape: inputShape,
      receivedShape: input.shape,
    });
  }
  const examples = single ? 1 : (input.shape[0] as number);
  if (batch !== undefined && batch !== examples) {
    throw invalid(`batch is ${batch} but the tensor holds ${examples} examples`, { batch, receivedShape: input.shape });
  }
  return single ? tf.expandDims(input, 0) : input;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

function invalid(message: string, details?: Record<string, unknown>): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message, details ? { details } : {});
}
