import { describe, expect, it } from 'vitest';
import { planRounds, roundEpoch, roundIndices, shardIndices } from './round-shards.js';

describe('data-parallel shards and rounds', () => {
  it('cuts the examples into disjoint shards that cover them, the same for the same seed', () => {
    const shards = [0, 1, 2].map((w) => shardIndices(100, 3, w, 7));
    expect(shards.map((s) => s.length)).toEqual([34, 33, 33]);
    expect(shards.flatMap((s) => [...s]).sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect(shardIndices(100, 3, 1, 7)).toEqual(shards[1]);
    expect(shardIndices(100, 3, 1, 8)).not.toEqual(shards[1]);
  });

  it('gives each worker its epochs of its own shard, round after round, each epoch in a new order', () => {
    const plan = planRounds({ count: 20, workers: 2, epochs: 3, batchSize: 2, roundSteps: 2 });
    expect(plan).toMatchObject({ rounds: 8, examplesPerRound: 4, shardSize: 10 });
    const shard = shardIndices(20, 2, 0, 1);
    const stream = Array.from({ length: plan.rounds }, (_, r) => [...roundIndices(plan, shard, 1, 0, r)]).flat();
    expect(stream).toHaveLength(30);
    for (let e = 0; e < 3; e++) expect(stream.slice(e * 10, e * 10 + 10).sort((a, b) => a - b)).toEqual([...shard].sort((a, b) => a - b));
    expect(stream.slice(0, 10)).not.toEqual(stream.slice(10, 20));
    expect(roundEpoch(plan, 0)).toBe(0);
    expect(roundEpoch(plan, 3)).toBe(1); // starts at example 12 of the stream: shard epoch 1
    expect(roundEpoch(plan, 7)).toBe(2);
  });

  it('refuses more workers than examples', () => {
    expect(() => planRounds({ count: 1, workers: 2, epochs: 1, batchSize: 1, roundSteps: 1 })).toThrow(/2 workers/);
  });
});
