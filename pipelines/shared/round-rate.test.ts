import { describe, expect, it } from 'vitest';
import { roundRateScale } from './round-rate.js';

describe('roundRateScale', () => {
  it('is the scale from the first round without warm-up', () => {
    expect([0, 1, 10].map((r) => roundRateScale(2, 0, r))).toEqual([2, 2, 2]);
  });

  it('ramps linearly from 1 towards the scale over the warm-up rounds, then holds it', () => {
    expect([0, 1, 2, 3, 4].map((r) => roundRateScale(4, 3, r))).toEqual([1.75, 2.5, 3.25, 4, 4]);
  });

  it('refuses a scale that is not positive', () => {
    expect(() => roundRateScale(0, 0, 0)).toThrow(RangeError);
  });
});
