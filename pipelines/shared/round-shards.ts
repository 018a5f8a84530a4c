import { PolyfaasError } from '../../src/index.js';
import { epochPermutation } from './permutation.js';
import { mixSeed } from './prng.js';
import type { TrainingData } from './trainer.js';

/**
 * Which examples each data-parallel worker trains on in each round. Pure
 * functions of (count, workers, seed, round length), so every invocation —
 * first try, redelivery or continuation — computes the same shard and order.
 */

/** How a run is cut into rounds. */
export interface RoundPlan {
  readonly workers: number;
  /** Examples one worker trains on per round (`roundSteps × batchSize`; the last round may be shorter). */
  readonly examplesPerRound: number;
  /** Rounds in the run: enough for the largest shard to see every epoch. */
  readonly rounds: number;
  /** Examples of the largest shard. */
  readonly shardSize: number;
  readonly epochs: number;
}

/** Cut `epochs` over `count` examples into rounds of `roundSteps` batches per worker. */
export function planRounds(options: { count: number; workers: number; epochs: number; batchSize: number; roundSteps: number }): RoundPlan {
  const { count, workers, epochs, batchSize, roundSteps } = options;
  for (const [name, v] of Object.entries({ workers, epochs, batchSize, roundSteps })) {
    if (!(Number.isInteger(v) && v > 0)) throw new PolyfaasError('InvalidArgument', `${name} must be a positive integer, got ${v}`);
  }
  if (count < workers) throw new PolyfaasError('InvalidArgument', `${count} examples cannot be shared by ${workers} workers`);
  const shardSize = Math.ceil(count / workers);
  const examplesPerRound = roundSteps * batchSize;
  return { workers, examplesPerRound, rounds: Math.ceil((epochs * shardSize) / examplesPerRound), shardSize, epochs };
}

/**
 * Worker `worker`'s shard: every `workers`-th position of one seeded
 * permutation of all examples, so shards are disjoint, cover the set, differ
 * in size by at most one, and each has every class in proportion.
 */
export function shardIndices(count: number, workers: number, worker: number, seed: number): Uint32Array {
  if (!(Number.isInteger(worker) && worker >= 0 && worker < workers)) throw new PolyfaasError('InvalidArgument', `worker must be in [0, ${workers}), got ${worker}`);
  const all = epochPermutation(count, mixSeed(seed, 0x5a4d), 0);
  const shard = new Uint32Array(Math.ceil((count - worker) / workers));
  for (let i = worker, j = 0; i < count; i += workers, j++) shard[j] = all[i] as number;
  return shard;
}

/**
 * The examples worker `worker` trains on in `round`: the next
 * `examplesPerRound` of its stream of shard epochs, each epoch in its own
 * seeded order. A round may span two shard epochs; the stream ends after
 * `plan.epochs` of them.
 */
export function roundIndices(plan: RoundPlan, shard: Uint32Array, seed: number, worker: number, round: number): Uint32Array {
  const total = plan.epochs * shard.length;
  const from = Math.min(total, round * plan.examplesPerRound);
  const to = Math.min(total, from + plan.examplesPerRound);
  const out = new Uint32Array(to - from);
  let order: Uint32Array | undefined;
  let orderEpoch = -1;
  for (let p = from; p < to; p++) {
    const epoch = Math.floor(p / shard.length);
    if (epoch !== orderEpoch) {
      order = epochPermutation(shard.length, mixSeed(seed, worker, 0x5eed), epoch);
      orderEpoch = epoch;
    }
    out[p - from] = shard[(order as Uint32Array)[p % shard.length] as number] as number;
  }
  return out;
}

/** The shard epoch `round` starts in (what a per-epoch learning-rate schedule is evaluated at). */
export function roundEpoch(plan: RoundPlan, round: number): number {
  return Math.min(plan.epochs - 1, Math.floor((round * plan.examplesPerRound) / plan.shardSize));
}

/** `data` seen through `indices`: example `i` of the view is example `indices[i]` of `data`. */
export function subsetData<D extends TrainingData>(data: D, indices: Uint32Array, epoch?: number): TrainingData {
  return {
    count: indices.length,
    inputShape: data.inputShape,
    numClasses: data.numClasses,
    gather(which, xs, ys) {
      const mapped = new Uint32Array(which.length);
      for (let k = 0; k < which.length; k++) mapped[k] = indices[which[k] as number] as number;
      // The run's epoch, not the round's one-epoch pass: augmentation is seeded by it.
      data.gather(mapped, xs, ys, epoch);
    },
  };
}
