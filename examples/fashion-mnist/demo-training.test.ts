import { describe, expect, it } from 'vitest';
import { demoTraining, FULL_TRAINING } from './run.js';

describe('demoTraining', () => {
  it('trains the reference CNN for 2 epochs by default, with nothing of --full', () => {
    expect(demoTraining({ full: false })).toEqual({ epochs: 2 });
  });

  it('--full trains the batch-norm CNN on augmented images with a cosine rate for 15 epochs', () => {
    expect(demoTraining({ full: true })).toEqual(FULL_TRAINING);
    expect(FULL_TRAINING).toMatchObject({ epochs: 15, batchNorm: true, schedule: 'cosine', augment: { maxShift: 2, flipProbability: 0.5 } });
  });

  it('lets --epochs, --limit, --checkpoint-every and an explicit training config override', () => {
    expect(demoTraining({ full: true, epochs: 3, limit: 100, checkpointEvery: 7 })).toMatchObject({ epochs: 3, limit: 100, checkpointEverySteps: 7, batchNorm: true });
    expect(demoTraining({ full: true, training: { batchNorm: false } }).batchNorm).toBe(false);
  });
});
