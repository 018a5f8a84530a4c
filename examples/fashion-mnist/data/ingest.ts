import { encodeGreyPng } from './png-encode.js';
import type { Bucket } from 'polyfaas';
import { PolyfaasError } from 'polyfaas';
import type { SplitUploadSummary } from 'polyfaas/pipelines';
import { DEFAULT_LAYOUT, uploadSplit } from 'polyfaas/pipelines';
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
export type SplitIngestSummary = SplitUploadSummary;

/**
 * Upload Fashion-MNIST to a bucket as real PNG files in the image
 * classification layout, then a dataset manifest per split, through the
 * pipeline's one upload path ({@link uploadSplit}, which `ingestFolder()` uses too):
 *
 * ```text
 * raw/fashion-mnist/<split>/<label>-<class-slug>/<index>.png   e.g. raw/fashion-mnist/train/9-ankle-boot/00000.png
 * raw/fashion-mnist/<split>/_dataset.json                      last: marks the split complete
 * ```
 *
 * `<index>` is the image's position in its IDX file, zero-padded to 5 digits
 * so key order is file order; the label is the number before the dash.
 * Idempotent: re-running writes only what is missing or changed.
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
  const rawPrefix = prefix.slice(0, prefix.length - name.length - 1);
  const result: Record<Split, SplitIngestSummary | undefined> = { train: undefined, test: undefined };
  for (const split of options.splits ?? (['train', 'test'] as const)) {
    const data = dataset[split];
    const count = Math.min(data.count, options.limit ?? data.count);
    const size = data.rows * data.cols;
    const images = Array.from({ length: count }, (_, i) => ({
      label: data.labels[i]!,
      name: `${String(i).padStart(5, '0')}.png`,
      contentType: 'image/png',
      bytes: () => encodeGreyPng(data.images.subarray(i * size, (i + 1) * size), data.cols, data.rows),
    }));
    result[split] = await uploadSplit(bucket, images, {
      dataset: name,
      split,
      classes: FASHION_MNIST_CLASSES,
      layout: { ...DEFAULT_LAYOUT, rawPrefix },
      source: { name: 'Fashion-MNIST', origin: dataset.location.origin, ...(count < data.count ? { limit: count, of: data.count } : { of: data.count }) },
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.onProgress ? { onProgress: (done: number, total: number) => options.onProgress?.(done, total, split) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  return result;
}
