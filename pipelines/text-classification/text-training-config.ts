import { PolyfaasError } from '../../src/index.js';

/** How the text model is built and trained. Every field has a default. */
export interface TextTrainingConfig {
  /** `gru` (default), `lstm`, or `conv1d` (a 1-D convolution over the embeddings). */
  architecture?: 'gru' | 'lstm' | 'conv1d';
  /** Read the text both ways (recurrent architectures). Default false. */
  bidirectional?: boolean;
  /** Recurrent output the classifier reads: `max` over every step (default), `max-mean` (max and mean over the steps, concatenated) or the `last` state. */
  pooling?: 'max' | 'max-mean' | 'last';
  /** Embedding width. Default 64. */
  embeddingDim?: number;
  /** Recurrent units, or convolution filters. Default 64. */
  units?: number;
  dropout?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Multiply the learning rate by this after every epoch (1 = constant). */
  learningRateDecay?: number;
  /** Seeds weight initialisation and the example order. */
  seed?: number;
  checkpointEverySteps?: number;
  /** Train on the first N examples only (quick runs). */
  limit?: number;
  /** Wall time one invocation may train before it checkpoints and hands over to the next. */
  invocationBudgetMs?: number;
  /** Also fit the naive Bayes and bag-of-words baselines on the same split and report them. Default true. */
  baselines?: boolean;
}

/** {@link TextTrainingConfig} with defaults applied. */
export type ResolvedTextTrainingConfig = Required<Omit<TextTrainingConfig, 'limit' | 'invocationBudgetMs'>> & Pick<TextTrainingConfig, 'limit' | 'invocationBudgetMs'>;

/** Apply defaults and check ranges. @throws `InvalidArgument`. */
export function resolveTextTrainingConfig(config: TextTrainingConfig = {}): ResolvedTextTrainingConfig {
  const r: ResolvedTextTrainingConfig = {
    architecture: config.architecture ?? 'gru',
    bidirectional: config.bidirectional ?? false,
    pooling: config.pooling ?? 'max',
    embeddingDim: config.embeddingDim ?? 64,
    units: config.units ?? 64,
    dropout: config.dropout ?? 0.2,
    epochs: config.epochs ?? 4,
    batchSize: config.batchSize ?? 32,
    learningRate: config.learningRate ?? 0.005,
    learningRateDecay: config.learningRateDecay ?? 1,
    seed: config.seed ?? 42,
    checkpointEverySteps: config.checkpointEverySteps ?? 50,
    baselines: config.baselines ?? true,
    ...(config.limit !== undefined ? { limit: config.limit } : {}),
    ...(config.invocationBudgetMs !== undefined ? { invocationBudgetMs: config.invocationBudgetMs } : {}),
  };
  if (!['gru', 'lstm', 'conv1d'].includes(r.architecture)) throw invalid(`training.architecture must be gru, lstm or conv1d, got ${String(r.architecture)}`);
  if (!['max', 'max-mean', 'last'].includes(r.pooling)) throw invalid(`training.pooling must be max, max-mean or last, got ${String(r.pooling)}`);
  for (const key of ['embeddingDim', 'units', 'epochs', 'batchSize', 'checkpointEverySteps'] as const) {
    if (!(Number.isInteger(r[key]) && r[key] > 0)) throw invalid(`training.${key} must be a positive integer`);
  }
  if (!(r.learningRate > 0)) throw invalid('training.learningRate must be positive');
  if (!(r.learningRateDecay > 0 && r.learningRateDecay <= 1)) throw invalid('training.learningRateDecay must be in (0, 1]');
  if (!(r.dropout >= 0 && r.dropout < 1)) throw invalid('training.dropout must be in [0, 1)');
  return r;
}

function invalid(message: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message);
}
