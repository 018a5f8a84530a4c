import { PolyfaasError } from '../../src/index.js';
import type { RoundOptimizerState } from '../shared/weight-average.js';
import type { AugmentOptions } from './augment.js';
import type { LearningRateSchedule } from './learning-rate-schedule.js';
import { checkSchedule } from './learning-rate-schedule.js';

/** How the train step trains. Every field has a default. */
export interface TrainingConfig {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Multiply the learning rate by this after every epoch (1 = constant); for the `exponential` schedule. */
  learningRateDecay?: number;
  /** `exponential` (default, see `learningRateDecay`) or `cosine` (from `learningRate` down to 0 over the run). */
  schedule?: 'exponential' | 'cosine';
  /** Epochs of linear warm-up before the schedule. Default 0. */
  warmupEpochs?: number;
  /** Training-time augmentation: each epoch sees freshly shifted/flipped copies, seeded by (seed, epoch, example). Off by default. */
  augment?: AugmentOptions;
  /** Seeds weight initialisation and the example order. */
  seed?: number;
  /** Conv filters, one entry per block. Default `[32, 64]`. */
  filters?: number[];
  /** 3×3 convs per block (see `buildCnn`). Default 1. */
  convsPerBlock?: number;
  /** Batch normalisation after every conv and the hidden dense layer. Default false. */
  batchNorm?: boolean;
  /** Dropout after each conv block. Default 0. */
  blockDropout?: number;
  denseUnits?: number;
  dropout?: number;
  /** Train on the first N examples only (quick runs). */
  limit?: number;
  /** Checkpoint every this many steps. */
  checkpointEverySteps?: number;
  /**
   * Wall time one invocation may train before it checkpoints and hands over to
   * the next (besides the function deadline, which is always respected).
   */
  invocationBudgetMs?: number;
  /**
   * The classifier trained on feature vectors when preprocessing has an
   * extractor (the CNN settings above are then unused). Default: a softmax
   * regression trained for `epochs`.
   */
  head?: HeadConfig;
  /**
   * Data-parallel workers (default 1: one invocation trains at a time). With
   * K > 1, K invocations train on disjoint shards in rounds and their
   * weights are averaged after each round (see docs/data-parallel-training.md).
   */
  workers?: number;
  /** With `workers` > 1: optimizer steps each worker takes per round before the weights are averaged. Default 50 (measured: see docs/data-parallel-training.md). */
  roundSteps?: number;
  /** With `workers` > 1: average Adam's moment estimates like the weights, or start them afresh each round. Default `average` (measured with the scaled rate: see docs/data-parallel-training.md). */
  roundOptimizer?: RoundOptimizerState;
  /**
   * With `workers` > 1: the workers train at `learningRate × roundRateScale`
   * (default `workers`: the linear scaling rule, measured at K = 2 in
   * docs/data-parallel-training.md); 1 keeps the single-worker rate.
   */
  roundRateScale?: number;
  /** With `workers` > 1: rounds over which the rate ramps from 1× to `roundRateScale`× (default 0: none). */
  roundRateWarmup?: number;
  /** With `workers` > 1: server momentum β over rounds, in [0, 1); 0 is plain model averaging (measured: see docs/data-parallel-training.md). */
  roundMomentum?: number;
}

/** {@link TrainingConfig.head}. */
export interface HeadConfig {
  /** Units of a hidden ReLU layer; 0 (default) for none. */
  hiddenUnits?: number;
  /** Dropout before the output layer; 0 (default) for none. */
  dropout?: number;
  /** Epochs over the embeddings. Default: `epochs`. Heads are cheap: tens of epochs take seconds. */
  epochs?: number;
}

// Optional fields stay absent unless set, so configs that do not use them hash (and plan runs) exactly as before.
type Optional =
  | 'limit' | 'invocationBudgetMs' | 'head' | 'workers' | 'roundSteps' | 'roundOptimizer' | 'roundMomentum' | 'roundRateScale' | 'roundRateWarmup'
  | 'schedule' | 'warmupEpochs' | 'augment' | 'convsPerBlock' | 'batchNorm' | 'blockDropout';

/** {@link TrainingConfig} with defaults applied. */
export type ResolvedTrainingConfig = Required<Omit<TrainingConfig, Optional>> & Pick<TrainingConfig, Optional>;

