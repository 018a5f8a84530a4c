import { describe, expect, it } from 'vitest';
import { mcnemar } from './mcnemar.js';

describe('McNemar exact test', () => {
  it('counts the examples only one model got wrong', () => {
    expect(mcnemar([1, 2, 3, 7], [2, 3, 9])).toMatchObject({ onlyFirstWrong: 2, onlySecondWrong: 1 });
  });

  it('gives binomial tail probabilities', () => {
    // 0 vs 5 discordant: 2 · 0.5^5.
    expect(mcnemar([1, 2, 3, 4, 5], []).p).toBeCloseTo(0.0625, 10);
    // 2 vs 8: 2 · (1 + 10 + 45) / 1024.
    expect(mcnemar([0, 1], [2, 3, 4, 5, 6, 7, 8, 9]).p).toBeCloseTo(112 / 1024, 10);
    // An even split is no evidence either way.
    expect(mcnemar([1, 2], [3, 4]).p).toBe(1);
    expect(mcnemar([], []).p).toBe(1);
  });
});
