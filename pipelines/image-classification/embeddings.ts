import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Bucket, Logger } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { initBackend } from '../../src/tf/index.js';
import { decodeEmbeddingShard, embeddingShardKey, encodeEmbeddingShard } from './embedding-shards.js';
import type { ExtractorRef } from './feature-extractor.js';
import { assertExtractorInput, loadExtractor } from './feature-extractor.js';
import type { FeaturesManifest } from './features-manifest.js';
import type { NormalizeOptions } from './image.js';
import { sha256Hex } from './layout.js';
import type { ShardEntry } from './shards.js';
import { putIfAbsent, readShard, shardFeatures } from './shards.js';
import type { TrainingData } from '../shared/trainer.js';

/** Format tag of {@link EmbeddingsInfo}. */
export const EMBEDDINGS_FORMAT = 'polyfaas.embeddings/v1';

/** `embeddings` of a features manifest: one `.pfe` per pixel shard, computed by a frozen extractor. */
export interface EmbeddingsInfo {
  readonly format: typeof EMBEDDINGS_FORMAT;
  readonly extractor: ExtractorRef;
  /** The layer the features come from (resolved when the settings named none). */
  readonly layer: string;
  readonly dim: number;
  /** In the same order as the manifest's pixel shards. */
  readonly shards: readonly ShardEntry[];
}

/** What {@link embedSplit} needs besides the shards. */
export interface EmbedSplitOptions {
  /** Bucket of the model store holding the extractor. */
  readonly models: Bucket;
  /** Where the pixel shards are and the embedding shards go. */
  readonly output: Bucket;
  readonly extractor: ExtractorRef;
  /** `[height, width, channels]` of the pixel shards. */
  readonly inputShape: readonly number[];
  readonly normalize?: NormalizeOptions;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
}

/**
 * Load and cut the extractor, embed every shard of a split, free the
 * extractor: the preprocess step's extractor pass. Selects a tfjs backend if
 * none was (once per process).
 *
 * @throws PolyfaasError `InvalidArgument` if the extractor takes another input shape or has no such layer.
 */
export async function embedSplit(shards: readonly ShardEntry[], options: EmbedSplitOptions): Promise<EmbeddingsInfo> {
  const { log } = options;
  await initBackend(log ? { logger: (record) => log.info('tf backend', record) } : {});
  const extractor = await loadExtractor(options.models, options.extractor);
  try {
    assertExtractorInput(extractor, options.inputShape);
    if (!sameScaling(extractor.preprocessing, options.normalize)) {
      // Features of differently scaled pixels are still features, just worse ones: say so rather than refuse.
      log?.warn('the extractor was trained on differently normalised pixels', { model: extractor.ref.model, extractor: extractor.preprocessing ?? null, now: { ...(options.normalize ?? {}) } });
    }
    const started = Date.now();
    const entries = await embedShards(options.output, shards, extractor, options.normalize, options.signal);
    log?.info('embeddings written', { model: extractor.ref.model, version: extractor.ref.version, layer: extractor.layer, dim: extractor.dim, ms: Date.now() - started });
    return { format: EMBEDDINGS_FORMAT, extractor: options.extractor, layer: extractor.layer, dim: extractor.dim, shards: entries };
  } finally {
    extractor.dispose();
  }
}

/** True when a source model's recorded `preprocessing` (if any) used the same mean/std as `normalize`. */
function sameScaling(recorded: unknown, normalize: NormalizeOptions | undefined): boolean {
  if (!recorded || typeof recorded !== 'object') return true;
  const { mean = [], std = [] } = recorded as { mean?: readonly number[]; std?: readonly number[] };
  const same = (a: readonly number[], b: readonly number[] = []) => a.length === b.length && a.every((v, i) => v === b[i]);
  return same(mean, normalize?.mean) && same(std, normalize?.std);
}

/** Examples run through the extractor at once: bounded memory, few kernel launches. */
const EMBED_BATCH = 256;

