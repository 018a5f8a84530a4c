import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppDefinition, AuthOptions, BucketBinding, StoreBinding } from 'polyfaas';
import type { PipelineHooks, TrainingConfig } from 'polyfaas/pipelines';
import { createImageClassificationApp } from 'polyfaas/pipelines';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DATASET } from './data/labels.js';

/** Options for {@link fashionMnistApp}. */
export interface FashionMnistAppOptions {
  /** Where the pipeline keeps everything. Default: `.polyfaas/fashion-mnist` under the working directory. */
  bucket?: BucketBinding;
  training?: TrainingConfig;
  hooks?: PipelineHooks;
  /** Time limit of one train invocation (longer runs continue in new invocations). */
  trainTimeoutMs?: number;
  /**
   * Who may call `/predict`, `/model` and `/status` (see `defineApp({ auth })`),
   * e.g. `{ apiKeys: {} }` for keys from `POLYFAAS_API_KEYS`. Default: open.
   * Keys need the scope `predict` for `/predict` and `model:read` for the others.
   */
  auth?: AuthOptions;
  /**
   * A key-value store for state between invocations: plan-training, evaluate and
   * `POST /predict` (with an `Idempotency-Key`) become idempotent, and `GET /model`
   * is cached there. Off by default: after a crash, a duplicate waits until the dead
   * holder's lease (the function's timeout) runs out, which `npm start`'s kill-and-rerun
   * flow would feel as a hang of up to the evaluate timeout.
   */
  state?: StoreBinding;
  /**
   * Cut each split into chunks of about this many images, each preprocessed by its
   * own invocation (in parallel on the clouds and in `serve({ workers })`); the
   * features manifest is written once, by the chunk that completes the set.
   * Default: one invocation per split.
   */
  chunkSize?: number;
  /** Examples per feature shard (chunks hold whole shards). Default: sized from the image. */
  examplesPerShard?: number;
  /**
   * Score a candidate on a test split of more than this many images in chunks
   * (whole shards), each its own invocation; the chunk that completes the set
   * writes the report and promotes, as one invocation would. Default: one invocation.
   */
  evaluationChunkSize?: number;
}

/** The scopes each HTTP function of the example requires when it has auth. */
export const FASHION_MNIST_SCOPES = { predict: ['predict'], model: ['model:read'], status: ['model:read'] } as const;

/** Default data directory of the example. */
export const DEFAULT_DATA_DIR = resolve('.polyfaas/fashion-mnist');

/**
 * The Fashion-MNIST classifier: the generic image-classification pipeline
 * configured for 28×28 greyscale images and ten clothing classes. The same
 * definition runs in unit tests (memory runtime), on the local server, and
 * through each cloud's entry file.
 */
export function fashionMnistApp(options: FashionMnistAppOptions = {}): AppDefinition {
  return createImageClassificationApp({
    name: 'fashion-mnist',
    dataset: FASHION_MNIST_DATASET,
    bucket: options.bucket ?? pathToFileURL(DEFAULT_DATA_DIR).href,
    preprocess: {
      input: { width: 28, height: 28, channels: 1 },
      classes: FASHION_MNIST_CLASSES,
      ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
      ...(options.examplesPerShard !== undefined ? { examplesPerShard: options.examplesPerShard } : {}),
    },
    training: { epochs: 3, batchSize: 64, ...options.training },
    ...(options.evaluationChunkSize !== undefined ? { evaluation: { chunkSize: options.evaluationChunkSize } } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.trainTimeoutMs ? { trainTimeoutMs: options.trainTimeoutMs } : {}),
    ...(options.auth ? { auth: options.auth, scopes: FASHION_MNIST_SCOPES } : {}),
    ...(options.state ? { state: options.state } : {}),
  });
}

/** The app with defaults, for `polyfaas serve examples/fashion-mnist/app.ts`. */
export const app = fashionMnistApp();
