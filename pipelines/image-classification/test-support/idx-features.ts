import type { Bucket } from '../../../src/index.js';
import type { FeaturesManifest } from '../features-manifest.js';
import { FEATURES_MANIFEST_FORMAT } from '../features-manifest.js';
import { featuresManifestKey } from '../layout.js';
import { encodeShard, writeShard } from '../shards.js';

const PER_SHARD = 1000;

/** Images as an IDX file holds them: `count × rows × cols` bytes and a label each. */
export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly images: Uint8Array;
  readonly labels: ArrayLike<number>;
}

/**
 * Fashion-MNIST-style features written straight from the IDX files, as
 * preprocessing would have left them (shards of 1,000 images and a manifest),
 * so a training benchmark times training and not PNG decoding. Returns the
 * manifest without writing it: writing it is what starts training.
 */
export async function writeIdxFeatures(bucket: Bucket, split: string, data: IdxImages, classes: readonly string[], limit = Infinity): Promise<{ key: string; manifest: FeaturesManifest }> {
  const count = Math.min(data.count, limit);
  const size = data.rows * data.cols;
  const shards = [];
  const labelCounts = new Array<number>(classes.length).fill(0);
  for (let from = 0; from < count; from += PER_SHARD) {
    const n = Math.min(PER_SHARD, count - from);
    const labels = Int32Array.from({ length: n }, (_, i) => data.labels[from + i] as number);
    for (const l of labels) labelCounts[l] = (labelCounts[l] as number) + 1;
    const bytes = encodeShard({
      shape: [data.rows, data.cols, 1],
      labels,
      features: data.images.subarray(from * size, (from + n) * size),
      sources: Array.from({ length: n }, (_, i) => ({ key: `idx/${split}/${from + i}`, etag: '1' })),
      classes: [...classes],
    });
    const { written: _, ...entry } = await writeShard(bucket, `features/fashion-mnist/${split}/batches/bench/${String(from / PER_SHARD).padStart(5, '0')}.shard`, bytes, n);
    shards.push(entry);
  }
  const manifest: FeaturesManifest = {
    format: FEATURES_MANIFEST_FORMAT,
    dataset: 'fashion-mnist',
    split,
    runId: `bench-${split}-${count}`,
    input: { width: data.cols, height: data.rows, channels: 1 },
    dtype: 'uint8',
    scale: 1 / 255,
    classes: [...classes],
    count,
    labelCounts,
    inputs: { found: count },
    errors: { count: 0, keys: [] },
    shards,
  };
  return { key: featuresManifestKey('fashion-mnist', split), manifest };
}
