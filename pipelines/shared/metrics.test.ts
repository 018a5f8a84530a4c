import { describe, expect, it } from 'vitest';
import { argmaxRows, classificationMetrics } from './metrics.js';

describe('classificationMetrics', () => {
  it('matches a hand-computed example', () => {
    // actual:    a a a b b c
    // predicted: a a b b c c
    const m = classificationMetrics([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ['a', 'b', 'c']);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(m.perClass[0]).toMatchObject({ label: 'a', precision: 1, recall: 2 / 3, support: 3 });
    expect(m.perClass[1]?.precision).toBeCloseTo(0.5);
    expect(m.perClass[1]?.recall).toBeCloseTo(0.5);
    expect(m.perClass[2]).toMatchObject({ precision: 0.5, recall: 1 });
    expect(m.perClass[2]?.f1).toBeCloseTo(2 / 3);
    expect(m.macro.recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3);
  });

  it('never produces NaN for classes that are never predicted or absent', () => {
    const m = classificationMetrics([0, 0], [0, 0], ['a', 'b']);
    expect(m.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(JSON.stringify(m)).not.toContain('null');
  });

  it('rejects mismatched lengths and out-of-range ids', () => {
    expect(() => classificationMetrics([0], [0, 1], ['a', 'b'])).toThrow(RangeError);
    expect(() => classificationMetrics([0], [5], ['a', 'b'])).toThrow(/out of range/);
  });
});

describe('argmaxRows', () => {
  it('picks the largest entry of each row', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 0.9, 0.05, 0.05], 3))).toEqual([1, 0]);
  });
});
