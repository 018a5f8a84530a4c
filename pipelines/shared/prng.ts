/** A seeded pseudo-random source returning floats in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast 32-bit PRNG. Not cryptographic; chosen because the
 * same seed gives the same stream on every platform, so an augmented epoch can
 * be reproduced exactly from `(seed, epoch)`.
 *
 * @example
 * ```ts
 * const rand = mulberry32(42);
 * rand(); // 0.6011037519201636, on every machine
 * ```
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derive a well-mixed 32-bit seed from several integers (e.g. base seed,
 * epoch, example index), so per-example streams do not overlap.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
  }
  return (h ^ (h >>> 15)) >>> 0;
}
