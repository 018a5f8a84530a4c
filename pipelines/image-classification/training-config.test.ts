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