/** Apply defaults and check ranges. @throws PolyfaasError `InvalidArgument`. */
export function resolveTrainingConfig(config: TrainingConfig = {}): ResolvedTrainingConfig {
  const resolved: ResolvedTrainingConfig = {
    epochs: config.epochs ?? 3,
    batchSize: config.batchSize ?? 64,
    learningRate: config.learningRate ?? 0.001,
    learningRateDecay: config.learningRateDecay ?? 1,
    seed: config.seed ?? 42,
    filters: config.filters ?? [32, 64],
    denseUnits: config.denseUnits ?? 128,
    dropout: config.dropout ?? 0.25,
    checkpointEverySteps: config.checkpointEverySteps ?? 100,
    ...(config.limit !== undefined ? { limit: config.limit } : {}),
    ...(config.schedule !== undefined ? { schedule: config.schedule } : {}),
    ...(config.warmupEpochs !== undefined ? { warmupEpochs: config.warmupEpochs } : {}),
    ...(config.augment !== undefined ? { augment: { ...config.augment } } : {}),
    ...(config.convsPerBlock !== undefined ? { convsPerBlock: config.convsPerBlock } : {}),
    ...(config.batchNorm !== undefined ? { batchNorm: config.batchNorm } : {}),
    ...(config.blockDropout !== undefined ? { blockDropout: config.blockDropout } : {}),
    ...(config.invocationBudgetMs !== undefined ? { invocationBudgetMs: config.invocationBudgetMs } : {}),
    // Only present when set, so configs without a head hash (and plan runs) exactly as before.
    ...(config.head !== undefined ? { head: resolveHead(config.head) } : {}),
    // Likewise one worker resolves to no field at all: the single-invocation path, hashing as before.
    ...resolveWorkers(config),
  };
  for (const key of ['epochs', 'batchSize', 'checkpointEverySteps', 'denseUnits'] as const) {
    if (!(Number.isInteger(resolved[key]) && resolved[key] > 0)) throw new PolyfaasError('InvalidArgument', `training.${key} must be a positive integer`);
  }
  if (!(resolved.learningRate > 0)) throw new PolyfaasError('InvalidArgument', 'training.learningRate must be positive');
  if (!(resolved.learningRateDecay > 0 && resolved.learningRateDecay <= 1)) throw new PolyfaasError('InvalidArgument', 'training.learningRateDecay must be in (0, 1]');
  if (!(resolved.dropout >= 0 && resolved.dropout < 1)) throw new PolyfaasError('InvalidArgument', 'training.dropout must be in [0, 1)');
  if (!(Array.isArray(resolved.filters) && resolved.filters.length > 0 && resolved.filters.every((f) => Number.isInteger(f) && f > 0))) {
    throw new PolyfaasError('InvalidArgument', 'training.filters must be a non-empty list of positive integers');
  }
  if (resolved.convsPerBlock !== undefined && !(Number.isInteger(resolved.convsPerBlock) && resolved.convsPerBlock > 0)) {
    throw new PolyfaasError('InvalidArgument', 'training.convsPerBlock must be a positive integer');
  }
  if (resolved.blockDropout !== undefined && !(resolved.blockDropout >= 0 && resolved.blockDropout < 1)) throw new PolyfaasError('InvalidArgument', 'training.blockDropout must be in [0, 1)');
  checkSchedule(scheduleOf(resolved));
  checkAugment(resolved.augment);
  return resolved;
}

/** Server momentum of data-parallel runs unless configured (chosen by measurement: docs/data-parallel-training.md). */
const DEFAULT_ROUND_MOMENTUM = 0;

function resolveWorkers(config: TrainingConfig): Pick<TrainingConfig, 'workers' | 'roundSteps' | 'roundOptimizer' | 'roundMomentum' | 'roundRateScale' | 'roundRateWarmup'> {
  const workers = config.workers ?? 1;
  if (!(Number.isInteger(workers) && workers > 0)) throw new PolyfaasError('InvalidArgument', 'training.workers must be a positive integer');
  if (workers === 1) return {};
  const roundSteps = config.roundSteps ?? 50;
  if (!(Number.isInteger(roundSteps) && roundSteps > 0)) throw new PolyfaasError('InvalidArgument', 'training.roundSteps must be a positive integer');
  const roundOptimizer = config.roundOptimizer ?? 'average';
  if (roundOptimizer !== 'average' && roundOptimizer !== 'reset') throw new PolyfaasError('InvalidArgument', "training.roundOptimizer must be 'average' or 'reset'");
  const roundMomentum = config.roundMomentum ?? DEFAULT_ROUND_MOMENTUM;
  if (!(roundMomentum >= 0 && roundMomentum < 1)) throw new PolyfaasError('InvalidArgument', 'training.roundMomentum must be in [0, 1)');
  const roundRateScale = config.roundRateScale ?? workers;
  if (!(roundRateScale > 0)) throw new PolyfaasError('InvalidArgument', 'training.roundRateScale must be positive');
  const roundRateWarmup = config.roundRateWarmup ?? 0;
  if (!(Number.isInteger(roundRateWarmup) && roundRateWarmup >= 0)) throw new PolyfaasError('InvalidArgument', 'training.roundRateWarmup must be a non-negative integer');
  return { workers, roundSteps, roundOptimizer, roundMomentum, roundRateScale, roundRateWarmup };
}

/** The learning-rate schedule a resolved config asks for (see `learningRateAt`). */
export function scheduleOf(config: ResolvedTrainingConfig): LearningRateSchedule {
  return {
    learningRate: config.learningRate,
    epochs: config.epochs,
    decay: config.learningRateDecay,
    ...(config.schedule ? { schedule: config.schedule } : {}),
    ...(config.warmupEpochs !== undefined ? { warmupEpochs: config.warmupEpochs } : {}),
  };
}

function checkAugment(augment: AugmentOptions | undefined): void {
  if (!augment) return;
  const { maxShift = 0, flipProbability = 0, maxRotationDegrees = 0 } = augment;
  if (!(maxShift >= 0 && flipProbability >= 0 && flipProbability <= 1 && maxRotationDegrees >= 0)) {
    throw new PolyfaasError('InvalidArgument', 'training.augment needs maxShift ≥ 0, flipProbability in [0, 1] and maxRotationDegrees ≥ 0');
  }
}

function resolveHead(head: HeadConfig): HeadConfig {
  const { hiddenUnits = 0, dropout = 0 } = head;
  if (!(Number.isInteger(hiddenUnits) && hiddenUnits >= 0)) throw new PolyfaasError('InvalidArgument', 'training.head.hiddenUnits must be a non-negative integer');
  if (!(dropout >= 0 && dropout < 1)) throw new PolyfaasError('InvalidArgument', 'training.head.dropout must be in [0, 1)');
  if (head.epochs !== undefined && !(Number.isInteger(head.epochs) && head.epochs > 0)) throw new PolyfaasError('InvalidArgument', 'training.head.epochs must be a positive integer');
  return { hiddenUnits, dropout, ...(head.epochs !== undefined ? { epochs: head.epochs } : {}) };
}

// Moved to pipelines/shared (the text pipeline hashes its runs the same way); re-exported for existing importers.
export { stableHash } from '../shared/stable-hash.js';
