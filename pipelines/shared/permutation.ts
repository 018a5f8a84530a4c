import { mulberry32 } from './prng.js';

/**
 * The example order for one epoch: a Fisher–Yates shuffle seeded by
 * `(seed, epoch)`, so a resumed run recomputes exactly the order it was in.
 */
export function epochPermutation(count: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const random = mulberry32((seed * 0x9e3779b1 + epoch * 0x85ebca6b) >>> 0);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}
