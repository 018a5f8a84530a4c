import type { Bucket } from '../../src/index.js';
import type { IdxDataset } from '../../examples/fashion-mnist/data/idx.js';
import { FASHION_MNIST_CLASSES } from '../../examples/fashion-mnist/data/labels.js';
import type { FeaturesManifest } from '../../pipelines/image-classification/features-manifest.js';
import { FEATURES_MANIFEST_FORMAT } from '../../pipelines/image-classification/features-manifest.js';
import { featuresManifestKey } from '../../pipelines/image-classification/layout.js';
import { encodeShard, writeShard } from '../../pipelines/image-classification/shards.js';

const PER_SHARD = 1000;

/**
 * Fashion-MNIST features written straight from the IDX files, as
 * preprocessing would have left them (shards of 1,000 images and a manifest),
 * so a training benchmark times training and not PNG decoding. Returns the
 * manifest without writing it: writing it is what starts training.
 */
export async function writeFashionShards(bucket: Bucket, split: string, data: IdxDataset, limit = Infinity): Promise<{ key: string; manifest: FeaturesManifest }> {
  const count = Math.min(data.count, limit);
  const size = data.rows * data.cols;
  const shards = [];
  const labelCounts = new Array<number>(FASHION_MNIST_CLASSES.length).fill(0);
  for (let from = 0; from < count; from += PER_SHARD) {
    const n = Math.min(PER_SHARD, count - from);
    const labels = data.labels.subarray(from, from + n);
    for (const l of labels) labelCounts[l] = (labelCounts[l] as number) + 1;
    const bytes = encodeShard({
      shape: [data.rows, data.cols, 1],
      labels: Int32Array.from(labels),
      features: data.images.subarray(from * size, (from + n) * size),
      sources: Array.from({ length: n }, (_, i) => ({ key: `idx/${split}/${from + i}`, etag: '1' })),
      classes: [...FASHION_MNIST_CLASSES],
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
    classes: [...FASHION_MNIST_CLASSES],
    count,
    labelCounts,
    inputs: { found: count },
    errors: { count: 0, keys: [] },
    shards,
  };
  return { key: featuresManifestKey('fashion-mnist', split), manifest };
}
