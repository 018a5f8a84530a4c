import type { TrainingData } from '../shared/trainer.js';
import type { AugmentOptions } from './augment.js';
import { augmentImage, mixSeed, mulberry32 } from './augment.js';

/** A split held in memory as 8-bit pixels, converted to floats one batch at a time. */
export interface ShardDataset extends TrainingData {
  /** `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  /** Class id per example. */
  readonly labels: Int32Array;
  /** `count × h × w × c` 8-bit pixels, NHWC. */
  readonly pixels: Uint8Array;
  readonly classes: readonly string[];
}

/** What {@link pixelDataset} wraps. */
export interface PixelDatasetSource {
  /** `count × h × w × c` 8-bit pixels, NHWC. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly inputShape: readonly [number, number, number];
  readonly classes: readonly string[];
  /** Multiplies each byte (e.g. 1/255). */
  readonly scale: number;
  /** Per-channel mean and std subtracted and divided after scaling. */
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  /**
   * Training-time augmentation: every gathered image is shifted/flipped/rotated
   * afresh, seeded by (`augmentSeed`, epoch, example index), so each epoch sees
   * new variants and a resumed run sees the same ones. Off when omitted.
   */
  readonly augment?: AugmentOptions;
  readonly augmentSeed?: number;
}

/**
 * Byte images as {@link TrainingData}. Pixels stay 8-bit — 60k Fashion-MNIST
 * images take 47 MB rather than 188 MB — and become normalised floats only in
 * `gather`, through a lookup table per channel (no divide per pixel).
 */
export function pixelDataset(source: PixelDatasetSource): ShardDataset {
  const { pixels, labels, inputShape, augment } = source;
  const [height, width, channels] = inputShape;
  const size = height * width * channels;
  const lut = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v * source.scale - (source.mean?.[c] ?? 0)) / (source.std?.[c] ?? 1);
  }
  const shape = { width, height, channels };
  const augmentSeed = source.augmentSeed ?? 0;
  return {
    count: labels.length,
    inputShape,
    numClasses: source.classes.length,
    classes: source.classes,
    labels,
    pixels,
    gather(indices, xs, ys, epoch = 0) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k] as number;
        let image = pixels.subarray(i * size, (i + 1) * size);
        // Augment the bytes, so pixels from outside the image are black (0) before normalisation too.
        if (augment) image = augmentImage(image, shape, augment, mulberry32(mixSeed(augmentSeed, epoch, i)));
        const dst = k * size;
        for (let p = 0; p < size; p++) xs[dst + p] = lut[(p % channels) * 256 + (image[p] as number)] as number;
        ys[k] = labels[i] as number;
      }
    },
  };
}
