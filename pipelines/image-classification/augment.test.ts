import { describe, expect, it } from 'vitest';
import { augmentBatch, augmentImage, mixSeed, mulberry32 } from './augment.js';

const shape = { width: 5, height: 4, channels: 1 };
const image = Float32Array.from({ length: 20 }, (_, i) => i + 1);
/** A Random that replays fixed draws: [dx, dy, flip, rotation] in [0, 1). */
const draws = (...values: number[]) => () => values.shift() ?? 0.5;

describe('mulberry32', () => {
  it('is deterministic per seed and spreads over [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });
  it('mixSeed separates nearby inputs', () => {
    expect(new Set([mixSeed(1, 0), mixSeed(1, 1), mixSeed(2, 0), mixSeed(0, 1)]).size).toBe(4);
  });
});

describe('augmentImage', () => {
  it('is the identity when every option is off', () => {
    expect([...augmentImage(image, shape, {}, mulberry32(1))]).toEqual([...image]);
  });

  it('shifts by whole pixels, filling from outside', () => {
    // dx = round((1*2-1)*1) = +1, dy = 0
    const out = augmentImage(image, shape, { maxShift: 1, fill: -1 }, draws(0.9999, 0.5, 0.9, 0.5));
    expect([...out.subarray(0, 5)]).toEqual([-1, 1, 2, 3, 4]);
  });

  it('flips horizontally exactly', () => {
    const out = augmentImage(image, shape, { flipProbability: 1 }, mulberry32(3));
    expect([...out.subarray(0, 5)]).toEqual([5, 4, 3, 2, 1]);
  });

  it('rotates 90° (as a limit case) about the centre', () => {
    const square = Float32Array.from({ length: 9 }, (_, i) => i);
    const out = augmentImage(square, { width: 3, height: 3, channels: 1 }, { maxRotationDegrees: 90 }, draws(0.5, 0.5, 0.9, 1));
    expect([...out].map((v) => Math.round(v))).toEqual([6, 3, 0, 7, 4, 1, 8, 5, 2]);
  });

  it('keeps Uint8 images in range and rounded', () => {
    const u8 = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) % 256);
    const out = augmentImage(u8, { width: 28, height: 28, channels: 1 }, { maxShift: 2, maxRotationDegrees: 15, flipProbability: 0.5 }, mulberry32(9));
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out).toHaveLength(u8.length);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => augmentImage(image, { width: 3, height: 3, channels: 1 }, {}, mulberry32(1))).toThrow(/shape/);
  });
});

describe('augmentBatch', () => {
  const opts = { maxShift: 2, flipProbability: 0.5, maxRotationDegrees: 10 };
  const batch = Float32Array.from({ length: 3 * 28 * 28 }, (_, i) => (i % 97) / 97);
  const s = { width: 28, height: 28, channels: 1 };

  it('same seed → identical output; different seed → different output', () => {
    expect(augmentBatch(batch, s, opts, 123)).toEqual(augmentBatch(batch, s, opts, 123));
    expect(augmentBatch(batch, s, opts, 123)).not.toEqual(augmentBatch(batch, s, opts, 124));
  });

  it("augments image i with the stream mixSeed(seed, i)", () => {
    const whole = augmentBatch(batch, s, opts, 5);
    const first = augmentImage(batch.subarray(0, 784), s, opts, mulberry32(mixSeed(5, 0)));
    expect(whole.subarray(0, 784)).toEqual(first);
  });
});
