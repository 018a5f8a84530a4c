import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { Checkpointer } from '../shared/checkpoint.js';
import { buildCnn } from './cnn.js';
import { epochPermutation } from '../shared/permutation.js';
import { pixelDataset } from './pixel-dataset.js';
import { syntheticImageData } from './synthetic-data.js';
import { trainWithCheckpoints } from '../shared/trainer.js';

const shape = [8, 8, 1] as const;
const data = syntheticImageData({ count: 96, inputShape: shape, numClasses: 4 });
const model = () => buildCnn({ inputShape: shape, numClasses: 4, filters: [4, 8], denseUnits: 16, dropout: 0, seed: 3 });
const weightsOf = async (m: ReturnType<typeof model>) => Promise.all(m.getWeights().map((w) => w.data()));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('epochPermutation', () => {
  it('is a deterministic permutation that differs per epoch', () => {
    const a = epochPermutation(100, 1, 0);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect(epochPermutation(100, 1, 0)).toEqual(a);
    expect(epochPermutation(100, 1, 1)).not.toEqual(a);
    expect(epochPermutation(100, 2, 0)).not.toEqual(a);
  });
});

describe('trainWithCheckpoints', () => {
  it('learns the toy task and checkpoints at epoch ends', async () => {
    const bucket = new MemoryBucket();
    const m = model();
    const epochs: number[] = [];
    const result = await trainWithCheckpoints({
      model: m, data, epochs: 3, batchSize: 16, seed: 1, checkpointEverySteps: 4,
      checkpointer: new Checkpointer(bucket, 'run/ckpt/'),
      onEpoch: (r) => epochs.push(r.accuracy),
    });
    expect(result).toMatchObject({ finished: true, resumed: false, position: { epoch: 3, batch: 0, step: 18 } });
    expect(result.history).toHaveLength(3);
    expect(result.history[2]?.loss).toBeLessThan(result.history[0]?.loss as number);
    const keys: string[] = [];
    for await (const o of bucket.list()) keys.push(o.key);
    expect(keys.filter((k) => k.endsWith('.bin'))).toHaveLength(1); // old blobs are cleaned up
    m.dispose();
  });

  // Byte images with training-time augmentation, for a batch-norm net: resuming must replay the same augmented images.
  const augmented = pixelDataset({
    pixels: Uint8Array.from({ length: 96 * 64 }, (_, i) => (i * 97 + (i >> 6) * 31) % 256),
    labels: Int32Array.from({ length: 96 }, (_, i) => i % 4),
    inputShape: shape, classes: ['a', 'b', 'c', 'd'], scale: 1 / 255,
    augment: { maxShift: 2, flipProbability: 0.5 }, augmentSeed: 5,
  });
  const bnModel = () => buildCnn({ inputShape: shape, numClasses: 4, filters: [4, 8], denseUnits: 16, dropout: 0, batchNorm: true, convsPerBlock: 2, seed: 3 });
  it.each([
    ['the reference CNN', model, data],
    ['a batch-norm CNN on augmented images', bnModel, augmented],
  ] as const)('resumes after a stop to exactly the weights of an uninterrupted run, learning-rate schedule included: %s', async (_name, model, data) => {
    const learningRate = (epoch: number) => 0.01 * 0.5 ** epoch;
    const straight = model();
    await trainWithCheckpoints({
      model: straight, data, epochs: 2, batchSize: 16, seed: 9, checkpointEverySteps: 100, learningRate,
      checkpointer: new Checkpointer(new MemoryBucket(), 'a/'),
    });

    const bucket = new MemoryBucket();
    const controller = new AbortController();
    const first = model();
    const stopped = await trainWithCheckpoints({
      model: first, data, epochs: 2, batchSize: 16, seed: 9, checkpointEverySteps: 100, learningRate,
      checkpointer: new Checkpointer(bucket, 'b/'), signal: controller.signal,
      onBatch: (p) => p.step === 7 && controller.abort(),
    });
    expect(stopped).toMatchObject({ finished: false, stoppedBecause: 'aborted', position: { epoch: 1, batch: 1, step: 7 } });
    first.dispose();

    const second = model(); // a fresh instance, as after a cold start
    const resumed = await trainWithCheckpoints({
      model: second, data, epochs: 2, batchSize: 16, seed: 9, checkpointEverySteps: 100, learningRate,
      checkpointer: new Checkpointer(bucket, 'b/'),
    });
    expect(resumed).toMatchObject({ finished: true, resumed: true, position: { step: 12 } });
    expect(resumed.history).toHaveLength(2);
    const [a, b] = [await weightsOf(straight), await weightsOf(second)];
    a.forEach((w, i) => expect(Array.from(b[i] as Float32Array)).toEqual(Array.from(w as Float32Array)));
    expect((second.optimizer as unknown as { learningRate: number }).learningRate).toBe(learningRate(1));
    straight.dispose();
    second.dispose();
  });

  it('stops before a budget runs out and refuses a second trainer on the same run', async () => {
    const bucket = new MemoryBucket();
    const m = model();
    const result = await trainWithCheckpoints({
      model: m, data, epochs: 50, batchSize: 16, seed: 1, checkpointEverySteps: 1000, budgetMs: 400,
      checkpointer: new Checkpointer(bucket, 'c/'),
    });
    expect(result.finished).toBe(false);
    expect(result.stoppedBecause).toBe('budget');
    // Two checkpointers that both read the same state: only the first write may land.
    const one = new Checkpointer(bucket, 'c/');
    const two = new Checkpointer(bucket, 'c/');
    const state = (await one.read())?.state;
    await two.read();
    expect(state).toBeDefined();
    await one.save(m, { position: { epoch: 0, batch: 2, step: 2 }, history: [], partial: { loss: 0, correct: 0, seen: 0, seconds: 0 }, meta: {} });
    await expect(two.save(m, { position: { epoch: 0, batch: 3, step: 3 }, history: [], partial: { loss: 0, correct: 0, seen: 0, seconds: 0 }, meta: {} })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    m.dispose();
  });

  it('does not leak tensors across training and checkpoints', async () => {
    const m = model();
    const bucket = new MemoryBucket();
    await trainWithCheckpoints({ model: m, data, epochs: 1, batchSize: 16, seed: 1, checkpointEverySteps: 2, checkpointer: new Checkpointer(bucket, 'd/') });
    const before = tf.memory().numTensors;
    await trainWithCheckpoints({ model: m, data, epochs: 2, batchSize: 16, seed: 1, checkpointEverySteps: 2, checkpointer: new Checkpointer(bucket, 'd/') });
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
