import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CheckpointState, Checkpointer, EpochRecord, TrainingPosition } from './checkpoint.js';
import { epochPermutation } from './permutation.js';

/** Labelled examples the trainer can draw batches from, wherever they are stored. */
export interface TrainingData {
  readonly count: number;
  /** Shape of one example without the batch dimension, e.g. `[height, width, channels]` or `[tokens]`. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /**
   * Copy examples `indices` into `xs` (row-major, normalised floats) and their class ids into `ys`.
   * `epoch` is the training epoch the batch is for, so training-time augmentation can be seeded
   * by (seed, epoch, example) and a resumed run sees exactly the images an uninterrupted one would.
   */
  gather(indices: ArrayLike<number>, xs: Float32Array, ys: Int32Array, epoch?: number): void;
}

/** Progress after each batch. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  step: number;
  /** Running mean over the epoch so far. */
  loss: number;
  accuracy: number;
}

/** Options for {@link trainWithCheckpoints}. */
export interface TrainOptions {
  model: tfl.LayersModel;
  data: TrainingData;
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle: same seed, same order, even across restarts. */
  seed: number;
  checkpointer: Checkpointer;
  /** Checkpoint every this many optimizer steps (and at each epoch end, and before stopping). */
  checkpointEverySteps: number;
  /** Stop (after checkpointing) once this much wall time has been used in this call. */
  budgetMs?: number;
  /** Epoch ms by which this call must have returned, e.g. the function's deadline. */
  deadline?: number;
  /** Stop at the next batch boundary when aborted (after checkpointing). */
  signal?: AbortSignal;
  /**
   * Learning rate for an epoch (e.g. exponential decay). Derived from the epoch
   * alone, so a resumed run uses exactly the rate the uninterrupted run would.
   */
  learningRate?: (epoch: number) => number;
  /** Extra data stored in each checkpoint (e.g. a config hash). */
  meta?: Record<string, unknown>;
  onBatch?: (progress: BatchProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** Called after each checkpoint is safely written. */
  onCheckpoint?: (position: TrainingPosition) => void;
  /** Called once, before the first batch, when training continues from a checkpoint. */
  onResume?: (position: TrainingPosition) => void;
}

/** How a training call ended. */
export interface TrainResult {
  finished: boolean;
  /** Why it stopped early, when it did. */
  stoppedBecause?: 'budget' | 'deadline' | 'aborted';
  position: TrainingPosition;
  history: EpochRecord[];
  /** True if this call continued from a checkpoint. */
  resumed: boolean;
}

/**
 * Train under a time limit, checkpointing model, optimizer state and position
 * so that the next call continues exactly where this one stopped. A process
 * killed outright loses at most `checkpointEverySteps` steps.
 *
 * @example
 * ```ts
 * const result = await trainWithCheckpoints({ model, data, epochs: 5, batchSize: 64, seed: 1,
 *   checkpointer: new Checkpointer(bucket, 'runs/abc/checkpoint/'), checkpointEverySteps: 50,
 *   deadline: ctx.deadline, signal: ctx.signal });
 * if (!result.finished) await requestAnotherInvocation();
 * ```
 */
export async function trainWithCheckpoints(options: TrainOptions): Promise<TrainResult> {
  const { model, data, batchSize, checkpointer } = options;
  if (!(batchSize > 0) || !(options.epochs > 0) || !(options.checkpointEverySteps > 0)) {
    throw new RangeError('batchSize, epochs and checkpointEverySteps must be positive');
  }
  const started = Date.now();
  const saved = await checkpointer.read();
  let position: TrainingPosition = { epoch: 0, batch: 0, step: 0 };
  let history: EpochRecord[] = [];
  let partial: CheckpointState['partial'] = { loss: 0, correct: 0, seen: 0, seconds: 0 };
  if (saved) {
    await checkpointer.restore(model, saved.state);
    ({ position, history, partial } = saved.state);
    options.onResume?.({ ...position });
  }
  const resumed = saved !== undefined;
  const save = async () => {
    const t0 = Date.now();
    await checkpointer.save(model, { position, history, partial, meta: options.meta ?? {} });
    checkpointMs = Math.max(checkpointMs, Date.now() - t0);
    options.onCheckpoint?.({ ...position });
  };

  const batchesPerEpoch = Math.ceil(data.count / batchSize);
  const size = data.inputShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(batchSize * size);
  const ys = new Int32Array(batchSize);
  let stepMs = 0;
  let checkpointMs = 0;
  let sinceCheckpoint = 0;

  const stopReason = (): TrainResult['stoppedBecause'] => {
    if (options.signal?.aborted) return 'aborted';
    // Leave room for one more step and a checkpoint, measured rather than guessed.
    const margin = 2 * stepMs + 2 * checkpointMs + 250;
    if (options.budgetMs !== undefined && Date.now() - started + margin > options.budgetMs) return 'budget';
    if (options.deadline !== undefined && Date.now() + margin > options.deadline) return 'deadline';
    return undefined;
  };

  let order = epochPermutation(data.count, options.seed, position.epoch);
  while (position.epoch < options.epochs) {
    if (position.batch >= batchesPerEpoch) {
      const record: EpochRecord = {
        epoch: position.epoch,
        loss: partial.loss / Math.max(1, partial.seen),
        accuracy: partial.correct / Math.max(1, partial.seen),
        seconds: partial.seconds,
      };
      history = [...history, record];
      partial = { loss: 0, correct: 0, seen: 0, seconds: 0 };
      position = { epoch: position.epoch + 1, batch: 0, step: position.step };
      options.onEpoch?.(record);
      await save();
      sinceCheckpoint = 0;
      order = epochPermutation(data.count, options.seed, position.epoch);
      continue;
    }
    const reason = stopReason();
    if (reason) {
      if (sinceCheckpoint > 0 || !resumed) await save();
      return { finished: false, stoppedBecause: reason, position, history, resumed };
    }
    if (options.learningRate && model.optimizer) setLearningRate(model.optimizer, options.learningRate(position.epoch));
    const t0 = Date.now();
    const from = position.batch * batchSize;
    const n = Math.min(batchSize, data.count - from);
    data.gather(order.subarray(from, from + n), xs, ys, position.epoch);
    const x = tf.tensor(xs.subarray(0, n * size), [n, ...data.inputShape]);
    const labels = tf.tensor1d(ys.subarray(0, n), 'int32');
    const y = tf.oneHot(labels, data.numClasses);
    let loss: number;
    let accuracy: number;
    try {
      const out = (await model.trainOnBatch(x, y)) as number[];
      loss = out[0] as number;
      accuracy = out[1] as number;
    } finally {
      tf.dispose([x, labels, y]);
    }
    const elapsed = Date.now() - t0;
    stepMs = stepMs === 0 ? elapsed : 0.9 * stepMs + 0.1 * elapsed;
    partial = {
      loss: partial.loss + loss * n,
      correct: partial.correct + accuracy * n,
      seen: partial.seen + n,
      seconds: partial.seconds + elapsed / 1000,
    };
    position = { epoch: position.epoch, batch: position.batch + 1, step: position.step + 1 };
    sinceCheckpoint++;
    options.onBatch?.({
      epoch: position.epoch,
      epochs: options.epochs,
      batch: position.batch,
      batchesPerEpoch,
      step: position.step,
      loss: partial.loss / partial.seen,
      accuracy: partial.correct / partial.seen,
    });
    if (position.batch < batchesPerEpoch && sinceCheckpoint >= options.checkpointEverySteps) {
      await save();
      sinceCheckpoint = 0;
    }
  }
  return { finished: true, position, history, resumed };
}

/**
 * tfjs optimizers read `learningRate` on every step but do not expose a setter
 * (the field is `protected` in the typings), so schedules assign it directly.
 */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  if (!(rate > 0)) throw new RangeError(`learning rate must be positive, got ${rate}`);
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}
