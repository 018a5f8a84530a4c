import type { AnyFunction, AppDefinition, AuthOptions, BucketBinding, KeyEncryptionKey, Keyring, StoreBinding } from '../../src/index.js';
import { defineApp } from '../../src/index.js';
import type { EvaluateFunctionOptions } from './evaluate-function.js';
import { createEvaluateFunction } from './evaluate-function.js';
import { createEvaluateChunkFunction } from './evaluate-chunk-function.js';
import type { PipelineHooks } from './hooks.js';
import { createModelInfoFunction } from '../shared/model-info-function.js';
import { createPlanTrainingFunction } from './plan-training.js';
import type { PredictFunctionOptions } from './predict-function.js';
import { createPredictFunction } from './predict-function.js';
import type { PreprocessSettings } from './settings.js';
import { createPreprocessFunction } from './preprocess.js';
import { createPreprocessChunkFunction } from './preprocess-chunk-function.js';
import { recordingFailures } from './last-error.js';
import { createStatusFunction } from './status-function.js';
import { createTrainFunction } from './train-function.js';
import { createTrainReduceFunction } from './train-reduce-function.js';
import { createTrainShardFunction } from './train-shard-function.js';
import type { TrainingConfig } from './training-config.js';

/** Everything that describes one image-classification pipeline. */
export interface ImageClassificationConfig {
  /** App name. Default `image-classification`. */
  name?: string;
  /** Dataset name, the folder under `raw/` and `features/`. */
  dataset: string;
  /** Model name in the model store. Default: the dataset name. */
  modelName?: string;
  /** Where everything lives: one bucket, organised by prefix. */
  bucket: BucketBinding;
  /** Encrypt everything in the bucket at rest (raw images, features, models, reports) with these keys. */
  encryption?: Keyring | KeyEncryptionKey;
  /**
   * How images become model input. `incremental` (default false) also
   * preprocesses single uploads; off, only whole-split uploads (a `_dataset.json`
   * written after the images) start the pipeline. `chunkSize`: splits of more
   * images are preprocessed in parallel chunks, one invocation each (see
   * `createPreprocessChunkFunction`); default none, one invocation per split.
   */
  preprocess: PreprocessSettings & { incremental?: boolean; chunkSize?: number };
  training?: TrainingConfig;
  serving?: Omit<PredictFunctionOptions, 'bucket' | 'modelName'>;
  /** Split names. Default `train` and `test`. */
  splits?: { train?: string; test?: string };
  /**
   * How candidates are judged. `minTestExamples`: see {@link EvaluateFunctionOptions.minTestExamples}.
   * `chunkSize`: test splits of more examples are scored in parallel chunks, one
   * invocation each (see `createEvaluateChunkFunction`); default none, one invocation.
   */
  evaluation?: Pick<EvaluateFunctionOptions, 'minTestExamples' | 'chunkSize'>;
  /** Time limit of one train invocation; longer runs continue in new invocations. Default 15 min. */
  trainTimeoutMs?: number;
  hooks?: PipelineHooks;
  /**
   * Who may call the HTTP functions (`POST /predict`, `GET /model`, `GET /status`):
   * API keys, JWT or platform identity, as in `defineApp({ auth })`. Default: open.
   */
  auth?: AuthOptions;
  /** Scopes each HTTP function requires under `auth`, e.g. `{ predict: ['predict'], model: ['model:read'] }`. Default none. */
  scopes?: { predict?: readonly string[]; model?: readonly string[]; status?: readonly string[] };
  /**
   * A key-value store (URL or store) for state between invocations: `GET /model`
   * caches its answer there, and plan-training, evaluate and `POST /predict`
   * (with an `Idempotency-Key` header) keep idempotency records there, so a
   * duplicate delivery — even one running at the same time as the first — is
   * answered from the first one's result instead of running again. Default
   * none: every request reads the bucket, and duplicates rely on the steps'
   * content-hashed keys.
   */
  state?: StoreBinding;
}

/** The logical store name of {@link ImageClassificationConfig.state}. */
export const PIPELINE_STATE = 'state';

/** The logical bucket name every function of the pipeline uses. */
export const PIPELINE_BUCKET = 'data';

