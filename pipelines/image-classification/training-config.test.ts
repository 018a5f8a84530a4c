import { describe, expect, it } from 'vitest';
import { resolveTrainingConfig, stableHash } from './training-config.js';

describe('resolveTrainingConfig: head', () => {
  it('adds no head key without one, so configs without a head hash exactly as before', () => {
    const resolved = resolveTrainingConfig({ epochs: 2 });
    expect('head' in resolved).toBe(false);
    expect(stableHash(resolved)).toBe(stableHash(resolveTrainingConfig({ epochs: 2, head: undefined })));
  });

  it('fills head defaults and keeps epochs only when given', () => {
    expect(resolveTrainingConfig({ head: {} }).head).toEqual({ hiddenUnits: 0, dropout: 0 });
    expect(resolveTrainingConfig({ head: { hiddenUnits: 16, dropout: 0.2, epochs: 40 } }).head).toEqual({ hiddenUnits: 16, dropout: 0.2, epochs: 40 });
  });

  it.each([
    [{ hiddenUnits: -1 }, /hiddenUnits/],
    [{ hiddenUnits: 1.5 }, /hiddenUnits/],
    [{ dropout: 1 }, /dropout/],
    [{ epochs: 0 }, /epochs/],
  ])('rejects head %j with InvalidArgument', (head, message) => {
    expect(() => resolveTrainingConfig({ head })).toThrow(expect.objectContaining({ code: 'InvalidArgument', message: expect.stringMatching(message) }));
  });
});

describe('resolveTrainingConfig: network, augmentation and schedule', () => {
  it('adds none of the new keys unless set, so existing configs hash (and plan runs) as before', () => {
    expect(Object.keys(resolveTrainingConfig({})).sort()).toEqual(
      ['batchSize', 'checkpointEverySteps', 'denseUnits', 'dropout', 'epochs', 'filters', 'learningRate', 'learningRateDecay', 'seed'].sort(),
    );
  });

  it('keeps what is set', () => {
    const set = { filters: [32, 64, 128], convsPerBlock: 2, batchNorm: true, blockDropout: 0.2, schedule: 'cosine', warmupEpochs: 1, augment: { maxShift: 2, flipProbability: 0.5 } } as const;
    expect(resolveTrainingConfig({ ...set, filters: [...set.filters] })).toMatchObject({ ...set, filters: [32, 64, 128] });
  });

  it.each([
    [{ filters: [] }, /filters/],
    [{ filters: [32, 0] }, /filters/],
    [{ convsPerBlock: 0 }, /convsPerBlock/],
    [{ blockDropout: 1 }, /blockDropout/],
    [{ schedule: 'linear' }, /schedule/],
    [{ warmupEpochs: -1 }, /warmupEpochs/],
    [{ augment: { flipProbability: 2 } }, /augment/],
    [{ augment: { maxShift: -1 } }, /augment/],
  ])('rejects %j with InvalidArgument', (config, message) => {
    expect(() => resolveTrainingConfig(config as never)).toThrow(expect.objectContaining({ code: 'InvalidArgument', message: expect.stringMatching(message) }));
  });
});
