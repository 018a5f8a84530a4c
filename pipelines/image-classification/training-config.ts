import { PolyfaasError } from '../../src/index.js';

/** How the train step trains. Every field has a default. */
export interface TrainingConfig {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Multiply the learning rate by this after every epoch (1 = constant). */
  learningRateDecay?: number;
  /** Seeds weight initialisation and the example order. */
  seed?: number;
  /** `[first, second]` conv filters. */
  filters?: [number, number];
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
}

/** {@link TrainingConfig} with defaults applied. */
export type ResolvedTrainingConfig = Required<Omit<TrainingConfig, 'limit' | 'invocationBudgetMs'>> & Pick<TrainingConfig, 'limit' | 'invocationBudgetMs'>;

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
    ...(config.invocationBudgetMs !== undefined ? { invocationBudgetMs: config.invocationBudgetMs } : {}),
  };
  for (const key of ['epochs', 'batchSize', 'checkpointEverySteps', 'denseUnits'] as const) {
    if (!(Number.isInteger(resolved[key]) && resolved[key] > 0)) throw new PolyfaasError('InvalidArgument', `training.${key} must be a positive integer`);
  }
  if (!(resolved.learningRate > 0)) throw new PolyfaasError('InvalidArgument', 'training.learningRate must be positive');
  if (!(resolved.learningRateDecay > 0 && resolved.learningRateDecay <= 1)) throw new PolyfaasError('InvalidArgument', 'training.learningRateDecay must be in (0, 1]');
  if (!(resolved.dropout >= 0 && resolved.dropout < 1)) throw new PolyfaasError('InvalidArgument', 'training.dropout must be in [0, 1)');
  return resolved;
}

// Moved to pipelines/shared (the text pipeline hashes its runs the same way); re-exported for existing importers.
export { stableHash } from '../shared/stable-hash.js';
