import type { Bucket } from '../../src/index.js';
import { putIfUnchanged } from '../shared/chunked-run.js';
import { PolyfaasError } from '../../src/index.js';
import type { EmbeddingsInfo } from './embeddings.js';
import type { ModelInputSpec, NormalizeOptions } from './image.js';
import type { Shard, ShardEntry } from './shards.js';
import { readShard } from './shards.js';

/** Format tag of {@link FeaturesManifest}. */
export const FEATURES_MANIFEST_FORMAT = 'polyfaas.image-features/v1';

/**
 * `<features>/<dataset>/<split>/manifest.json`: the index of one split's batch
 * shards. Written after every shard it lists, so a reader triggered by it
 * always finds them.
 */
export interface FeaturesManifest {
  readonly format: typeof FEATURES_MANIFEST_FORMAT;
  readonly dataset: string;
  readonly split: string;
  /** Hash of every input key + etag and the settings: equal run ids mean equal shards. */
  readonly runId: string;
  /** The split's `_dataset.json` (key and the version read), when there was one. */
  readonly datasetManifest?: { readonly key: string; readonly etag: string };
  /** Provenance copied from the dataset manifest. */
  readonly source?: Readonly<Record<string, unknown>>;
  readonly input: ModelInputSpec;
  /** How stored features map to floats: `value × scale`, then the optional normalisation. */
  readonly dtype: 'uint8';
  readonly scale: number;
  readonly normalize?: NormalizeOptions;
  readonly classes: readonly string[];
  /** Examples across all shards. */
  readonly count: number;
  /** Examples per class index. */
  readonly labelCounts: readonly number[];
  /** Images listed under the raw prefix, and how many the dataset manifest promised. */
  readonly inputs: { readonly found: number; readonly expected?: number };
  /** Images skipped; each has a JSON record under the errors prefix (the first 100 keys are listed). */
  readonly errors: { readonly count: number; readonly keys: readonly string[] };
  readonly shards: readonly ShardEntry[];
  /** Feature-extractor outputs beside the pixel shards, when preprocessing had an extractor. */
  readonly embeddings?: EmbeddingsInfo;
}

/** Parse a features manifest. @throws PolyfaasError `InvalidArgument` if malformed. */
export function parseFeaturesManifest(bytes: Uint8Array, key = 'manifest.json'): FeaturesManifest {
  let value: Partial<FeaturesManifest>;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<FeaturesManifest>;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${key} is not JSON`, { cause: err });
  }
  if (value?.format !== FEATURES_MANIFEST_FORMAT || !Array.isArray(value.shards) || typeof value.runId !== 'string') {
    throw new PolyfaasError('InvalidArgument', `${key} is not a ${FEATURES_MANIFEST_FORMAT} manifest`);
  }
  return value as FeaturesManifest;
}

/** Read a features manifest, or `undefined` if there is none. */
export async function readFeaturesManifest(bucket: Bucket, key: string): Promise<{ manifest: FeaturesManifest; etag: string } | undefined> {
  try {
    const obj = await bucket.get(key);
    return { manifest: parseFeaturesManifest(obj.body, key), etag: obj.etag };
  } catch (err) {
    if (err instanceof PolyfaasError && err.code === 'NotFound') return undefined;
    throw err;
  }
}

/**
 * Every shard a manifest lists, read in order with its SHA-256 checked.
 *
 * @example
 * ```ts
 * for await (const shard of readManifestShards(bucket, manifest)) {
 *   const x = shardFeatures(shard, manifest.normalize); // Float32, NHWC
 *   const y = shard.labels;                            // Int32
 * }
 * ```
 */
export async function* readManifestShards(bucket: Bucket, manifest: Pick<FeaturesManifest, 'shards'>): AsyncGenerator<Shard> {
  for (const entry of manifest.shards) yield await readShard(bucket, entry.key, entry.sha256);
}

/**
 * Write the manifest as a compare-and-swap on the one we read, so two
 * concurrent runs cannot silently clobber each other. Losing to a run with the
 * same id is success; losing to a different run is `Unavailable`, and the
 * event is retried against the new state.
 *
 * @returns true when this call wrote it, false when a run with the same id had.
 */
export async function writeFeaturesManifest(bucket: Bucket, key: string, manifest: FeaturesManifest, previousEtag: string | undefined): Promise<boolean> {
  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  return putIfUnchanged(bucket, key, body, previousEtag, async () => (await readFeaturesManifest(bucket, key))?.manifest.runId === manifest.runId);
}
