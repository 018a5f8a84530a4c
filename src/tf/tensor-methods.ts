/**
 * The chained Tensor methods (`t.flatten()`, `t.sign()`, ...) that
 * tfjs-layers' Orthogonal initializer calls.
 *
 * Only the `@tensorflow/tfjs` umbrella installs chained methods; tfjs-core's
 * Node entry, which polyfaas loads, does not. Without them every GRU or LSTM
 * with the default `recurrentInitializer: 'orthogonal'` fails to build
 * (`rMat.flatten is not a function`) on every backend, and so does loading
 * a saved model whose config names that initializer.
 */
import * as tf from '@tensorflow/tfjs-core';

type Method = (this: tf.Tensor, ...args: never[]) => tf.Tensor;

const METHODS: Record<string, Method> = {
  flatten(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  reshape(this: tf.Tensor, shape: number[]) {
    return tf.reshape(this, shape);
  },
  sign(this: tf.Tensor) {
    return tf.sign(this);
  },
  stridedSlice(this: tf.Tensor, begin: number[], end: number[], strides?: number[]) {
    return tf.stridedSlice(this, begin, end, strides);
  },
  transpose(this: tf.Tensor, perm?: number[]) {
    return tf.transpose(this, perm);
  },
};

/**
 * Adds the chained methods tfjs-layers needs to `tf.Tensor.prototype`, each
 * only if missing (so the umbrella package's own versions win). Idempotent.
 *
 * @returns the names of the methods it added.
 */
export function installLayersTensorMethods(): string[] {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const added: string[] = [];
  for (const [name, method] of Object.entries(METHODS)) {
    if (typeof proto[name] === 'function') continue;
    Object.defineProperty(proto, name, { value: method, writable: true, configurable: true });
    added.push(name);
  }
  return added;
}
