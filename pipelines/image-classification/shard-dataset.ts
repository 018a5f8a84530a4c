import type { Bucket } from '../../src/index.js';
import type { AugmentOptions } from './augment.js';
import type { FeaturesManifest } from './features-manifest.js';
import { readManifestShards } from './features-manifest.js';
import type { ShardDataset } from './pixel-dataset.js';
import { pixelDataset } from './pixel-dataset.js';

export type { ShardDataset } from './pixel-dataset.js';

/** Options for {@link loadShardDataset}. */
export interface LoadShardOptions {
  /** Training-time augmentation of every gathered image (see {@link pixelDataset}). */
  readonly augment?: AugmentOptions;
  readonly augmentSeed?: number;
}

/**
 * Load every shard a features manifest lists (checking each SHA-256) into one
 * compact in-memory dataset (see {@link pixelDataset}).
 *
 * @param limit keep only the first `limit` examples (for quick runs).
 */
export async function loadShardDataset(bucket: Bucket, manifest: Pick<FeaturesManifest, 'input' | 'count' | 'scale' | 'normalize' | 'classes' | 'shards'>, limit = Infinity, options: LoadShardOptions = {}): Promise<ShardDataset> {
  const { height, width, channels } = manifest.input;
  const size = height * width * channels;
  const count = Math.min(manifest.count, limit);
  const pixels = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  let at = 0;
  for await (const shard of readManifestShards(bucket, manifest)) {
    const take = Math.min(shard.header.count, count - at);
    pixels.set(shard.features.subarray(0, take * size), at * size);
    labels.set(shard.labels.subarray(0, take), at);
    at += take;
    if (at >= count) break;
  }
  return pixelDataset({
    pixels: pixels.subarray(0, at * size),
    labels: labels.subarray(0, at),
    inputShape: [height, width, channels],
    classes: manifest.classes,
    scale: manifest.scale,
    ...(manifest.normalize ? { mean: manifest.normalize.mean, std: manifest.normalize.std } : {}),
    ...options,
  });
}