/**
 * The whole pipeline as one app. Storage events chain the steps:
 *
 * ```text
 * raw/<dataset>/<split>/_dataset.json ─▶ preprocess ─▶ features/<dataset>/<split>/manifest.json
 *   (with `chunkSize`: preprocess ─▶ jobs/preprocess/… ─▶ preprocess-chunk × N, the last writes the manifest)
 *   ─▶ plan-training ─▶ jobs/train/<run>/<seq>.json ─▶ train (─▶ next job when out of time)
 *   (with `training.workers` K > 1: plan-training ─▶ jobs/train-round/… ─▶ train-shard × K ─▶ jobs/train-reduce/…
 *    ─▶ train-reduce: average, next round's jobs … after the last round it saves the version as train does)
 *   ─▶ models/<model>/versions/<v>/manifest.json ─▶ evaluate ─▶ reports/ + alias "production"
 *   (with `evaluation.chunkSize`: evaluate ─▶ jobs/evaluate/… ─▶ evaluate-chunk × N, the last writes the report)
 * POST /predict serves production; GET /model describes it; GET /status shows where the pipeline stands.
 * ```
 *
 * @example
 * ```ts
 * const app = createImageClassificationApp({
 *   dataset: 'fashion-mnist', bucket: 'file:///var/fashion',
 *   preprocess: { input: { width: 28, height: 28, channels: 1 }, classes },
 * });
 * ```
 */
export function createImageClassificationApp(config: ImageClassificationConfig): AppDefinition {
  const modelName = config.modelName ?? config.dataset;
  const bucket = PIPELINE_BUCKET;
  const splits = { ...(config.splits?.train ? { trainSplit: config.splits.train } : {}), ...(config.splits?.test ? { testSplit: config.splits.test } : {}) };
  return defineApp({
    name: config.name ?? 'image-classification',
    buckets: { [bucket]: config.bucket },
    ...(config.encryption ? { encryption: { [bucket]: config.encryption } } : {}),
    functions: [
      recordingFailures(
        createPreprocessFunction({
          ...config.preprocess,
          bucket,
          incremental: config.preprocess.incremental ?? false,
          ...(config.hooks?.onPreprocess ? { onProgress: (done: number, total: number, split: string) => config.hooks?.onPreprocess?.({ split, done, total }) } : {}),
        }),
        bucket,
      ),
      ...(config.preprocess.chunkSize !== undefined ? [recordingFailures(createPreprocessChunkFunction({ bucket }), bucket)] : []),
      idempotent(recordingFailures(createPlanTrainingFunction({ bucket, dataset: config.dataset, modelName, ...splits, ...(config.training ? { training: config.training } : {}) }), bucket), config.state),
      recordingFailures(
        createTrainFunction({ bucket, ...(config.trainTimeoutMs ? { timeoutMs: config.trainTimeoutMs } : {}), ...(config.hooks ? { hooks: config.hooks } : {}) }),
        bucket,
      ),
      ...((config.training?.workers ?? 1) > 1
        ? [
            recordingFailures(createTrainShardFunction({ bucket, ...(config.trainTimeoutMs ? { timeoutMs: config.trainTimeoutMs } : {}) }), bucket),
            recordingFailures(createTrainReduceFunction({ bucket, ...(config.hooks ? { hooks: config.hooks } : {}) }), bucket),
          ]
        : []),
      idempotent(recordingFailures(createEvaluateFunction({ bucket, modelName, ...(config.evaluation ?? {}), ...(config.hooks ? { hooks: config.hooks } : {}) }), bucket), config.state),
      ...(config.evaluation?.chunkSize !== undefined ? [recordingFailures(createEvaluateChunkFunction({ bucket, ...(config.hooks ? { hooks: config.hooks } : {}) }), bucket)] : []),
      idempotent(scoped(createPredictFunction({ bucket, modelName, ...(config.serving ?? {}) }), config.scopes?.predict), config.state),
      scoped(createModelInfoFunction({ bucket, modelName, ...(config.state ? { cacheStore: PIPELINE_STATE } : {}) }), config.scopes?.model),
      scoped(createStatusFunction({ bucket, dataset: config.dataset, modelName, ...splits }), config.scopes?.status),
    ],
    ...(config.auth ? { auth: config.auth } : {}),
    ...(config.state ? { stores: { [PIPELINE_STATE]: config.state } } : {}),
  });
}

/** `fn` with its idempotency records in the pipeline's state store, when there is one. */
function idempotent<F extends AnyFunction>(fn: F, state: StoreBinding | undefined): F {
  return state === undefined ? fn : { ...fn, idempotency: { store: PIPELINE_STATE } };
}

/** A function that requires `scopes` on top of the app's auth (defineApp checks there is auth to give them). */
function scoped<F extends AnyFunction>(fn: F, scopes: readonly string[] | undefined): F {
  return scopes?.length ? { ...fn, auth: { ...(typeof fn.auth === 'object' ? fn.auth : {}), scopes } } : fn;
}
