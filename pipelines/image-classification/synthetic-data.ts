import type { TrainingData } from '../shared/trainer.js';
import { mulberry32 } from './augment.js';

/**
 * A learnable toy dataset held in memory: each class lights up its own
 * region of the image, plus seeded noise. For tests and benchmarks.
 */
export function syntheticImageData(options: {
  count: number;
  inputShape: readonly [number, number, number];
  numClasses: number;
  seed?: number;
}): TrainingData & { images: Float32Array; labels: Int32Array } {
  const [h, w, c] = options.inputShape;
  const pixels = h * w * c;
  const random = mulberry32(options.seed ?? 7);
  const images = new Float32Array(options.count * pixels);
  const labels = new Int32Array(options.count);
  for (let i = 0; i < options.count; i++) {
    const label = i % options.numClasses;
    labels[i] = label;
    for (let p = 0; p < pixels; p++) {
      const row = Math.floor(p / (w * c));
      const lit = Math.floor((row * options.numClasses) / h) === label;
      images[i * pixels + p] = (lit ? 0.8 : 0.1) + 0.2 * random();
    }
  }
  return {
    count: options.count,
    inputShape: options.inputShape,
    numClasses: options.numClasses,
    images,
    labels,
    gather(indices, xs, ys) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k] as number;
        xs.set(images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
        ys[k] = labels[i] as number;
      }
    },
  };
}
