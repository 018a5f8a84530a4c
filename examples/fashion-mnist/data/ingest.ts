import { encodeGreyPng } from './png-encode.js';
import type { Bucket, PutOptions } from '../../../src/index.js';
import { PolyfaasError, isPolyfaasError, mapLimit } from '../../../src/index.js';
import { encodeDatasetManifest } from '../../../pipelines/image-classification/dataset-manifest.js';
import { DATASET_MANIFEST_FILE, labelDir, sha256Hex } from '../../../pipelines/image-classification/layout.js';
import type { IdxDataset } from './idx.js';
import { FASHION_MNIST_CLASSES } from './labels.js';
import type { FashionMnist } from './source.js';

/** A split name of Fashion-MNIST. */
export type Split = 'train' | 'test';

/** Options for {@link ingest}. */
export interface IngestOptions {
  /** Dataset prefix; the last segment names the dataset. Default `raw/fashion-mnist/`. */
  prefix?: string;
  /** Default both. */
  splits?: readonly Split[];
  /** Upload only the first `limit` images of each split. */
  limit?: number;
  /** PNG encodes and uploads in flight. Default 16. */
  concurrency?: number;
  /** Called after each image. */
  onProgress?: (done: number, total: number, split: Split) => void;
  signal?: AbortSignal;
}

/** What happened to one split. */
export interface SplitIngestSummary {
  readonly count: number;
  /** New objects. */
  readonly written: number;
  /** Objects already there with the same content (nothing written, no event fired). */
  readonly unchanged: number;
  /** Objects that existed with different content and were replaced. */
  readonly replaced: number;
  readonly manifestKey: string;
}

/**
 * Upload Fashion-MNIST to a bucket as real PNG files in the image
 * classification layout, then a dataset manifest per split:
 *
 * ```text
 * raw/fashion-mnist/<split>/<label>-<class-slug>/<index>.png   e.g. raw/fashion-mnist/train/9-ankle-boot/00000.png
 * raw/fashion-mnist/<split>/_dataset.json                      last: marks the split complete
 * ```
 *
 * `<index>` is the image's position in its IDX file, zero-padded to 5 digits
 * so key order is file order; the label is the number before the dash.
 *
 * Idempotent: each PNG's SHA-256 travels as `content-sha256` metadata, and an
 * object with the same hash is left alone, so re-running (e.g. after a crash)
 * writes only what is missing and fires no duplicate storage events.
 *
 * @example
 * ```ts
 * const data = await loadFashionMnist();
 * await ingest(bucket, data, { splits: ['test'], limit: 100 });
 * ```
 */
export async function ingest(bucket: Bucket, dataset: FashionMnist, options: IngestOptions = {}): Promise<Record<Split, SplitIngestSummary | undefined>> {
  const prefix = options.prefix ?? 'raw/fashion-mnist/';
  if (!prefix.endsWith('/')) throw new PolyfaasError('InvalidArgument', `prefix must end with "/", got ${prefix}`);
  const name = prefix.split('/').filter(Boolean).pop() ?? 'dataset';
  const result: Record<Split, SplitIngestSummary | undefined> = { train: undefined, test: undefined };
  for (const split of options.splits ?? (['train', 'test'] as const)) {
    result[split] = await ingestSplit(bucket, dataset[split], split, `${prefix}${split}/`, name, dataset.location, options);
  }
  return result;
}

async function ingestSplit(
  bucket: Bucket,
  data: IdxDataset,
  split: Split,
  splitPrefix: string,
  datasetName: string,
  location: FashionMnist['location'],
  options: IngestOptions,
): Promise<SplitIngestSummary> {
  const count = Math.min(data.count, options.limit ?? data.count);
  const size = data.rows * data.cols;
  const counts = { written: 0, unchanged: 0, replaced: 0 };
  let done = 0;
  const indices = Array.from({ length: count }, (_, i) => i);
  await mapLimit(
    indices,
    options.concurrency ?? 16,
    async (i) => {
      const label = data.labels[i]!;
      const key = `${splitPrefix}${labelDir(label, FASHION_MNIST_CLASSES[label] ?? String(label))}/${String(i).padStart(5, '0')}.png`;
      const png = encodeGreyPng(data.images.subarray(i * size, (i + 1) * size), data.cols, data.rows);
      counts[await putIfChanged(bucket, key, png, { contentType: 'image/png' })]++;
      options.onProgress?.(++done, count, split);
    },
    options.signal,
  );
  const manifestKey = `${splitPrefix}${DATASET_MANIFEST_FILE}`;
  const manifest = encodeDatasetManifest({
    dataset: datasetName,
    split,
    count,
    classes: FASHION_MNIST_CLASSES,
    source: { name: 'Fashion-MNIST', origin: location.origin, ...(count < data.count ? { limit: count, of: data.count } : { of: data.count }) },
  });
  counts[await putIfChanged(bucket, manifestKey, manifest, { contentType: 'application/json' })]++;
  return { count, ...counts, manifestKey };
}

/**
 * Create, leave alone, or replace an object depending on whether one with the
 * same content is there. The common cases (new key, same content) cost one
 * request; replacing is a compare-and-swap on the etag just read.
 */
async function putIfChanged(bucket: Bucket, key: string, body: Uint8Array, options: Pick<PutOptions, 'contentType'>): Promise<'written' | 'unchanged' | 'replaced'> {
  const hash = sha256Hex(body);
  const put = { ...options, metadata: { 'content-sha256': hash } };
  try {
    await bucket.put(key, body, { ...put, ifNoneMatch: '*' });
    return 'written';
  } catch (err) {
    if (!isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) throw err;
  }
  const current = await bucket.head(key);
  if (current.metadata['content-sha256'] === hash) return 'unchanged';
  await bucket.put(key, body, { ...put, ifMatch: current.etag });
  return 'replaced';
}
