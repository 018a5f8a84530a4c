import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.js';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).toBe(0.5);
  });

  it('counts mis-ordered pairs: one of four pairs wrong gives 0.75', () => {
    expect(rocAuc([0.1, 0.6, 0.5, 0.9], [false, false, true, true])).toBe(0.75);
  });

  it('is undefined with only one class present', () => {
    expect(rocAuc([0.1, 0.2], [true, true])).toBeUndefined();
  });
});
