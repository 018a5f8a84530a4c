import { createHash } from 'node:crypto';
import { PolyfaasError } from '../../src/index.js';

/**
 * Where things live in the buckets. One place, so the ingest step, the
 * preprocess function and the training step cannot disagree.
 *
 * ```text
 * <raw>/<dataset>/<split>/<label-dir>/<file>.png|jpg|jpeg|webp   one image; label from <label-dir>
 * <raw>/<dataset>/<split>/_dataset.json                           written last by ingest: "upload complete"
 * <features>/<dataset>/<split>/batches/<run-id>/shard-00000.pfs    batch shards (run-id = hash of inputs)
 * <features>/<dataset>/<split>/examples/<id>.pfs                   one-example shard per uploaded image
 * <features>/<dataset>/<split>/manifest.json                       written last by a batch: training triggers on it
 * <errors>/<dataset>/<split>/<label-dir>/<file>.<id>.json          why one image was skipped
 * ```
 *
 * `<label-dir>` is `<class-index>-<slug>` (e.g. `0-t-shirt-top`): the number
 * is the label, the slug is for humans. Directories without a number are
 * matched by name or slug against the dataset manifest's `classes`.
 */
export interface Layout {
  /** Default `raw/`. */
  readonly rawPrefix: string;
  /** Default `features/`. */
  readonly featuresPrefix: string;
  /** Default `errors/`. */
  readonly errorsPrefix: string;
}

/** The default {@link Layout}. */
export const DEFAULT_LAYOUT: Layout = Object.freeze({ rawPrefix: 'raw/', featuresPrefix: 'features/', errorsPrefix: 'errors/' });

/** Name of the object that marks a split's upload as complete. */
export const DATASET_MANIFEST_FILE = '_dataset.json';

/** File extensions treated as images (lower-case). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp'];

/** A raw key, understood. */
export type RawKey =
  | { readonly kind: 'image'; readonly dataset: string; readonly split: string; readonly labelDir: string; readonly file: string }
  | { readonly kind: 'dataset-manifest'; readonly dataset: string; readonly split: string };

/**
 * Parse a key under the raw prefix. `undefined` for anything that is neither an
 * image in the layout nor a dataset manifest (readmes, deeper folders, etc.),
 * which callers ignore.
 */
export function parseRawKey(key: string, layout: Layout = DEFAULT_LAYOUT): RawKey | undefined {
  if (!key.startsWith(layout.rawPrefix)) return undefined;
  const parts = key.slice(layout.rawPrefix.length).split('/');
  if (parts.length === 3 && parts[2] === DATASET_MANIFEST_FILE) {
    return { kind: 'dataset-manifest', dataset: parts[0]!, split: parts[1]! };
  }
  if (parts.length === 4 && isImageFile(parts[3]!) && !parts[2]!.startsWith('_')) {
    return { kind: 'image', dataset: parts[0]!, split: parts[1]!, labelDir: parts[2]!, file: parts[3]! };
  }
  return undefined;
}

/** True for a file name with an image extension, not hidden or `_`-prefixed. */
export function isImageFile(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('_')) return false;
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Prefix of one split's raw images. */
export function rawSplitPrefix(dataset: string, split: string, layout: Layout = DEFAULT_LAYOUT): string {
  return `${layout.rawPrefix}${dataset}/${split}/`;
}

/** Key of one split's dataset manifest. */
export function datasetManifestKey(dataset: string, split: string, layout: Layout = DEFAULT_LAYOUT): string {
  return `${rawSplitPrefix(dataset, split, layout)}${DATASET_MANIFEST_FILE}`;
}

/** Prefix of one split's features. */
export function featuresSplitPrefix(dataset: string, split: string, layout: Layout = DEFAULT_LAYOUT): string {
  return `${layout.featuresPrefix}${dataset}/${split}/`;
}

/** Key of the features manifest a training step triggers on. */
export function featuresManifestKey(dataset: string, split: string, layout: Layout = DEFAULT_LAYOUT): string {
  return `${featuresSplitPrefix(dataset, split, layout)}manifest.json`;
}

/** Key of batch shard `index` of run `runId`. */
export function batchShardKey(dataset: string, split: string, runId: string, index: number, layout: Layout = DEFAULT_LAYOUT): string {
  return `${featuresSplitPrefix(dataset, split, layout)}batches/${runId}/shard-${String(index).padStart(5, '0')}.pfs`;
}

/** Key of the one-example shard for one version (key + etag) of a raw image. */
export function exampleShardKey(image: RawKey & { kind: 'image' }, sourceKey: string, etag: string, layout: Layout = DEFAULT_LAYOUT): string {
  return `${featuresSplitPrefix(image.dataset, image.split, layout)}examples/${versionId(sourceKey, etag)}.pfs`;
}

/** Key of the error record for one version of a raw image. */
export function errorKey(image: RawKey & { kind: 'image' }, sourceKey: string, etag: string, layout: Layout = DEFAULT_LAYOUT): string {
  return `${layout.errorsPrefix}${image.dataset}/${image.split}/${image.labelDir}/${image.file}.${versionId(sourceKey, etag)}.json`;
}

/**
 * A short, stable id for one version of an object. Keys built from it change
 * when the object changes and stay put when the same event is delivered again.
 */
export function versionId(key: string, etag: string): string {
  return sha256Hex(`${key}\0${etag}`).slice(0, 24);
}

/** Hex SHA-256 of bytes or a string. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `T-shirt/top` → `t-shirt-top`: safe in a key, readable in a listing. */
export function classSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug) throw new PolyfaasError('InvalidArgument', `Class name ${JSON.stringify(name)} has no usable characters`);
  return slug;
}

/**
 * The label directory for class `index`: `<index>-<slug>`, or `<index>-class`
 * when the name has no character a key can use (e.g. `猫`); the number alone
 * is what the preprocess step reads, the slug is for humans.
 */
export function labelDir(index: number, name: string): string {
  try {
    return `${index}-${classSlug(name)}`;
  } catch (err) {
    if (err instanceof PolyfaasError && err.code === 'InvalidArgument') return `${index}-class`;
    throw err;
  }
}

/**
 * The class index a label directory stands for: its leading number, else the
 * position of a class whose name or slug equals the directory name.
 * `undefined` when neither applies.
 */
export function labelFromDir(dir: string, classes: readonly string[] = []): number | undefined {
  const numbered = /^(\d+)(?:-|$)/.exec(dir);
  if (numbered) return Number(numbered[1]);
  const found = classes.findIndex((name) => name === dir || classSlug(name) === dir);
  return found >= 0 ? found : undefined;
}
