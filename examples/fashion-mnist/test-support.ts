import type { FashionMnist } from './data/source.js';
import { loadFashionMnist } from './data/source.js';

/** The committed real-image subset, whatever else this machine has: tests must not depend on the environment. */
export function loadFixtureData(): Promise<FashionMnist> {
  return loadFashionMnist({ env: {}, debianDir: '/nonexistent', download: false });
}

/** A quick training config: enough to learn the subset well past chance in seconds. */
export const QUICK_TRAINING = { epochs: 3, batchSize: 32, checkpointEverySteps: 20 } as const;
