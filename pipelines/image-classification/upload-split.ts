import type { Bucket, PutOptions } from '../../src/index.js';
import { isPolyfaasError, mapLimit } from '../../src/index.js';
import { encodeDatasetManifest } from './dataset-manifest.js';
import type { Layout } from './layout.js';
import { datasetManifestKey, DEFAULT_LAYOUT, labelDir, parseRawKey, rawSplitPrefix, sha256Hex } from './layout.js';

/** One image to upload: its class, its file name in the bucket, and a way to read it. */
export interface UploadImage {
  /** Class index into {@link UploadSplitOptions.classes}. */
  readonly label: number;
  /** File name under the label directory; must pass the layout's image-file rules. */
  readonly name: string;
  readonly contentType: string;
  /** Read (or encode) the bytes only when they are uploaded, so a large split is never all in memory. */
  bytes(): Uint8Array | Promise<Uint8Array>;
}

/** Options for {@link uploadSplit}. */
export interface UploadSplitOptions {
  readonly dataset: string;
  readonly split: string;
  /** Class names; a class's index is its label. */
  readonly classes: readonly string[];
  /** Provenance recorded in the dataset manifest. Never put local paths here: the manifest is readable by the pipeline. */
  readonly source?: Readonly<Record<string, unknown>>;
  readonly layout?: Layout;
  /** Uploads in flight. Default 16. */
  readonly concurrency?: number;
  /** Called after each image. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** What happened to one split. */
export interface SplitUploadSummary {
  readonly count: number;
  /** New objects (the dataset manifest included). */
  readonly written: number;
  /** Objects already there with the same content (nothing written, no event fired). */
  readonly unchanged: number;
  /** Objects that existed with different content and were replaced. */
  readonly replaced: number;
  /** Images of an earlier upload that this one no longer has, deleted so they do not train the model. */
  readonly removed: number;
  readonly manifestKey: string;
}

/**
 * Upload one split of an image dataset in the pipeline's layout, then its
 * dataset manifest, whose arrival starts preprocessing:
 *
 * ```text
 * raw/<dataset>/<split>/<label>-<class-slug>/<name>   each image
 * raw/<dataset>/<split>/_dataset.json                 last: the split is complete
 * ```
 *
 * Idempotent: each object's SHA-256 travels as `content-sha256` metadata and
 * an object with the same hash is left alone, so re-running (after a crash, or
 * on the same data) writes only what changed and fires no duplicate events.
 * Images under the split that this upload does not contain are deleted before
 * the manifest is written, so a changed folder never trains on stale files.
 * This is the one upload path: `ingestFolder()` and the Fashion-MNIST example both use it.
 */
export async function uploadSplit(bucket: Bucket, images: readonly UploadImage[], options: UploadSplitOptions): Promise<SplitUploadSummary> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const splitPrefix = rawSplitPrefix(options.dataset, options.split, layout);
  const dirs = options.classes.map((name, index) => labelDir(index, name));
  const keys = new Set<string>();
  const counts = { written: 0, unchanged: 0, replaced: 0, removed: 0 };
  let done = 0;
  await mapLimit(
    images,
    options.concurrency ?? 16,
    async (image) => {
      const key = `${splitPrefix}${dirs[image.label] ?? String(image.label)}/${image.name}`;
      keys.add(key);
      counts[await putIfChanged(bucket, key, await image.bytes(), { contentType: image.contentType })]++;
      options.onProgress?.(++done, images.length);
    },
    options.signal,
  );
  const stale: string[] = [];
  for await (const info of bucket.list({ prefix: splitPrefix })) {
    if (parseRawKey(info.key, layout)?.kind === 'image' && !keys.has(info.key)) stale.push(info.key);
  }
  // Deleted after the listing ends: deleting under a live cursor can skip keys on some stores.
  for (const key of stale) await bucket.delete(key);
  counts.removed = stale.length;
  const manifestKey = datasetManifestKey(options.dataset, options.split, layout);
  const manifest = encodeDatasetManifest({
    dataset: options.dataset,
    split: options.split,
    count: images.length,
    classes: options.classes,
    ...(options.source ? { source: options.source } : {}),
  });
  counts[await putIfChanged(bucket, manifestKey, manifest, { contentType: 'application/json' })]++;
  return { count: images.length, ...counts, manifestKey };
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
