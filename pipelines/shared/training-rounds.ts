import type * as tfl from '@tensorflow/tfjs-layers';
import type { Bucket, Logger } from '../../src/index.js';
import { isPolyfaasError, mapLimit, PolyfaasError } from '../../src/index.js';
import { finishChunkRun } from './chunked-run.js';
import type { CheckpointState, EpochRecord, TensorSpec } from './checkpoint.js';
import { Checkpointer } from './checkpoint.js';
import { putIfAbsent } from './put-if-absent.js';
import { readJsonIfExists } from './read-json.js';
import type { RoundPlan } from './round-shards.js';
import { roundEpoch, roundIndices, shardIndices, subsetData } from './round-shards.js';
import type { TrainingData, TrainResult } from './trainer.js';
import { trainWithCheckpoints } from './trainer.js';
import type { RoundOptimizerState } from './weight-average.js';
import { applyServerMomentum, averageWeights } from './weight-average.js';

/**
 * Data-parallel training by periodic model averaging, chained through
 * storage for any pipeline. A round's job objects (one per worker) each
 * trigger a worker invocation that loads the round's starting model, trains
 * on its own shard and records its weights in a done marker written if
 * absent; each marker triggers the reducer, which acts once all of the
 * round's markers exist: it averages the weights in worker order, writes the
 * next round's model (the per-round checkpoint) write-if-absent, and the
 * next round's jobs, or hands the final model to the caller.
 */

/** Where one run's round objects live. */
export interface RoundKeys {
  /** Job `seq` of worker `worker` in `round` (seq > 0: the worker continuing itself after running out of time). */
  jobKey(round: number, worker: number, seq: number): string;
  /** Prefix under which a round's done markers, and nothing else, are listed. */
  donePrefix(round: number): string;
  /** Key of a worker's done marker for a round (its write triggers the reducer). */
  doneKey(round: number, worker: number): string;
  /** Checkpoint prefix of the model a round starts from (round 0 has none: workers build it from the seed). */
  modelPrefix(round: number): string;
  /** Checkpoint prefix of one worker's progress within a round. */
  workerPrefix(round: number, worker: number): string;
  /** Key of the claim naming the one reducer that acts for a round (outside `donePrefix`; triggers nothing). */
  claimKey(round: number): string;
  /**
   * A `{ runId }` pointer as chunked runs keep one. A training run's id hashes
   * its data and config, so no newer run supersedes it: point this at a key
   * nothing writes.
   */
  readonly currentRunKey: string;
}

/** Format tag of {@link RoundDone}. */
export const ROUND_DONE_FORMAT = 'polyfaas.round-done/v1';

/** A worker's finished round: where its weights are, and its training metrics. */
export interface RoundDone {
  readonly format: typeof ROUND_DONE_FORMAT;
  readonly runId: string;
  readonly round: number;
  readonly worker: number;
  readonly blobKey: string;
  readonly blobSha256: string;
  readonly tensors: TensorSpec[];
  readonly loss: number;
  readonly correct: number;
  readonly seen: number;
  /** Seconds spent in optimizer steps (the compute of the round, without loading or saving). */
  readonly seconds: number;
}

/** What {@link trainRoundShard} needs. */
export interface RoundShardOptions {
  readonly bucket: Bucket;
  readonly keys: RoundKeys;
  readonly runId: string;
  readonly plan: RoundPlan;
  readonly round: number;
  readonly worker: number;
  /** The freshly built model (round 0 trains it as built; later rounds load the round's model into it). */
  readonly model: tfl.LayersModel;
  /** The whole training set: the worker picks its shard. */
  readonly data: TrainingData;
  readonly seed: number;
  readonly batchSize: number;
  /** Learning rate at a (shard) epoch. */
  readonly learningRate: (epoch: number) => number;
  readonly checkpointEverySteps: number;
  readonly deadline?: number;
  readonly budgetMs?: number;
  readonly signal?: AbortSignal;
}

/** How a worker invocation ended. */
export type RoundShardOutcome =
  | { status: 'done'; round: number; worker: number; recorded: boolean }
  | { status: 'continue'; round: number; worker: number; step: number };

/**
 * One worker's part of a round. A marker already there means the round was
 * done before (a redelivery trains nothing); otherwise the worker resumes its
 * own checkpoint if it has one, trains its examples of the round under the
 * invocation's deadline, and records the result. `continue` means time ran
 * out: the caller writes the worker's next job.
 */
