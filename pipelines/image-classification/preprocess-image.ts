import type { Bucket } from '../../src/index.js';
import { PolyfaasError, isPolyfaasError } from '../../src/index.js';
import { parseDatasetManifest } from './dataset-manifest.js';
import { writeErrorRecord } from './error-records.js';
import type { Layout, RawKey } from './layout.js';
import { datasetManifestKey, errorKey, exampleShardKey, labelFromDir, parseRawKey } from './layout.js';
import { readExample } from './read-example.js';
import type { PreprocessSettings } from './settings.js';
import { resolveSettings } from './settings.js';
import { encodeShard, writeShard } from './shards.js';

/** What {@link preprocessImage} did. */
export interface ImageSummary {
  readonly mode: 'single';
  readonly key: string;
  /** `example` wrote or found a one-example shard; `error` recorded why the image was skipped. */
  readonly outcome: 'example' | 'error';
  /** The shard or error record key. */
  readonly output: string;
  /** False when the output already existed (a redelivered event). */
  readonly written: boolean;
}

/** Options for {@link preprocessImage}. */
export interface PreprocessImageOptions extends PreprocessSettings {
  /** Where shards and error records go. Default: the raw bucket. */
  readonly output?: Bucket;
}

/**
 * Turn one uploaded image into a one-example shard at
 * `<features>/<dataset>/<split>/examples/<id>.pfs` (id from key + etag), so
 * images added after a batch run still reach training. An unusable image gets
 * an error record instead. A repeated call for the same object version writes nothing.
 *
 * @throws PolyfaasError `InvalidArgument` when `key` is not an image in the raw layout.
 */
export async function preprocessImage(bucket: Bucket, key: string, options: PreprocessImageOptions): Promise<ImageSummary> {
  const settings = resolveSettings(options);
  const output = options.output ?? bucket;
  const image = parseRawKey(key, settings.layout);
  if (image?.kind !== 'image') {
    throw new PolyfaasError('InvalidArgument', `${key} is not <raw>/<dataset>/<split>/<label-dir>/<image file>`);
  }
  const classes = await classesFor(bucket, image, settings.classes, settings.layout);
  const example = await readExample(bucket, key, image, classes, settings.decode);
  if (!example.ok) {
    const recordKey = errorKey(image, key, example.etag, settings.layout);
    return { mode: 'single', key, outcome: 'error', output: recordKey, written: await writeErrorRecord(output, recordKey, example.record) };
  }
  const { width, height, channels } = settings.decode;
  const shardKey = exampleShardKey(image, key, example.etag, settings.layout);
  const bytes = encodeShard({
    shape: [height, width, channels],
    labels: [example.label],
    features: example.pixels,
    sources: [{ key, etag: example.etag }],
    ...(classes.length ? { classes } : {}),
  });
  const { written } = await writeShard(output, shardKey, bytes, 1);
  return { mode: 'single', key, outcome: 'example', output: shardKey, written };
}

/**
 * Class names for a single image: the configured ones, else the split's
 * dataset manifest, read only when the label directory has no leading number
 * (the common case needs no extra request).
 */
async function classesFor(bucket: Bucket, image: RawKey & { kind: 'image' }, configured: readonly string[], layout: Layout): Promise<readonly string[]> {
  if (configured.length || labelFromDir(image.labelDir) !== undefined) return configured;
  const manifestKey = datasetManifestKey(image.dataset, image.split, layout);
  try {
    return parseDatasetManifest((await bucket.get(manifestKey)).body, manifestKey).classes;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return [];
    throw err;
  }
}
