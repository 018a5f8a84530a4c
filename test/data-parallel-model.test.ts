import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../src/index.js';
import type { DataParallelInputs } from '../bench/support/data-parallel-model.js';
import { modelRun, modelTable } from '../bench/support/data-parallel-model.js';

/** Round figures, so the expectations can be worked out by hand. */
const INPUTS: DataParallelInputs = {
  examples: 64_000, epochs: 1, batchSize: 64, roundSteps: 100, stepMs: 100, weightBytes: 0, datasetBytes: 0,
  averageMsPerWorker: 0, bucketLatencyMs: 0, bucketBytesPerMs: 1, triggerMs: 0, coldStartMs: 0,
  reducerConcurrency: 16, memoryMb: 1024, putPer1000: 0, getPer1000: 0,
};

describe('data-parallel wall time and cost model (docs/data-parallel-training.md)', () => {
  it('with free transfers is pure compute: K workers take 1/K of the time at the same compute cost', () => {
    const one = modelRun(INPUTS, 1);
    expect(one).toMatchObject({ stepsPerWorker: 1000, wallSeconds: 100, rounds: 0 });
    // 100 s at 1 GB on Lambda, plus one request.
    expect(one.costUsd).toBeCloseTo(100 * DEFAULT_PRICES.platforms.aws.perGbSecond + DEFAULT_PRICES.platforms.aws.perInvocation, 10);
    const four = modelRun(INPUTS, 4);
    expect(four).toMatchObject({ stepsPerWorker: 250, rounds: 3, wallSeconds: 25 });
    // Same GB-seconds, more requests (4 workers × 3 rounds + 3 reducer calls).
    // (The reducer, which does nothing here, is billed the 1 ms minimum.)
    expect(four.costUsd - one.costUsd).toBeCloseTo(14 * DEFAULT_PRICES.platforms.aws.perInvocation + 0.001 * DEFAULT_PRICES.platforms.aws.perGbSecond, 10);
  });

  it('stops scaling when the per-round overhead outweighs the shrinking compute, at a fixed number of rounds', () => {
    const slow = { ...INPUTS, triggerMs: 500, bucketLatencyMs: 100, weightBytes: 2_700_000, bucketBytesPerMs: 90_000, fixedRounds: 10 };
    const rows = modelTable(slow, [1, 2, 8, 32, 200]);
    const speedups = rows.map((r) => r.speedup);
    expect(speedups[1]).toBeGreaterThan(1.3);
    expect(speedups[2]).toBeGreaterThan(speedups[1] as number);
    expect(speedups[4]).toBeLessThan(speedups[3] as number); // 200 workers: slower than 32
  });
});
