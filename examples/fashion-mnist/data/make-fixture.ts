/**
 * Regenerate the committed Fashion-MNIST subset in `test/fixtures/fashion-mnist/`:
 * the first 200 images of each class from the training set and the first 100
 * of each class from the test set, in their original order, as gzipped IDX
 * files named like the originals so one loader reads both.
 *
 * Deterministic: the same source data gives byte-identical files.
 *
 * Run: `npx tsx examples/fashion-mnist/data/make-fixture.ts` (needs the full
 * data: `FASHION_MNIST_DIR`, the Debian package, or network).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { IdxDataset } from './idx.js';
import { encodeIdx } from './idx.js';
import { FASHION_MNIST_CLASSES } from './labels.js';
import { FASHION_MNIST_FILES, FIXTURE_DIR, loadFashionMnist } from './source.js';

/** Images per class in the fixture. */
export const FIXTURE_PER_CLASS = { train: 200, test: 100 } as const;

/**
 * The first `perClass` examples of every class, keeping file order.
 * @returns the subset and the source index of each kept example.
 */
export function balancedSubset(data: IdxDataset, perClass: number): { subset: IdxDataset; indices: number[] } {
  const size = data.rows * data.cols;
  const taken = new Array<number>(FASHION_MNIST_CLASSES.length).fill(0);
  const indices: number[] = [];
  for (let i = 0; i < data.count && indices.length < perClass * taken.length; i++) {
    const label = data.labels[i]!;
    if ((taken[label] ?? perClass) < perClass) {
      taken[label]!++;
      indices.push(i);
    }
  }
  const images = new Uint8Array(indices.length * size);
  indices.forEach((src, dst) => images.set(data.images.subarray(src * size, (src + 1) * size), dst * size));
  const labels = Uint8Array.from(indices, (i) => data.labels[i]!);
  return { subset: { images, labels, count: indices.length, rows: data.rows, cols: data.cols }, indices };
}

const FIXTURE_FILES = {
  train: { images: FASHION_MNIST_FILES.trainImages.file, labels: FASHION_MNIST_FILES.trainLabels.file },
  test: { images: FASHION_MNIST_FILES.testImages.file, labels: FASHION_MNIST_FILES.testLabels.file },
};

async function main(): Promise<void> {
  const data = await loadFashionMnist({ download: true });
  if (data.location.origin === 'fixture') throw new Error('The fixture must be made from the full data set, not from itself');
  await mkdir(FIXTURE_DIR, { recursive: true });
  const selection: Record<string, number[]> = {};
  for (const split of ['train', 'test'] as const) {
    const { subset, indices } = balancedSubset(data[split], FIXTURE_PER_CLASS[split]);
    const { images, labels } = encodeIdx(subset);
    const files = split === 'train' ? FIXTURE_FILES.train : FIXTURE_FILES.test;
    await writeFile(join(FIXTURE_DIR, files.images), gzipSync(images, { level: 9 }));
    await writeFile(join(FIXTURE_DIR, files.labels), gzipSync(labels, { level: 9 }));
    selection[split] = indices;
    console.log(`${split}: ${subset.count} images from ${data[split].count}`);
  }
  await writeFile(join(FIXTURE_DIR, 'selection.json'), `${JSON.stringify({ source: data.location.origin, perClass: FIXTURE_PER_CLASS, indices: selection })}\n`);
  console.log(`wrote ${FIXTURE_DIR} from ${data.location.origin} (${data.location.dir})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
