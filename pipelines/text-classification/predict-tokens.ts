import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Run a model on `count × length` token ids in batches; returns `count × outputs` probabilities. */
export async function predictTokens(model: tfl.LayersModel, tokens: Int32Array, length: number, batchSize = 256): Promise<Float32Array> {
  const count = tokens.length / length;
  const parts: Float32Array[] = [];
  for (let from = 0; from < count; from += batchSize) {
    const n = Math.min(batchSize, count - from);
    const out = tf.tidy(() => model.predict(tf.tensor2d(tokens.subarray(from * length, (from + n) * length), [n, length], 'int32')) as tf.Tensor);
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const total = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    total.set(p, at);
    at += p.length;
  }
  return total;
}
