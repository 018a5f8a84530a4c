import type { AnyFunction, AppDefinition, AuthOptions, BucketBinding, KeyEncryptionKey, Keyring } from '../../src/index.js';
import { defineApp } from '../../src/index.js';
import { createModelInfoFunction } from '../shared/model-info-function.js';
import type { ClassifyFunctionOptions } from './classify-function.js';
import { createClassifyFunction } from './classify-function.js';
import type { TextEvaluateOptions } from './text-evaluate-function.js';
import { createTextEvaluateFunction } from './text-evaluate-function.js';
import { createTextPreprocessChunkFunction } from './text-preprocess-chunk-function.js';
import { createTextPreprocessFunction } from './text-preprocess-function.js';
import type { TextTrainFunctionOptions } from './text-train-function.js';
import { createTextTrainFunction } from './text-train-function.js';
import type { TextTrainingConfig } from './text-training-config.js';
import { resolveTextTrainingConfig } from './text-training-config.js';
import type { TokenizerOptions } from './tokenizer.js';

/** Everything that describes one text-classification pipeline. */
export interface TextClassificationConfig {
  /** App name. Default `text-classification`. */
  name?: string;
  /** Dataset name, the folder under `raw/` and `features/`. */
  dataset: string;
  /** Model name in the model store. Default: the dataset name. */
  modelName?: string;
  /** Where everything lives: one bucket, organised by prefix. */
  bucket: BucketBinding;
  /** Encrypt everything in the bucket at rest. */
  encryption?: Keyring | KeyEncryptionKey;
  /** How texts become token ids (level, vocabulary cut, length percentile). */
  tokenizer?: TokenizerOptions;
  /**
   * `chunkSize`: splits of more records are encoded in chunks of that many
   * (rounded up to whole shards), each in its own preprocess-text-chunk
   * invocation, with the tokenizer fitted once on the train split. Default:
   * one invocation. `examplesPerShard`: records per token shard (default 2,048).
   */
  preprocess?: { chunkSize?: number; examplesPerShard?: number };
  training?: TextTrainingConfig;
  serving?: Omit<ClassifyFunctionOptions, 'bucket' | 'modelName'>;
  evaluation?: Pick<TextEvaluateOptions, 'minTestExamples' | 'onEvaluated'>;
  /** Time limit of one train invocation; longer runs continue in new invocations. Default 15 min. */
  trainTimeoutMs?: number;
  onEpoch?: TextTrainFunctionOptions['onEpoch'];
  /** Called after each training batch (progress bars). */
  onBatch?: TextTrainFunctionOptions['onBatch'];
  /** Who may call `POST /classify` and `GET /model`, as in `defineApp({ auth })`. Default: open. */
  auth?: AuthOptions;
  /** Scopes each HTTP function requires under `auth`. */
  scopes?: { classify?: readonly string[]; model?: readonly string[] };
}

/**
 * The whole text pipeline as one app, chained by storage events like the image pipeline:
 *
 * ```text
 * raw/<dataset>/{train,test}/_dataset.json ─▶ preprocess-text (tokenizer fitted on train; token shards)
 *   (with `preprocess.chunkSize`: ─▶ jobs/preprocess-text/… ─▶ preprocess-text-chunk × N, each split's last writes its manifest)
 *   ─▶ features/<dataset>/<split>/manifest.json + jobs/train-text/<run>/<seq>.json ─▶ train-text (─▶ next job when out of time)
 *   ─▶ models/<model>/versions/<v>/manifest.json (weights + tokenizer, signed) ─▶ evaluate-text ─▶ reports/ + alias "production"
 * POST /classify serves production; GET /model describes it.
 * ```
 */
export function createTextClassificationApp(config: TextClassificationConfig): AppDefinition {
  const modelName = config.modelName ?? config.dataset;
  const bucket = 'data';
  const training = resolveTextTrainingConfig(config.training);
  return defineApp({
    name: config.name ?? 'text-classification',
    buckets: { [bucket]: config.bucket },
    ...(config.encryption ? { encryption: { [bucket]: config.encryption } } : {}),
    functions: [
      createTextPreprocessFunction({ bucket, dataset: config.dataset, modelName, training, ...(config.tokenizer ? { tokenizer: config.tokenizer } : {}), ...(config.preprocess ?? {}) }),
      ...(config.preprocess?.chunkSize !== undefined ? [createTextPreprocessChunkFunction({ bucket, dataset: config.dataset, modelName, training })] : []),
      createTextTrainFunction({ bucket, ...(config.trainTimeoutMs ? { timeoutMs: config.trainTimeoutMs } : {}), ...(config.onEpoch ? { onEpoch: config.onEpoch } : {}), ...(config.onBatch ? { onBatch: config.onBatch } : {}) }),
      createTextEvaluateFunction({ bucket, modelName, ...(config.evaluation ?? {}) }),
      scoped(createClassifyFunction({ bucket, modelName, ...(config.serving ?? {}) }), config.scopes?.classify),
      scoped(createModelInfoFunction({ bucket, modelName }), config.scopes?.model),
    ],
    ...(config.auth ? { auth: config.auth } : {}),
  });
}

function scoped<F extends AnyFunction>(fn: F, scopes: readonly string[] | undefined): F {
  return scopes?.length ? { ...fn, auth: { ...(typeof fn.auth === 'object' ? fn.auth : {}), scopes } } : fn;
}
