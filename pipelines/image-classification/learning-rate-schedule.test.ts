import { describe, expect, it } from 'vitest';
import { learningRateAt } from './learning-rate-schedule.js';

describe('learningRateAt', () => {
  it('is exponential decay per epoch by default (the old formula)', () => {
    for (const epoch of [0, 1, 5]) expect(learningRateAt({ learningRate: 0.001, epochs: 10, decay: 0.85 }, epoch)).toBeCloseTo(0.001 * 0.85 ** epoch, 12);
    expect(learningRateAt({ learningRate: 0.001, epochs: 10 }, 7)).toBe(0.001);
  });

  it('follows half a cosine from the peak towards zero', () => {
    const s = { learningRate: 0.002, epochs: 10, schedule: 'cosine' } as const;
    expect(learningRateAt(s, 0)).toBeCloseTo(0.002, 12);
    expect(learningRateAt(s, 5)).toBeCloseTo(0.001, 12);
    const rates = Array.from({ length: 10 }, (_, e) => learningRateAt(s, e));
    for (let e = 1; e < 10; e++) expect(rates[e]!).toBeLessThan(rates[e - 1]!);
    expect(rates[9]!).toBeGreaterThan(0);
    expect(rates[9]!).toBeLessThan(0.0001);
  });

  it('warms up linearly, then starts the schedule at the peak', () => {
    const s = { learningRate: 0.003, epochs: 12, schedule: 'cosine', warmupEpochs: 2 } as const;
    expect([0, 1, 2].map((e) => learningRateAt(s, e))).toEqual([0.001, 0.002, 0.003]);
    expect(learningRateAt(s, 7)).toBeCloseTo(0.0015, 12);
    expect(learningRateAt({ learningRate: 0.001, epochs: 5, decay: 0.5, warmupEpochs: 1 }, 2)).toBeCloseTo(0.0005, 12);
  });
});
