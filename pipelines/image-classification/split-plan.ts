import type { Bucket, Logger } from '../../src/index.js';
import { PolyfaasError, isPolyfaasError } from '../../src/index.js';
import type { DatasetManifest } from './dataset-manifest.js';
import { parseDatasetManifest } from './dataset-manifest.js';
import type { EmbeddingsInfo } from './embeddings.js';
import type { ExtractorRef } from './feature-extractor.js';
import { resolveExtractor } from './feature-extractor.js';
import type { FeaturesManifest } from './features-manifest.js';
import { FEATURES_MANIFEST_FORMAT, readFeaturesManifest } from './features-manifest.js';
import { datasetManifestKey, featuresManifestKey, labelFromDir, parseRawKey, rawSplitPrefix, sha256Hex } from './layout.js';
import type { PreprocessSettings, ResolvedSettings } from './settings.js';
import { resolveSettings } from './settings.js';
import type { BatchItem, BuiltShards } from './shard-builder.js';

/** Which split to plan, and where its outputs go. */
export interface SplitPlanOptions extends PreprocessSettings {
  /** Dataset name: images are read from `<raw>/<dataset>/<split>/`. Or give `prefix`. */
  readonly dataset?: string;
  readonly split?: string;
  /** A split prefix such as `raw/fashion-mnist/train/`, instead of `dataset` + `split`. */
  readonly prefix?: string;
  /** Where shards, error records and the manifest go. Default: the raw bucket. */
  readonly output?: Bucket;
  /** Bucket of the model store holding `extractor`. Default: `output`. */
  readonly models?: Bucket;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
}

/** Everything of a features manifest known before any image is read. */
export type ManifestBase = Omit<FeaturesManifest, 'count' | 'labelCounts' | 'errors' | 'shards' | 'embeddings'>;

/** One split's preprocessing, decided: its inputs (listed once), its run id and the manifest around the shards. */
export interface SplitPlan {
  readonly dataset: string;
  readonly split: string;
  readonly settings: ResolvedSettings;
  readonly output: Bucket;
  readonly models: Bucket;
  readonly manifestKey: string;
  readonly runId: string;
  /** The split's images, sorted by key, with the versions this run reads. */
  readonly items: readonly BatchItem[];
  /** Class names written into shard headers (empty when only directories tell). */
  readonly classes: readonly string[];
  readonly extractor?: ExtractorRef;
  /** The features manifest there now, if any. */
  readonly existing?: { readonly manifest: FeaturesManifest; readonly etag: string };
  readonly base: ManifestBase;
}

/**
 * List a split and decide its run: the run id hashes every input key + etag
 * and the settings (including the pinned extractor version), so equal ids mean
 * equal shards and a manifest that already has this id means the work is done.
 */
export async function planSplit(bucket: Bucket, options: SplitPlanOptions): Promise<SplitPlan> {
  const settings = resolveSettings(options);
  const { dataset, split } = datasetAndSplit(options, settings);
  const output = options.output ?? bucket;
  const models = options.models ?? output;
  const manifestKey = featuresManifestKey(dataset, split, settings.layout);
  const datasetManifest = await readDatasetManifest(bucket, dataset, split, settings);
  const classes = settings.classes.length ? settings.classes : (datasetManifest?.manifest.classes ?? []);
  const items = await listImages(bucket, dataset, split, settings, options.signal);
  // Pin the extractor version before anything else: the run id covers it, so a moved alias means new features.
  const extractor = settings.extractor ? await resolveExtractor(models, settings.extractor) : undefined;
  const runId = computeRunId(items, settings, classes, extractor);
  const existing = await readFeaturesManifest(output, manifestKey);
  if (datasetManifest && datasetManifest.manifest.count !== items.length) {
    options.log?.warn('image count differs from the dataset manifest', { expected: datasetManifest.manifest.count, found: items.length });
  }
  const base: ManifestBase = {
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
    classes: classes.length ? classes : classesFromDirs(items),
    inputs: { found: items.length, ...(datasetManifest ? { expected: datasetManifest.manifest.count } : {}) },
  };
  return { dataset, split, settings, output, models, manifestKey, runId, items, classes, ...(extractor ? { extractor } : {}), ...(existing ? { existing } : {}), base };
}

/** What went into a split's shards: one build, or the merged builds of its chunks. */
export type ShardOutcome = Pick<BuiltShards, 'shards' | 'examples' | 'labelCounts' | 'errorCount' | 'errorKeys'>;

/**
 * The features manifest of a split: `base` around `built`. One function for
 * the one-invocation and the chunked paths, so both write the same bytes.
 */
export function completeManifest(base: ManifestBase, built: ShardOutcome, embeddings?: EmbeddingsInfo): FeaturesManifest {
  const { inputs, ...head } = base;
  return {
    ...head,
    count: built.examples,
    labelCounts: Array.from({ length: Math.max(base.classes.length, built.labelCounts.length) }, (_, i) => built.labelCounts[i] ?? 0),
    inputs,
    errors: { count: built.errorCount, keys: built.errorKeys },
    shards: built.shards,
    ...(embeddings ? { embeddings } : {}),
  };
}

function datasetAndSplit(options: SplitPlanOptions, settings: ResolvedSettings): { dataset: string; split: string } {
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

