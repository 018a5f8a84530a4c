import { describe, expect, it } from 'vitest';
import { seededSplit } from './seeded-split.js';

const classes = [Array.from({ length: 100 }, (_, i) => `a${i}`), Array.from({ length: 7 }, (_, i) => `b${i}`), ['c0', 'c1'], ['d0']];

describe('seededSplit', () => {
  it('holds out the ratio of each class, at least one test and one train item, and loses nothing', () => {
    const { train, test } = seededSplit(classes, 0.2, 42);
    expect(test.map((c) => c.length)).toEqual([20, 1, 1, 0]);
    expect(train.map((c) => c.length)).toEqual([80, 6, 1, 1]);
    classes.forEach((items, i) => expect([...train[i]!, ...test[i]!].sort()).toEqual([...items].sort()));
  });

  it('gives the same split for the same seed and another for another seed', () => {
    expect(seededSplit(classes, 0.3, 1)).toEqual(seededSplit(classes, 0.3, 1));
    expect(seededSplit(classes, 0.3, 1).test[0]).not.toEqual(seededSplit(classes, 0.3, 2).test[0]);
  });

  it('rejects ratios outside (0, 1) and non-integer seeds', () => {
    for (const ratio of [0, 1, -0.1, Number.NaN]) expect(() => seededSplit(classes, ratio, 1)).toThrow(/test ratio/);
    expect(() => seededSplit(classes, 0.2, 1.5)).toThrow(/seed/);
  });
});
