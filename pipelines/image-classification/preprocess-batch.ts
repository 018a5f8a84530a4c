import type { Bucket, Logger } from '../../src/index.js';
import { PolyfaasError, isPolyfaasError } from '../../src/index.js';
import type { DatasetManifest } from './dataset-manifest.js';
import { embedSplit } from './embeddings.js';
import type { ExtractorRef } from './feature-extractor.js';
import { resolveExtractor } from './feature-extractor.js';
import { parseDatasetManifest } from './dataset-manifest.js';
import type { FeaturesManifest } from './features-manifest.js';
import { FEATURES_MANIFEST_FORMAT, readFeaturesManifest } from './features-manifest.js';
import { datasetManifestKey, featuresManifestKey, labelFromDir, parseRawKey, rawSplitPrefix, sha256Hex } from './layout.js';
import type { ProgressStream } from './progress.js';
import { createProgressBar } from './progress.js';
import type { PreprocessSettings, ResolvedSettings } from './settings.js';
import { resolveSettings } from './settings.js';
import type { BatchItem } from './shard-builder.js';
import { buildShards } from './shard-builder.js';

/** Options for {@link preprocessPrefix}. */
export interface PreprocessPrefixOptions extends PreprocessSettings {
  /** Dataset name: images are read from `<raw>/<dataset>/<split>/`. Or give `prefix`. */
  readonly dataset?: string;
  readonly split?: string;
  /** A split prefix such as `raw/fashion-mnist/train/`, instead of `dataset` + `split`. */
  readonly prefix?: string;
  /** Where shards, error records and the manifest go. Default: the raw bucket. */
  readonly output?: Bucket;
  /** Bucket of the model store holding `extractor`. Default: `output`. */
  readonly models?: Bucket;
  /** Progress bar on stderr (default), a stream for it, or `false` for none. */
  readonly progress?: boolean | ProgressStream;
  /** Called after each image with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stop early (e.g. `ctx.signal` in a handler); rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly log?: Logger;
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
  const settings = resolveSettings(options);
  const { dataset, split } = datasetAndSplit(options, settings);
  const output = options.output ?? bucket;
  const manifestKey = featuresManifestKey(dataset, split, settings.layout);

  const datasetManifest = await readDatasetManifest(bucket, dataset, split, settings);
  const classes = settings.classes.length ? settings.classes : (datasetManifest?.manifest.classes ?? []);
  const items = await listImages(bucket, dataset, split, settings, options.signal);
  // Pin the extractor version before anything else: the run id covers it, so a moved alias means new features.
  const extractor = settings.extractor ? await resolveExtractor(options.models ?? output, settings.extractor) : undefined;
  const runId = computeRunId(items, settings, classes, extractor);
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

  const existing = await readFeaturesManifest(output, manifestKey);
  if (existing?.manifest.runId === runId) {
    options.log?.info('features already up to date', { manifestKey, runId });
    return summary(true, existing.manifest, 0);
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
    classes,
    settings,
    onItem: () => {
      bar.tick();
      options.onProgress?.(++done, items.length);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const { shards, examples, errorCount, labelCounts } = built;
  bar.finish(`${examples} examples, ${errorCount} errors, ${shards.length} shards`);
  const embeddings = extractor
    ? await embedSplit(shards, {
        models: options.models ?? output,
        output,
        extractor,
        inputShape: [settings.decode.height, settings.decode.width, settings.decode.channels],
        ...(settings.normalize ? { normalize: settings.normalize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.log ? { log: options.log } : {}),
      })
    : undefined;

  const manifestClasses = classes.length ? classes : classesFromDirs(items);
  const manifest: FeaturesManifest = {
    format: FEATURES_MANIFEST_FORMAT,
    dataset,
    split,
    runId,
    ...(datasetManifest ? { datasetManifest: { key: datasetManifest.key, etag: datasetManifest.etag } } : {}),
    ...(datasetManifest?.manifest.source ? { source: datasetManifest.manifest.source } : {}),
    input: { width: settings.decode.width, height: settings.decode.height, channels: settings.decode.channels },
    dtype: 'uint8',
    scale: 1 / 255,
    ...(settings.normalize ? { normalize: settings.normalize } : {}),
    classes: manifestClasses,
    count: examples,
    labelCounts: Array.from({ length: Math.max(manifestClasses.length, labelCounts.length) }, (_, i) => labelCounts[i] ?? 0),
    inputs: { found: items.length, ...(datasetManifest ? { expected: datasetManifest.manifest.count } : {}) },
    errors: { count: errorCount, keys: built.errorKeys },
    shards,
    ...(embeddings ? { embeddings } : {}),
  };
  if (datasetManifest && datasetManifest.manifest.count !== items.length) {
    options.log?.warn('image count differs from the dataset manifest', { expected: datasetManifest.manifest.count, found: items.length });
  }
  await writeManifest(output, manifestKey, manifest, existing?.etag);
  options.log?.info('features written', { manifestKey, runId, examples, errors: errorCount, shards: shards.length });
  return summary(false, manifest, built.shardsWritten);
}

function datasetAndSplit(options: PreprocessPrefixOptions, settings: ResolvedSettings): { dataset: string; split: string } {
  if (options.prefix !== undefined) {
    const parsed = parseRawKey(`${options.prefix.replace(/\/?$/, '/')}_dataset.json`, settings.layout);
    if (!parsed) throw new PolyfaasError('InvalidArgument', `prefix must look like ${settings.layout.rawPrefix}<dataset>/<split>/, got ${options.prefix}`);
    return { dataset: parsed.dataset, split: parsed.split };
  }
  if (!options.dataset || !options.split) throw new PolyfaasError('InvalidArgument', 'Give dataset and split, or prefix');
  if (/[/]/.test(options.dataset + options.split)) throw new PolyfaasError('InvalidArgument', 'dataset and split must not contain "/"');
  return { dataset: options.dataset, split: options.split };
}

async function readDatasetManifest(bucket: Bucket, dataset: string, split: string, settings: ResolvedSettings) {
  const key = datasetManifestKey(dataset, split, settings.layout);
  try {
    const obj = await bucket.get(key);
    return { key, etag: obj.etag, manifest: parseDatasetManifest(obj.body, key) as DatasetManifest };
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
}

async function listImages(bucket: Bucket, dataset: string, split: string, settings: ResolvedSettings, signal?: AbortSignal): Promise<BatchItem[]> {
  const items: BatchItem[] = [];
  for await (const info of bucket.list({ prefix: rawSplitPrefix(dataset, split, settings.layout) })) {
    signal?.throwIfAborted();
    const image = parseRawKey(info.key, settings.layout);
    if (image?.kind === 'image') items.push({ key: info.key, etag: info.etag, image });
  }
  // Listings are lexicographic on every provider; sort anyway so the run id never depends on a driver.
  return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function computeRunId(items: readonly BatchItem[], settings: ResolvedSettings, classes: readonly string[], extractor: ExtractorRef | undefined): string {
  const recipe = JSON.stringify({
    v: 1,
    decode: settings.decode,
    perShard: settings.examplesPerShard,
    classes,
    normalize: settings.normalize ?? null,
    augment: settings.augment ?? null,
    ...(extractor ? { extractor } : {}),
  });
  return sha256Hex(`${recipe}\n${items.map((i) => `${i.key}\0${i.etag}`).join('\n')}`).slice(0, 16);
}

/** Class names from `<index>-<slug>` directories, when nothing better is known. */
function classesFromDirs(items: readonly BatchItem[]): string[] {
  const names: string[] = [];
  for (const { image } of items) {
    const index = labelFromDir(image.labelDir);
    if (index !== undefined && names[index] === undefined) names[index] = image.labelDir.replace(/^\d+-?/, '') || String(index);
  }
  return Array.from(names, (n, i) => n ?? String(i));
}

/**
 * Write the manifest as a compare-and-swap on the one we read, so two
 * concurrent runs cannot silently clobber each other. Losing to a run with the
 * same id is success; losing to a different run is `Unavailable`, and the
 * event is retried against the new state.
 */
async function writeManifest(bucket: Bucket, key: string, manifest: FeaturesManifest, previousEtag: string | undefined): Promise<void> {
  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  try {
    await bucket.put(key, body, { contentType: 'application/json', ...(previousEtag ? { ifMatch: previousEtag } : { ifNoneMatch: '*' }) });
  } catch (err) {
    if (!isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) throw err;
    const now = await readFeaturesManifest(bucket, key);
    if (now?.manifest.runId === manifest.runId) return;
    throw new PolyfaasError('Unavailable', `${key} changed while preprocessing; retry`, { cause: err });
  }
}
