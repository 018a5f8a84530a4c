import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { Bucket } from '../../src/index.js';
import { isPolyfaasError, mapLimit } from '../../src/index.js';
import type { FoundImage, IgnoredCounts } from './folder-scan.js';
import { folderError, scanImageFolder } from './folder-scan.js';
import type { ModelInputSpec } from './image.js';
import { decodeImage } from './image.js';
import type { Layout } from './layout.js';
import { classSlug, sha256Hex } from './layout.js';
import { seededSplit } from '../shared/seeded-split.js';
import type { SplitUploadSummary, UploadImage } from './upload-split.js';
import { uploadSplit } from './upload-split.js';

/** Options for {@link ingestFolder}. */
export interface IngestFolderOptions {
  /** The model input the app preprocesses to: each image is decoded to it first, exactly as the pipeline will, so bad files are found before upload. */
  readonly input: ModelInputSpec;
  /** Pixel limit per image, as the app's `preprocess.maxPixels`. Default: derived from `input`. */
  readonly maxPixels?: number;
  /** Dataset name (the app's `dataset`): lower-case letters, digits and dashes. Default: the folder's name as a slug. */
  readonly dataset?: string;
  /** Share of each class held out for testing when the folder is not split already. Default 0.2. */
  readonly testRatio?: number;
  /** Seed of that split: same folder, ratio and seed, same split. Default 42. */
  readonly seed?: number;
  /**
   * What to do with files that cannot be decoded: `skip` (default) uploads the
   * good ones and lists the rest in {@link FolderIngestSummary.skipped};
   * `fail` throws `InvalidArgument` (reason `bad-images`) listing them, uploading nothing.
   */
  readonly badImages?: 'skip' | 'fail';
  readonly layout?: Layout;
  /** Files read and decoded at once. Default 8. */
  readonly concurrency?: number;
  /** Called once the folder is checked and split, before anything is uploaded (a CLI prints it). */
  readonly onPlan?: (plan: FolderPlan) => void;
  /** Called after each file is checked, then after each is uploaded. */
  readonly onProgress?: (progress: { phase: 'check' | 'upload'; done: number; total: number }) => void;
  readonly signal?: AbortSignal;
}

/** A file left out, and why (paths relative to the folder). */
export interface SkippedFile {
  readonly file: string;
  /** The decoder's error code: `InvalidArgument` (corrupt), `UnsupportedMediaType`, `PayloadTooLarge`, `Forbidden` (no permission to read) or `NotFound` (gone, or another read error). */
  readonly code: string;
  readonly reason: string;
}

/** What {@link ingestFolder} found and decided, before uploading anything. */
export interface FolderPlan {
  readonly dataset: string;
  /** Class names; a class's index is its label. */
  readonly classes: readonly string[];
  /** `folders`: the user's train/ and test/; `seeded`: split here by `testRatio` and `seed`. */
  readonly split: 'folders' | 'seeded';
  /** Usable images per class, by split. */
  readonly perClass: { readonly train: readonly number[]; readonly test: readonly number[] };
  /** Files that could not be decoded, with reasons. */
  readonly skipped: readonly SkippedFile[];
  /** Entries passed over without being read: hidden, symlinks, other extensions, misplaced. */
  readonly ignored: IgnoredCounts;
}

/** What {@link ingestFolder} did. */
export interface FolderIngestSummary extends FolderPlan {
  readonly train: SplitUploadSummary;
  readonly test: SplitUploadSummary;
}

