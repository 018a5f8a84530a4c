import { PolyfaasError } from '../../src/index.js';

import type { Random } from '../shared/prng.js';
import { mixSeed, mulberry32 } from '../shared/prng.js';

// The PRNG moved to pipelines/shared (the text pipeline seeds with it too); re-exported for existing importers.
export { mixSeed, mulberry32 };
export type { Random };

/** Which augmentations to apply, and how strongly. Omitted or zero means off. */
export interface AugmentOptions {
  /** Largest shift in pixels along each axis (the "random crop" of a padded image). */
  readonly maxShift?: number;
  /** Probability of a horizontal flip. Only for classes that are mirror-symmetric (clothes yes, digits no). */
  readonly flipProbability?: number;
  /** Largest rotation either way, in degrees. */
  readonly maxRotationDegrees?: number;
  /** Value for pixels that come from outside the image. Default 0 (black background). */
  readonly fill?: number;
}

/** One image's shape, HWC. */
export interface ImageShape {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/**
 * Augment one HWC image with a random shift, flip and rotation drawn from
 * `random`. All three are folded into one inverse affine map sampled
 * bilinearly, so the image is resampled once (no compounding blur) in a
 * single pass. Pure JS, no allocation beyond the output.
 *
 * Uint8 input gives rounded Uint8 output; Float32 stays Float32.
 */
export function augmentImage<T extends Float32Array | Uint8Array>(image: T, shape: ImageShape, options: AugmentOptions, random: Random): T {
  const { width: w, height: h, channels: c } = shape;
  if (image.length !== w * h * c) {
    throw new PolyfaasError('InvalidArgument', `Image has ${image.length} values, shape ${w}x${h}x${c} needs ${w * h * c}`);
  }
  // Draw every random number up front and always in the same order, so enabling
  // one option never shifts the stream another option sees.
  const dx = Math.round((random() * 2 - 1) * (options.maxShift ?? 0));
  const dy = Math.round((random() * 2 - 1) * (options.maxShift ?? 0));
  const flip = random() < (options.flipProbability ?? 0);
  const angle = (((random() * 2 - 1) * (options.maxRotationDegrees ?? 0)) * Math.PI) / 180;
  const out = new (image.constructor as { new (n: number): T })(image.length);
  const fill = options.fill ?? 0;
  const round = image instanceof Uint8Array;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse map: undo the shift, then the rotation, then the flip.
      const ux = x - dx - cx;
      const uy = y - dy - cy;
      let sx = cos * ux + sin * uy + cx;
      const sy = -sin * ux + cos * uy + cy;
      if (flip) sx = w - 1 - sx;
      for (let k = 0; k < c; k++) {
        const v = bilinear(image, w, h, c, k, sx, sy, fill);
        out[(y * w + x) * c + k] = round ? Math.round(v) : v;
      }
    }
  }
  return out;
}

/**
 * Augment every image of a batch (N×H×W×C, contiguous) with its own stream
 * `mixSeed(seed, index)`, so the output depends only on `seed` and the data,
 * and any image can be reproduced alone.
 *
 * @example
 * ```ts
 * const x = augmentBatch(features, { width: 28, height: 28, channels: 1 }, { maxShift: 2, flipProbability: 0.5 }, mixSeed(baseSeed, epoch));
 * ```
 */
export function augmentBatch<T extends Float32Array | Uint8Array>(batch: T, shape: ImageShape, options: AugmentOptions, seed: number): T {
  const size = shape.width * shape.height * shape.channels;
  if (batch.length % size !== 0) throw new PolyfaasError('InvalidArgument', `Batch length ${batch.length} is not a multiple of ${size}`);
  const out = new (batch.constructor as { new (n: number): T })(batch.length);
  for (let i = 0; i < batch.length / size; i++) {
    const image = batch.subarray(i * size, (i + 1) * size) as T;
    out.set(augmentImage(image, shape, options, mulberry32(mixSeed(seed, i))), i * size);
  }
  return out;
}

function bilinear(img: Float32Array | Uint8Array, w: number, h: number, c: number, k: number, x: number, y: number, fill: number): number {
  // Snap near-integer coordinates so pure shifts and flips copy pixels exactly.
  const rx = Math.round(x);
  const ry = Math.round(y);
  if (Math.abs(x - rx) < 1e-6 && Math.abs(y - ry) < 1e-6) {
    return rx >= 0 && rx < w && ry >= 0 && ry < h ? img[(ry * w + rx) * c + k]! : fill;
  }
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => (xx >= 0 && xx < w && yy >= 0 && yy < h ? img[(yy * w + xx) * c + k]! : fill);
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}
