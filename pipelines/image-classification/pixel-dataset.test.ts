import { describe, expect, it } from 'vitest';
import { augmentImage, mixSeed, mulberry32 } from './augment.js';
import { pixelDataset } from './pixel-dataset.js';

const shape = { width: 6, height: 5, channels: 1 };
const size = 30;
const pixels = Uint8Array.from({ length: 4 * size }, (_, i) => (i * 37) % 256);
const labels = Int32Array.from([0, 1, 2, 1]);
const base = { pixels, labels, inputShape: [5, 6, 1] as const, classes: ['a', 'b', 'c'], scale: 1 / 255 };

function gather(data: ReturnType<typeof pixelDataset>, indices: number[], epoch?: number): { xs: Float32Array; ys: Int32Array } {
  const xs = new Float32Array(indices.length * size);
  const ys = new Int32Array(indices.length);
  data.gather(indices, xs, ys, epoch);
  return { xs, ys };
}

describe('pixelDataset', () => {
  it('normalises bytes and copies labels', () => {
    const { xs, ys } = gather(pixelDataset({ ...base, mean: [0.5], std: [0.25] }), [2, 0]);
    expect(Array.from(ys)).toEqual([2, 0]);
    expect(xs[0]).toBeCloseTo((pixels[2 * size]! / 255 - 0.5) / 0.25, 5);
    expect(xs[size + 3]).toBeCloseTo((pixels[3]! / 255 - 0.5) / 0.25, 5);
  });

  it('augments each example with its own stream seeded by (seed, epoch, index), before normalising', () => {
    const augment = { maxShift: 2, flipProbability: 0.5 };
    const data = pixelDataset({ ...base, augment, augmentSeed: 9 });
    const { xs } = gather(data, [3, 1], 4);
    const expected = augmentImage(pixels.subarray(3 * size, 4 * size), shape, augment, mulberry32(mixSeed(9, 4, 3)));
    expect(Array.from(xs.subarray(0, size), (v) => Math.round(v * 255))).toEqual(Array.from(expected));
    // Same example, same epoch, another batch: the same image; another epoch: (almost surely) another one.
    expect(gather(data, [1], 4).xs).toEqual(xs.subarray(size));
    const epochs = [0, 1, 2, 3, 5].map((e) => Array.from(gather(data, [1], e).xs).join());
    expect(new Set(epochs).size).toBeGreaterThan(1);
  });
});
