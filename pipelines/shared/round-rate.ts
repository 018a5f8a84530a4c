/**
 * The learning-rate multiplier of a data-parallel round: the linear scaling
 * rule (Goyal et al. 2017, "Accurate, Large Minibatch SGD"). K workers each
 * take 1/K of the optimizer steps one worker would, so the averaged model
 * moves like one trained with a K× larger batch; multiplying the rate by K
 * restores the distance covered per example. `warmupRounds` > 0 ramps the
 * multiplier linearly from 1 to `scale` over the first rounds, as that paper
 * does for large K, where the full rate from the first step can diverge.
 */
export function roundRateScale(scale: number, warmupRounds: number, round: number): number {
  if (!(scale > 0)) throw new RangeError(`rate scale must be positive, got ${scale}`);
  if (!(warmupRounds > 0) || round >= warmupRounds) return scale;
  return 1 + ((scale - 1) * (round + 1)) / (warmupRounds + 1);
}
