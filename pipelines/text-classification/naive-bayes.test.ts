import { describe, expect, it } from 'vitest';
import { fitNaiveBayes, predictNaiveBayes } from './naive-bayes.js';

describe('multinomial naive Bayes', () => {
  it('learns which tokens mark which class and ignores padding', () => {
    // vocab: 0 pad, 1 oov, 2 "win", 3 "cash", 4 "meeting", 5 "agenda"; length 3.
    const tokens = Int32Array.from([2, 3, 0, 2, 2, 3, 4, 5, 0, 4, 4, 5]);
    const labels = Int32Array.from([1, 1, 0, 0]);
    const model = fitNaiveBayes(tokens, labels, 3, 6, 2);
    // P(win | spam) = (3 + 1) / (5 + 6).
    expect(Math.exp(model.logLikelihood[1 * 6 + 2] as number)).toBeCloseTo(4 / 11, 10);
    const probs = predictNaiveBayes(model, Int32Array.from([3, 2, 0, 5, 4, 0]), 3);
    expect(probs[1]).toBeGreaterThan(0.9);
    expect(probs[2]).toBeGreaterThan(0.9);
    expect((probs[0] as number) + (probs[1] as number)).toBeCloseTo(1, 6);
  });
});
