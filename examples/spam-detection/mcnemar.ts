/** McNemar's exact test on two classifiers scored on the same examples. */
export interface McNemar {
  /** Examples only the first model got wrong. */
  onlyFirstWrong: number;
  /** Examples only the second model got wrong. */
  onlySecondWrong: number;
  /** Two-sided exact p-value: the chance of a split at least this uneven if either model were as likely to be the one wrong. */
  p: number;
}

/**
 * Compare two models by the examples exactly one of them got wrong (the
 * examples both get right or both get wrong say nothing about which is
 * better): under "equally good", each such example is a fair coin.
 */
export function mcnemar(firstWrong: readonly number[], secondWrong: readonly number[]): McNemar {
  const first = new Set(firstWrong);
  const second = new Set(secondWrong);
  const b = firstWrong.filter((i) => !second.has(i)).length;
  const c = secondWrong.filter((i) => !first.has(i)).length;
  const n = b + c;
  // P(X ≤ min(b, c)) for X ~ Binomial(n, 1/2), doubled, capped at 1.
  let tail = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let k = 0; k <= Math.min(b, c); k++) {
    tail += term;
    term = (term * (n - k)) / (k + 1);
  }
  return { onlyFirstWrong: b, onlySecondWrong: c, p: Math.min(1, 2 * tail) };
}
