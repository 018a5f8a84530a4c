import { describe, expect, it } from 'vitest';
import { demoTraining, FULL_TRAINING } from './run.js';

describe('demoTraining', () => {
  it('trains the reference CNN for 2 epochs by default, with nothing of --full', () => {
    expect(demoTraining({ full: false })).toEqual({ epochs: 2 });
  });

  it('--full trains the two-convs-per-block batch-norm CNN for 12 epochs of flipped and shifted images with a cosine rate after a warm-up epoch', () => {
    expect(demoTraining({ full: true })).toEqual(FULL_TRAINING);
    expect(FULL_TRAINING).toEqual({
      epochs: 12, batchNorm: true, convsPerBlock: 2, denseUnits: 256, dropout: 0.3, learningRate: 0.002, schedule: 'cosine', warmupEpochs: 1, augment: { flipProbability: 0.5, maxShift: 1 },
    });
  });

  it('lets --epochs, --limit, --checkpoint-every and an explicit training config override', () => {
    expect(demoTraining({ full: true, epochs: 3, limit: 100, checkpointEvery: 7 })).toEqual({ ...FULL_TRAINING, epochs: 3, limit: 100, checkpointEverySteps: 7 });
    expect(demoTraining({ full: true, training: { batchNorm: false, dropout: 0.3 } })).toMatchObject({ batchNorm: false, dropout: 0.3 });
  });
});