/**
 * Run every pixel shard through `extractor` and write its embeddings beside
 * it (`shard-00000.pfe` next to `shard-00000.pfs`), with `ifNoneMatch`: keys
 * derive from the run id, which covers the extractor version, so a rerun
 * finds them written.
 */
export async function embedShards(
  bucket: Bucket,
  shards: readonly ShardEntry[],
  extractor: { readonly model: tfl.LayersModel; readonly dim: number },
  normalize: NormalizeOptions | undefined,
  signal?: AbortSignal,
): Promise<ShardEntry[]> {
  const out: ShardEntry[] = [];
  for (const entry of shards) {
    signal?.throwIfAborted();
    const shard = await readShard(bucket, entry.key, entry.sha256);
    const count = shard.header.count;
    const shape = shard.header.shape;
    const size = shape[0] * shape[1] * shape[2];
    const pixels = shardFeatures(shard, normalize ?? {});
    const features = new Float32Array(count * extractor.dim);
    for (let from = 0; from < count; from += EMBED_BATCH) {
      const n = Math.min(EMBED_BATCH, count - from);
      const rows = tf.tidy(() => extractor.model.predict(tf.tensor4d(pixels.subarray(from * size, (from + n) * size), [n, ...shape])) as tf.Tensor);
      try {
        features.set((await rows.data()) as Float32Array, from * extractor.dim);
      } finally {
        rows.dispose();
      }
    }
    const bytes = encodeEmbeddingShard({
      header: { count, dim: extractor.dim, dtype: 'float32', source: { key: entry.key, sha256: entry.sha256 } },
      labels: shard.labels,
      features,
    });
    const key = embeddingShardKey(entry.key);
    await putIfAbsent(bucket, key, bytes, { contentType: 'application/vnd.polyfaas.embeddings' });
    out.push({ key, count, bytes: bytes.length, sha256: sha256Hex(bytes) });
  }
  return out;
}

/** A split's embeddings in memory, ready for head training. */
export interface EmbeddingDataset extends TrainingData {
  readonly labels: Int32Array;
  readonly features: Float32Array;
  readonly classes: readonly string[];
  readonly dim: number;
}

/**
 * Load the embeddings a features manifest lists (each SHA-256 checked).
 *
 * @param limit keep only the first `limit` examples.
 * @throws PolyfaasError `InvalidArgument` when the manifest has no embeddings; `Internal` on a checksum mismatch.
 */
export async function loadEmbeddingDataset(bucket: Bucket, manifest: FeaturesManifest, limit = Infinity): Promise<EmbeddingDataset> {
  const info = manifest.embeddings;
  if (!info) throw new PolyfaasError('InvalidArgument', `Features of ${manifest.dataset}/${manifest.split} have no embeddings; set preprocess.extractor`);
  const { dim } = info;
  const count = Math.min(manifest.count, limit);
  const features = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  let at = 0;
  for (const entry of info.shards) {
    if (at >= count) break;
    const { body } = await bucket.get(entry.key);
    const actual = sha256Hex(body);
    if (actual !== entry.sha256) {
      throw new PolyfaasError('Internal', `${entry.key} has SHA-256 ${actual}, the manifest says ${entry.sha256}`, { details: { key: entry.key } });
    }
    const shard = decodeEmbeddingShard(body, entry.key);
    const take = Math.min(shard.header.count, count - at);
    features.set(shard.features.subarray(0, take * dim), at * dim);
    labels.set(shard.labels.subarray(0, take), at);
    at += take;
  }
  return {
    count: at,
    inputShape: [dim],
    numClasses: manifest.classes.length,
    classes: manifest.classes,
    dim,
    labels: labels.subarray(0, at),
    features: features.subarray(0, at * dim),
    gather(indices, xs, ys) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k] as number;
        xs.set(features.subarray(i * dim, (i + 1) * dim), k * dim);
        ys[k] = labels[i] as number;
      }
    },
  };
}