/**
 * Upload a folder of images into a pipeline bucket: the one call between
 * "I have pictures sorted into folders" and a training run.
 *
 * The folder holds one sub-folder per class (`cats/1.jpg`, `dogs/2.png`; the
 * folder names become the labels, sorted), or `train/<class>/…` and
 * `test/<class>/…` when already split. Unsplit folders are split per class by
 * a seeded `testRatio`. Every image is decoded first as the pipeline will
 * decode it; files that fail are skipped and listed (or, with
 * `badImages: 'fail'`, refused). Hidden files, symlinks, other extensions and
 * nested folders are ignored and counted. The upload then goes through
 * {@link uploadSplit}: idempotent, stale images removed, each split's
 * `_dataset.json` written last, which starts preprocessing.
 *
 * Errors are for the local user (they name files relative to the folder) and
 * carry `details.reason`: `no-classes`, `one-class`, `empty-class`,
 * `class-without-test-images`, `class-without-train-images`, `bad-images`,
 * `mixed-layout`, `missing-split`, `no-images`, `not-a-folder`, `bad-dataset-name`.
 * Nothing the bucket stores holds a local path.
 *
 * @example
 * ```ts
 * const input = { width: 64, height: 64, channels: 3 } as const;
 * const summary = await ingestFolder(server.bucket(PIPELINE_BUCKET), './photos', { input, dataset: 'photos' });
 * console.log(summary.classes, summary.skipped);
 * ```
 */
export async function ingestFolder(bucket: Bucket, folder: string, options: IngestFolderOptions): Promise<FolderIngestSummary> {
  const dataset = folderDatasetName(folder, options.dataset);
  const testRatio = options.testRatio ?? 0.2;
  const seed = options.seed ?? 42;
  seededSplit([], testRatio, seed); // checks both now, not after every image was decoded
  const scan = await scanImageFolder(folder);
  const skipped: SkippedFile[] = [];
  let checked = 0;
  const good = (
    await mapLimit(
      scan.images,
      options.concurrency ?? 8,
      async (image) => {
        const problem = await checkImage(image, options);
        options.onProgress?.({ phase: 'check', done: ++checked, total: scan.images.length });
        if (problem) skipped.push(problem);
        return problem ? undefined : image;
      },
      options.signal,
    )
  ).filter((i): i is FoundImage => i !== undefined);
  skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
  if (skipped.length && options.badImages === 'fail') {
    throw folderError('bad-images', `${skipped.length} file(s) could not be read as images:\n${listSkipped(skipped)}\nFix or remove them, or skip them (the default)`, { skipped });
  }

  const label = new Map(scan.classes.map((name, i) => [name, i]));
  const byClass = (split?: FoundImage['split']) => scan.classes.map((name) => good.filter((i) => i.className === name && i.split === split));
  let train: FoundImage[][];
  let test: FoundImage[][];
  if (scan.mode === 'split') {
    train = byClass('train');
    test = byClass('test');
  } else {
    ({ train, test } = seededSplit(byClass(undefined), testRatio, seed));
  }
  checkClasses(scan.classes, train, test, scan.mode, skipped);
  const plan: FolderPlan = {
    dataset,
    classes: scan.classes,
    split: scan.mode === 'split' ? 'folders' : 'seeded',
    perClass: { train: train.map((c) => c.length), test: test.map((c) => c.length) },
    skipped,
    ignored: scan.ignored,
  };
  options.onPlan?.(plan);

  const uploads = { train: train.flat(), test: test.flat() };
  const total = uploads.train.length + uploads.test.length;
  let uploaded = 0;
  const summaries = {} as Record<'train' | 'test', SplitUploadSummary>;
  for (const split of ['train', 'test'] as const) {
    const images = keyNames(uploads[split]).map(({ image, name }): UploadImage => ({
      label: label.get(image.className)!,
      name,
      contentType: CONTENT_TYPES[extname(image.relative).toLowerCase()] ?? 'application/octet-stream',
      bytes: () => readFile(image.path),
    }));
    summaries[split] = await uploadSplit(bucket, images, {
      dataset,
      split,
      classes: scan.classes,
      // The folder's name only: the manifest is readable through the pipeline, a local path is not its business.
      source: { origin: 'folder', name: basename(resolve(folder)), split: scan.mode === 'split' ? 'folders' : 'seeded', ...(scan.mode === 'classes' ? { testRatio, seed } : {}) },
      ...(options.layout ? { layout: options.layout } : {}),
      ...(options.onProgress ? { onProgress: () => options.onProgress?.({ phase: 'upload', done: ++uploaded, total }) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  return { ...plan, train: summaries.train, test: summaries.test };
}

const CONTENT_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

/**
 * The dataset name {@link ingestFolder} uses: `name` if given, else the
 * folder's name as a slug (`My Photos` → `my-photos`; `images` when nothing usable is left).
 * @throws PolyfaasError `InvalidArgument` (reason `bad-dataset-name`) for a name unfit for keys.
 */
export function folderDatasetName(folder: string, name?: string): string {
  let dataset = name;
  if (dataset === undefined) {
    try {
      dataset = classSlug(basename(resolve(folder))).slice(0, 63).replace(/-+$/, '');
    } catch {
      dataset = 'images';
    }
  }
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(dataset)) {
    throw folderError('bad-dataset-name', `Dataset name ${JSON.stringify(dataset)} must be lower-case letters, digits and dashes (at most 63)`);
  }
  return dataset;
}

/** Decode as the pipeline will; `undefined` when the image is fine. */
async function checkImage(image: FoundImage, options: IngestFolderOptions): Promise<SkippedFile | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(image.path);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    return { file: image.relative, code: errno === 'EACCES' || errno === 'EPERM' ? 'Forbidden' : 'NotFound', reason: `unreadable (${errno ?? 'read failed'})` };
  }
  try {
    await decodeImage(bytes, { ...options.input, ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}) });
    return undefined;
  } catch (err) {
    if (!isPolyfaasError(err)) throw err;
    return { file: image.relative, code: err.code, reason: err.message };
  }
}

