import { describe, expect, it } from 'vitest';
import { demoTraining, FULL_TRAINING } from './run.js';

describe('demoTraining', () => {
  it('trains the reference CNN for 2 epochs by default, with nothing of --full', () => {
    expect(demoTraining({ full: false })).toEqual({ epochs: 2 });
  });

  it('--full trains 15 epochs with a decaying rate and more dropout', () => {
    expect(demoTraining({ full: true })).toEqual(FULL_TRAINING);
    expect(FULL_TRAINING).toEqual({ epochs: 15, dropout: 0.4, learningRateDecay: 0.85 });
  });

  it('lets --epochs, --limit, --checkpoint-every and an explicit training config override', () => {
    expect(demoTraining({ full: true, epochs: 3, limit: 100, checkpointEvery: 7 })).toEqual({ epochs: 3, limit: 100, checkpointEverySteps: 7, dropout: 0.4, learningRateDecay: 0.85 });
    expect(demoTraining({ full: true, training: { batchNorm: true, dropout: 0.3 } })).toMatchObject({ batchNorm: true, dropout: 0.3 });
  });
});