export async function trainRoundShard(options: RoundShardOptions): Promise<RoundShardOutcome> {
  const { bucket, keys, round, worker, model } = options;
  if (await bucket.exists(keys.doneKey(round, worker))) return { status: 'done', round, worker, recorded: false };
  if (round > 0) {
    const start = new Checkpointer(bucket, keys.modelPrefix(round));
    const state = await start.read();
    if (!state) throw new PolyfaasError('NotFound', `round ${round} of run ${options.runId} has no starting model`);
    await start.restore(model, state.state);
  }
  const indices = roundIndices(options.plan, shardIndices(options.data.count, options.plan.workers, worker, options.seed), options.seed, worker, round);
  const checkpointer = new Checkpointer(bucket, keys.workerPrefix(round, worker));
  const epoch = roundEpoch(options.plan, round);
  const rate = options.learningRate(epoch);
  const result: TrainResult = await trainWithCheckpoints({
    model,
    data: subsetData(options.data, indices, epoch),
    epochs: 1,
    batchSize: options.batchSize,
    seed: options.seed + round * 7919 + worker,
    checkpointer,
    checkpointEverySteps: options.checkpointEverySteps,
    learningRate: () => rate,
    meta: { runId: options.runId, round, worker },
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!result.finished) return { status: 'continue', round, worker, step: result.position.step };
  // The run's last checkpoint (written at the end of its one epoch) holds the round's weights.
  const saved = await checkpointer.read();
  if (!saved) throw new PolyfaasError('DataLoss', `worker ${worker} of round ${round} finished without a checkpoint`);
  const record = saved.state.history[0];
  const done: RoundDone = {
    format: ROUND_DONE_FORMAT,
    runId: options.runId,
    round,
    worker,
    blobKey: saved.state.blobKey,
    blobSha256: saved.state.blobSha256,
    tensors: saved.state.tensors,
    loss: (record?.loss ?? 0) * indices.length,
    correct: (record?.accuracy ?? 0) * indices.length,
    seen: indices.length,
    seconds: record?.seconds ?? 0,
  };
  const recorded = await putIfAbsent(bucket, keys.doneKey(round, worker), JSON.stringify(done), { contentType: 'application/json' });
  return { status: 'done', round, worker, recorded: recorded !== undefined };
}

/** What {@link reduceRound} needs. */
export interface ReduceRoundOptions {
  readonly bucket: Bucket;
  readonly keys: RoundKeys;
  readonly runId: string;
  readonly plan: RoundPlan;
  readonly round: number;
  /** The worker whose done marker triggered this call: the claim names it, so a redelivery of that marker's event carries on. */
  readonly worker: number;
  readonly optimizer: RoundOptimizerState;
  /** Server momentum β over rounds (see {@link applyServerMomentum}); 0 or absent: the plain average. */
  readonly momentum?: number;
  /** Body of worker `worker`'s job for `round` (written for the next round, seq 0). */
  jobBody(round: number, worker: number): string;
  readonly log?: Logger;
}

/** Where the run stands after a reducer call. */
export type ReduceOutcome =
  | { status: 'waiting'; round: number }
  /** Another worker's marker claimed the round: its reducer averages it, writes the next jobs or saves the run. */
  | { status: 'stepped-aside'; round: number; claimedBy: number }
  /** Round `round`'s average is the model of round `round + 1` (`written`: by this call). `final`: it was the last round. */
  | { status: 'reduced'; round: number; written: boolean; final: boolean; model: CheckpointState };

/** Bucket requests in flight while reading a round's markers. */
const IO_CONCURRENCY = 16;

/** Format tag of a round's reducer claim. */
export const ROUND_CLAIM_FORMAT = 'polyfaas.round-claim/v1';

/**
 * The reducer's step for one round: nothing until every worker's marker is
 * there; then one reducer claims the round (write-if-absent, naming the
 * worker whose marker triggered it) and the others step aside, so markers
 * arriving together average the round once and save the run once. The
 * claimant averages the weights in worker order into the next round's model
 * (write-if-absent), then writes the next round's jobs, each if absent. A
 * claimant that crashed anywhere is healed by the redelivery of its own
 * marker's event, which finds its name on the claim and redoes what is missing.
 */
export async function reduceRound(options: ReduceRoundOptions): Promise<ReduceOutcome> {
  const { bucket, keys, round, plan } = options;
  const final = round + 1 >= plan.rounds;
  const next = new Checkpointer(bucket, keys.modelPrefix(round + 1));
  let written = false;
  let claimedBy = options.worker;
  // The last-finisher step every chunked run uses: count the markers, read them in worker order, write once.
  const state = await finishChunkRun<RoundDone>({
    bucket,
    keys: { donePrefix: keys.donePrefix(round), doneKey: (worker) => keys.doneKey(round, worker), currentRunKey: keys.currentRunKey },
    runId: options.runId,
    chunks: plan.workers,
    claim: async () => {
      claimedBy = await claimRound(options);
      return claimedBy === options.worker;
    },
    isWritten: async () => (await next.read()) !== undefined,
    isPart: (done, worker) => done.format === ROUND_DONE_FORMAT && done.runId === options.runId && done.round === round && done.worker === worker,
    write: async (dones) => {
      written = await writeAverage(options, dones, next);
      return written;
    },
    ...(options.log ? { log: options.log } : {}),
  });
  if (state === 'claimed') {
    options.log?.info('another reducer claimed the round; stepping aside', { round, claimedBy });
    return { status: 'stepped-aside', round, claimedBy };
  }
  if (state === 'waiting' || state === 'superseded') return { status: 'waiting', round };
  const model = (await next.read())?.state;
  if (!model) throw new PolyfaasError('Unavailable', `round ${round + 1} model of run ${options.runId} vanished; retry`);
  if (!final) {
    await mapLimit(
      Array.from({ length: plan.workers }, (_, i) => i),
      IO_CONCURRENCY,
      (worker) => putIfAbsent(bucket, keys.jobKey(round + 1, worker, 0), options.jobBody(round + 1, worker), { contentType: 'application/json' }),
    );
  }
  return { status: 'reduced', round, written, final, model };
}

/**
 * Claim `round` for the reducer of `options.worker`'s marker, write-if-absent.
 * @returns the worker the claim names (this call's if it wrote it or wrote it before); -1 if it vanished (the run was finished and cleared).
 */
async function claimRound(options: ReduceRoundOptions): Promise<number> {
  const { bucket, keys, round, worker } = options;
  const key = keys.claimKey(round);
  const body = JSON.stringify({ format: ROUND_CLAIM_FORMAT, runId: options.runId, round, worker });
  if (await putIfAbsent(bucket, key, body, { contentType: 'application/json' })) return worker;
  const claim = await readJsonIfExists<{ worker?: unknown }>(bucket, key);
  return typeof claim?.worker === 'number' ? claim.worker : -1;
}

/** Average the round's weights into the next round's model, write-if-absent. @returns false when it was there already. */
async function writeAverage(options: ReduceRoundOptions, dones: readonly RoundDone[], next: Checkpointer): Promise<boolean> {
  const { bucket, keys, round, plan } = options;
  const weights = await mapLimit(dones, IO_CONCURRENCY, async (d) => ({
    tensors: d.tensors,
    floats: await new Checkpointer(bucket, keys.workerPrefix(round, d.worker)).readFloats(d),
  }));
  const start = new Checkpointer(bucket, keys.modelPrefix(round));
  const previous = round > 0 ? (await start.read())?.state : undefined;
  const seen = dones.reduce((n, d) => n + d.seen, 0);
  const record: EpochRecord = {
    epoch: round,
    loss: dones.reduce((n, d) => n + d.loss, 0) / Math.max(1, seen),
    accuracy: dones.reduce((n, d) => n + d.correct, 0) / Math.max(1, seen),
    // The round's wall time is its slowest worker's.
    seconds: Math.max(...dones.map((d) => d.seconds)),
  };
  const fields = {
    // Positions count rounds here: a round model is where the run resumes.
    position: { epoch: round + 1, batch: 0, step: round + 1 },
    history: [...(previous?.history ?? []), record],
    partial: { loss: 0, correct: 0, seen: 0, seconds: 0 },
    meta: { runId: options.runId, round: round + 1, examples: Number(previous?.meta['examples'] ?? 0) + seen },
  };
  try {
    const average = averageWeights(weights, options.optimizer);
    // Round 0 started from the seed-built model, which is stored nowhere: its average starts the momentum at zero.
    const snapshot = options.momentum && previous ? applyServerMomentum(average, { tensors: previous.tensors, floats: await start.readFloats(previous) }, options.momentum) : average;
    await next.saveSnapshot(snapshot, fields);
  } catch (err) {
    if (!isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) throw err;
    return false;
  }
  options.log?.info('round reduced', { round, rounds: plan.rounds, loss: record.loss, accuracy: record.accuracy });
  return true;
}

/** Remove a finished run's round checkpoints and markers (the final model lives on in the model store). */
export async function clearRounds(bucket: Bucket, prefixes: readonly string[]): Promise<void> {
  for (const prefix of prefixes) for await (const obj of bucket.list({ prefix })) await bucket.delete(obj.key);
}