/** The clear errors of a folder that cannot train a classifier. */
function checkClasses(classes: readonly string[], train: FoundImage[][], test: FoundImage[][], mode: 'split' | 'classes', skipped: readonly SkippedFile[]): void {
  const note = skipped.length ? ` (${skipped.length} file(s) skipped as unreadable:\n${listSkipped(skipped)})` : '';
  if (classes.length < 2) {
    throw folderError('one-class', `Only one class folder (${classes[0]}): a classifier needs at least two; add a folder of images for each other class`);
  }
  const empty = classes.filter((_, i) => train[i]!.length + test[i]!.length === 0);
  if (empty.length) throw folderError('empty-class', `No usable images in class folder(s) ${empty.join(', ')}: add images or remove the folder${note}`, { classes: empty });
  const noTest = classes.filter((_, i) => test[i]!.length === 0);
  if (noTest.length) {
    const fix = mode === 'split' ? `add images under test/<class>/ for ${noTest.join(', ')}` : `a class needs at least two usable images (one to train, one to test); add images to ${noTest.join(', ')}`;
    throw folderError('class-without-test-images', `No test images for class(es) ${noTest.join(', ')}: ${fix}${note}`, { classes: noTest });
  }
  const noTrain = classes.filter((_, i) => train[i]!.length === 0);
  if (noTrain.length) {
    throw folderError('class-without-train-images', `No training images for class(es) ${noTrain.join(', ')}: add images under train/<class>/ for them${note}`, { classes: noTrain });
  }
}

function listSkipped(skipped: readonly SkippedFile[]): string {
  const shown = skipped.slice(0, 20).map((s) => `  ${s.file}: ${s.reason}`);
  return [...shown, ...(skipped.length > shown.length ? [`  … and ${skipped.length - shown.length} more`] : [])].join('\n');
}

/**
 * Bucket file names for one split's images: the original name made key-safe,
 * with a short hash of the original path when two would collide, so keys stay
 * readable and stable across runs.
 */
function keyNames(images: readonly FoundImage[]): { image: FoundImage; name: string }[] {
  const safe = (image: FoundImage) => {
    const ext = extname(image.relative).toLowerCase();
    const stem = basename(image.relative, extname(image.relative)).replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
    return { stem: stem || 'image', ext };
  };
  const taken = new Map<string, number>();
  const named = images.map((image) => {
    const { stem, ext } = safe(image);
    const key = `${image.className}\0${stem}${ext}`;
    taken.set(key, (taken.get(key) ?? 0) + 1);
    return { image, stem, ext, key };
  });
  return named.map(({ image, stem, ext, key }) => ({ image, name: (taken.get(key) ?? 0) > 1 ? `${stem}-${sha256Hex(image.relative).slice(0, 8)}${ext}` : `${stem}${ext}` }));
}
