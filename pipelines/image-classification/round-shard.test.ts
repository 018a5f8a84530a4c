import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { planRounds } from '../shared/round-shards.js';
import { trainRoundShard } from '../shared/training-rounds.js';
import { buildCnn } from './cnn.js';
import { roundKeys } from './round-jobs.js';
import { syntheticImageData } from './synthetic-data.js';

const shape = [8, 8, 1] as const;
const data = syntheticImageData({ count: 64, inputShape: shape, numClasses: 4 });
const model = () => buildCnn({ inputShape: shape, numClasses: 4, filters: [4, 8], denseUnits: 16, dropout: 0, seed: 3 });
const plan = planRounds({ count: 64, workers: 2, epochs: 1, batchSize: 4, roundSteps: 4 });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a worker that runs out of time in its round', () => {
  it('checkpoints, says continue, and its next invocation finishes the round with the uninterrupted weights', async () => {
    const options = { keys: roundKeys('run'), runId: 'run', plan, round: 0, worker: 1, data, seed: 5, batchSize: 4, learningRate: () => 0.01, checkpointEverySteps: 100 };
    const straight = model();
    const a = new MemoryBucket();
    expect(await trainRoundShard({ ...options, bucket: a, model: straight })).toMatchObject({ status: 'done', recorded: true });

    const b = new MemoryBucket();
    const first = model();
    const out = await trainRoundShard({ ...options, bucket: b, model: first, signal: AbortSignal.abort() });
    expect(out).toMatchObject({ status: 'continue', round: 0, worker: 1 });
    expect(await b.exists(roundKeys('run').doneKey(0, 1))).toBe(false);
    first.dispose();
    const second = model();
    expect(await trainRoundShard({ ...options, bucket: b, model: second })).toMatchObject({ status: 'done', recorded: true });
    // A redelivery after the marker trains nothing.
    expect(await trainRoundShard({ ...options, bucket: b, model: second })).toMatchObject({ status: 'done', recorded: false });
    const [x, y] = [straight.getWeights(), second.getWeights()];
    for (let i = 0; i < x.length; i++) expect(Array.from(await y[i]!.data())).toEqual(Array.from(await x[i]!.data()));
    straight.dispose();
    second.dispose();
  });
});
