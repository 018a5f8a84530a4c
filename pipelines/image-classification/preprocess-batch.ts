import type { Bucket } from '../../src/index.js';
import { embedSplit } from './embeddings.js';
import { writeFeaturesManifest } from './features-manifest.js';
import type { FeaturesManifest } from './features-manifest.js';
import type { ProgressStream } from './progress.js';
import { createProgressBar } from './progress.js';
import { buildShards } from './shard-builder.js';
import type { SplitPlan, SplitPlanOptions } from './split-plan.js';
import { completeManifest, planSplit } from './split-plan.js';

/** Options for {@link preprocessPrefix}. */
export interface PreprocessPrefixOptions extends SplitPlanOptions {
  /** Progress bar on stderr (default), a stream for it, or `false` for none. */
  readonly progress?: boolean | ProgressStream;
  /** Called after each image with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link preprocessPrefix} did. */
export interface BatchSummary {
  readonly mode: 'batch';
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly manifestKey: string;
  /** True when the manifest already described these exact inputs, so nothing was read or written. */
  readonly upToDate: boolean;
  /** Images listed under the prefix. */
  readonly found: number;
  /** Examples in the shards. */
  readonly examples: number;
  /** Images skipped, each with an error record. */
  readonly errors: number;
  readonly shards: number;
  /** Shards this call created (the others already existed with the same key). */
  readonly shardsWritten: number;
  readonly ms: number;
}


/**
 * Preprocess every image of one split into batch shards and a features
 * manifest: list `<raw>/<dataset>/<split>/`, decode with bounded concurrency,
 * write shards of {@link PreprocessSettings.examplesPerShard} examples, then
 * write `<features>/<dataset>/<split>/manifest.json` last.
 *
 * Idempotent: the run id hashes every input key + etag and the settings, shard
 * keys contain it, and a manifest that already has this run id means the work
 * is done, so a duplicate event or a second CLI run writes nothing. Unusable
 * images get error records and are left out; nothing existing is overwritten
 * except the manifest, which moves to the newer run.
 *
 * @example
 * ```ts
 * const summary = await preprocessPrefix(bucket, { dataset: 'fashion-mnist', split: 'train', input: { width: 28, height: 28, channels: 1 } });
 * console.log(`${summary.examples} examples in ${summary.shards} shards, ${summary.errors} errors`);
 * ```
 */
export async function preprocessPrefix(bucket: Bucket, options: PreprocessPrefixOptions): Promise<BatchSummary> {
  const started = Date.now();
  return preprocessPlan(bucket, await planSplit(bucket, options), options, started);
}

/** {@link preprocessPrefix} of a split already planned (listed once, by a caller that decided not to chunk it). */
export async function preprocessPlan(bucket: Bucket, plan: SplitPlan, options: PreprocessPrefixOptions, started = Date.now()): Promise<BatchSummary> {
  const { dataset, split, runId, manifestKey, items, output, settings } = plan;
  const summary = (upToDate: boolean, m: Pick<FeaturesManifest, 'count' | 'errors' | 'shards'>, shardsWritten: number): BatchSummary => ({
    mode: 'batch',
    dataset,
    split,
    runId,
    manifestKey,
    upToDate,
    found: items.length,
    examples: m.count,
    errors: m.errors.count,
    shards: m.shards.length,
    shardsWritten,
    ms: Date.now() - started,
  });

  if (plan.existing?.manifest.runId === runId) {
    options.log?.info('features already up to date', { manifestKey, runId });
    return summary(true, plan.existing.manifest, 0);
  }

  const progress = options.progress ?? true;
  const bar = createProgressBar({
    total: items.length,
    label: `preprocess ${dataset}/${split}`,
    silent: progress === false,
    ...(typeof progress === 'object' ? { stream: progress } : {}),
  });
  let done = 0;
  const built = await buildShards(items, {
    raw: bucket,
    output,
    dataset,
    split,
    runId,
    classes: plan.classes,
    settings,
    onItem: () => {
      bar.tick();
      options.onProgress?.(++done, items.length);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  bar.finish(`${built.examples} examples, ${built.errorCount} errors, ${built.shards.length} shards`);
  const embeddings = plan.extractor
    ? await embedSplit(built.shards, {
        models: plan.models,
        output,
        extractor: plan.extractor,
        inputShape: [settings.decode.height, settings.decode.width, settings.decode.channels],
        ...(settings.normalize ? { normalize: settings.normalize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.log ? { log: options.log } : {}),
      })
    : undefined;
  const manifest = completeManifest(plan.base, built, embeddings);
  await writeFeaturesManifest(output, manifestKey, manifest, plan.existing?.etag);
  options.log?.info('features written', { manifestKey, runId, examples: built.examples, errors: built.errorCount, shards: built.shards.length });
  return summary(false, manifest, built.shardsWritten);
}
