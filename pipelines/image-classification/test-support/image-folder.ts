import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

/** The committed Fashion-MNIST subset (test/fixtures/fashion-mnist: real images, Zalando Research, MIT licence). */
export const FASHION_FIXTURE_DIR = resolve(import.meta.dirname, '../../../test/fixtures/fashion-mnist');

/** Folder names for the ten classes, as a user might name them (a space included on purpose). */
export const FOLDER_CLASSES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Fixture images of one IDX split: 28×28 greyscale pixels and labels. */
export interface FixtureImages {
  readonly count: number;
  pixels(index: number): Uint8Array;
  readonly labels: Uint8Array;
}

/** Read a split of the committed subset (`train`: 2,000 images, `test`: 1,000). */
export async function readFixture(split: 'train' | 'test'): Promise<FixtureImages> {
  const stem = split === 'train' ? 'train' : 't10k';
  const images = gunzipSync(await readFile(join(FASHION_FIXTURE_DIR, `${stem}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(await readFile(join(FASHION_FIXTURE_DIR, `${stem}-labels-idx1-ubyte.gz`))).subarray(8);
  return { count: labels.length, labels, pixels: (i) => images.subarray(16 + i * 784, 16 + (i + 1) * 784) };
}

/** Encode fixture image `index` as a real PNG (or JPEG) file, as a camera roll or an export would hold it. */
export function encodeFixture(data: FixtureImages, index: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const image = sharp(Buffer.from(data.pixels(index)), { raw: { width: 28, height: 28, channels: 1 } });
  return (format === 'png' ? image.png() : image.jpeg({ quality: 95 })).toBuffer();
}

/** Options for {@link writeImageFolder}. */
export interface ImageFolderOptions {
  /** Images per class. */
  perClass: number;
  /** Class labels to include. Default all ten. */
  labels?: readonly number[];
  /** Write under `<split>/<class>/` (train from the train split, test from the test split) instead of `<class>/`. */
  split?: { test: number };
}

/**
 * Write a folder of real images in the usual convention, from the committed
 * Fashion-MNIST subset: `<dir>/<class>/<n>.png`, or `<dir>/train|test/<class>/<n>.png`.
 * Returns the number of image files written.
 */
export async function writeImageFolder(dir: string, options: ImageFolderOptions): Promise<number> {
  const labels = options.labels ?? FOLDER_CLASSES.map((_, i) => i);
  let written = 0;
  const writeSplit = async (data: FixtureImages, perClass: number, base: string) => {
    for (const label of labels) {
      const folder = join(base, FOLDER_CLASSES[label]!);
      await mkdir(folder, { recursive: true });
      let n = 0;
      for (let i = 0; i < data.count && n < perClass; i++) {
        if (data.labels[i] !== label) continue;
        await writeFile(join(folder, `img ${String(i).padStart(4, '0')}.png`), await encodeFixture(data, i));
        n++;
        written++;
      }
    }
  };
  if (options.split) {
    await writeSplit(await readFixture('train'), options.perClass, join(dir, 'train'));
    await writeSplit(await readFixture('test'), options.split.test, join(dir, 'test'));
  } else {
    await writeSplit(await readFixture('train'), options.perClass, dir);
  }
  return written;
}
