import { PolyfaasError } from '../../src/index.js';
import { mixSeed, mulberry32 } from './prng.js';

/**
 * Split each class's items into train and test by `testRatio`, shuffled with a
 * seeded PRNG per class, so the same folder, ratio and seed always give the
 * same split (re-running uploads nothing new), and every class with two or
 * more items lands in both splits (at least one item each).
 *
 * `byClass[i]` are class `i`'s items in a stable order (e.g. sorted paths).
 * A class with fewer than two items stays wholly in train; the caller reports it.
 */
export function seededSplit<T>(byClass: readonly (readonly T[])[], testRatio: number, seed: number): { train: T[][]; test: T[][] } {
  if (!(testRatio > 0 && testRatio < 1)) throw new PolyfaasError('InvalidArgument', `test ratio must be between 0 and 1 (exclusive), got ${testRatio}`);
  if (!Number.isInteger(seed)) throw new PolyfaasError('InvalidArgument', `seed must be an integer, got ${seed}`);
  const train: T[][] = [];
  const test: T[][] = [];
  byClass.forEach((items, label) => {
    const order = [...items];
    const random = mulberry32(mixSeed(seed, label));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as T, order[i] as T];
    }
    const testCount = order.length < 2 ? 0 : Math.min(order.length - 1, Math.max(1, Math.round(order.length * testRatio)));
    test.push(order.slice(0, testCount));
    train.push(order.slice(testCount));
  });
  return { train, test };
}
