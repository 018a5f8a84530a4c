import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import type { ImageSummary } from './preprocess-image.js';
import { preprocessImage } from './preprocess-image.js';
import type { BatchSummary } from './preprocess-batch.js';
import { preprocessPlan } from './preprocess-batch.js';
import { chunkImages, markCurrentRun, writeChunkJobs } from './preprocess-chunks.js';
import { planSplit } from './split-plan.js';
import { DATASET_MANIFEST_FILE, parseRawKey } from './layout.js';
import type { PreprocessSettings } from './settings.js';
import { resolveSettings } from './settings.js';

/** Options for {@link createPreprocessFunction}. */
export interface PreprocessFunctionOptions extends PreprocessSettings {
  /** Function name. Default `preprocess`. */
  readonly name?: string;
  /** Logical bucket holding raw images (its writes trigger the function). */
  readonly bucket: string;
  /** Logical bucket for features and error records. Default: `bucket`. */
  readonly outputBucket?: string;
  /**
   * Also preprocess images one by one as they arrive (one-example shards), so
   * uploads after a batch run reach training. Default true. Turn off when only
   * whole-split uploads happen, to skip one invocation's work per image.
   */
  readonly incremental?: boolean;
  /**
   * Split a whole-split upload of more than this many images (rounded up to
   * whole shards) into chunk jobs under `jobs/preprocess/`, one invocation
   * each of `createPreprocessChunkFunction`, which must be in the app;
   * the features manifest equals the one-invocation result. Default: never,
   * a split runs in one invocation.
   */
  readonly chunkSize?: number;
  /** Default 15 minutes, the longest Lambda allows: a full split runs in one invocation. */
  readonly timeoutMs?: number;
  /** Default 2048. */
  readonly memoryMb?: number;
  readonly retries?: number;
  /** Progress of batch runs (a CLI draws a bar with it); called after each image. */
  readonly onProgress?: (done: number, total: number, split: string) => void;
}

/** A split handed to chunk invocations. */
export interface ChunkedSummary {
  readonly mode: 'chunked';
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly found: number;
  readonly chunks: number;
  /** Chunk jobs this call wrote: new ones, and existing ones whose chunk had not finished (fired again). */
  readonly jobsWritten: number;
  readonly ms: number;
}

/** What one invocation did. */
export type PreprocessResult = BatchSummary | ChunkedSummary | ImageSummary | { readonly mode: 'ignored'; readonly key: string };

/**
 * The preprocess step as a function: triggered by writes under the raw prefix
 * of `bucket`.
 *
 * - `<raw>/<dataset>/<split>/_dataset.json` (written last by an uploader) →
 *   the whole split becomes batch shards plus `features/<dataset>/<split>/manifest.json`,
 *   written last, which is what training triggers on.
 * - `<raw>/<dataset>/<split>/<label-dir>/<image>` → a one-example shard
 *   (unless `incremental: false`).
 *   With `chunkSize`, a larger split becomes chunk jobs instead (see
 *   `createPreprocessChunkFunction`), whose last finisher writes the manifest.
 * - anything else under the prefix → ignored.
 *
 * Every output key derives from input keys + etags and is written with
 * `ifNoneMatch`, so at-least-once delivery never duplicates work or data.
 *
 * @example
 * ```ts
 * const preprocess = createPreprocessFunction({ bucket: 'data', input: { width: 28, height: 28, channels: 1 } });
 * export const app = defineApp({ functions: [preprocess, train], buckets: { data: 'file:///var/fashion' } });
 * ```
 */
export function createPreprocessFunction(options: PreprocessFunctionOptions): FunctionDefinition<StorageTrigger, undefined> {
  const settings = resolveSettings(options);
  // A bad chunk size fails when the app is defined, not on the first big upload.
  if (options.chunkSize !== undefined) chunkImages(options.chunkSize, settings.examplesPerShard);
  // Without incremental mode only dataset manifests matter; filtering in the trigger means the
  // platform never invokes the function for each image (one notification per object costs money).
  const trigger: StorageTrigger = {
    type: 'storage',
    bucket: options.bucket,
    prefix: settings.layout.rawPrefix,
    ...(options.incremental === false ? { suffix: `/${DATASET_MANIFEST_FILE}` } : {}),
  };
  return defineFunction({
    name: options.name ?? 'preprocess',
    trigger,
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    memoryMb: options.memoryMb ?? 2048,
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    handler: async (event, ctx): Promise<PreprocessResult> => {
      const parsed = parseRawKey(event.key, settings.layout);
      if (!parsed || (parsed.kind === 'image' && options.incremental === false)) return { mode: 'ignored', key: event.key };
      const raw = ctx.bucket(options.bucket);
      const output = ctx.bucket(options.outputBucket ?? options.bucket);
      if (parsed.kind === 'dataset-manifest') {
        const started = Date.now();
        const { onProgress, chunkSize } = options;
        const splitOptions = { ...options, dataset: parsed.dataset, split: parsed.split, output, signal: ctx.signal, log: ctx.log };
        const plan = await planSplit(raw, splitOptions);
        const upToDate = plan.existing?.manifest.runId === plan.runId;
        // With chunks in play, say which run is current, so the last chunk of an overtaken run writes no manifest.
        if (chunkSize !== undefined && !upToDate) await markCurrentRun(plan);
        if (chunkSize !== undefined && !upToDate && plan.items.length > chunkImages(chunkSize, plan.settings.examplesPerShard)) {
          const { chunks, jobsWritten } = await writeChunkJobs(plan, chunkSize, ctx.signal);
          ctx.log.info('split cut into chunk jobs', { runId: plan.runId, found: plan.items.length, chunks, jobsWritten });
          return { mode: 'chunked', dataset: plan.dataset, split: plan.split, runId: plan.runId, found: plan.items.length, chunks, jobsWritten, ms: Date.now() - started };
        }
        return preprocessPlan(raw, plan, { ...splitOptions, progress: false, onProgress: onProgress ? (done, total) => onProgress(done, total, parsed.split) : undefined }, started);
      }
      return preprocessImage(raw, event.key, { ...options, output });
    },
  });
}
