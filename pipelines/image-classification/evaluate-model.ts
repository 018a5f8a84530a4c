import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ClassificationMetrics } from '../shared/metrics.js';
import { argmaxRows, classificationMetrics } from '../shared/metrics.js';
import type { ShardDataset } from './shard-dataset.js';

/**
 * Predict every example of a dataset in batches and score the predictions.
 * Memory stays bounded by one batch of inputs and outputs.
 */
export async function evaluateModel(model: tfl.LayersModel, data: ShardDataset, batchSize = 500): Promise<ClassificationMetrics> {
  return classificationMetrics(data.labels, await predictClasses(model, data, batchSize), data.classes);
}

/** The predicted class of every example of a dataset, in batches of `batchSize`. */
export async function predictClasses(model: tfl.LayersModel, data: ShardDataset, batchSize = 500): Promise<Int32Array> {
  const pixels = data.inputShape[0] * data.inputShape[1] * data.inputShape[2];
  const xs = new Float32Array(batchSize * pixels);
  const ys = new Int32Array(batchSize);
  const predicted = new Int32Array(data.count);
  const indices = new Uint32Array(batchSize);
  for (let from = 0; from < data.count; from += batchSize) {
    const n = Math.min(batchSize, data.count - from);
    for (let k = 0; k < n; k++) indices[k] = from + k;
    data.gather(indices.subarray(0, n), xs, ys);
    const probs = tf.tidy(() => model.predict(tf.tensor4d(xs.subarray(0, n * pixels), [n, ...data.inputShape])) as tf.Tensor);
    const values = await probs.data();
    probs.dispose();
    predicted.set(argmaxRows(values, data.numClasses), from);
  }
  return predicted;
}
