/**
 * Parallel preprocessing: wall time of one split (3,000 Fashion-MNIST PNGs
 * from the committed fixture, shards of 100) preprocessed in one invocation
 * versus cut into chunks of 500 images (6 chunk invocations and the planning
 * one), both on `serve({ workers: 2 })` with a file bucket, timed from the
 * `_dataset.json` write to the server going idle (the manifest written).
 * Uploading the images and starting the workers are not timed; every round
 * starts from a fresh bucket; rounds alternate.
 *
 * Usage: npx tsx bench/preprocess-chunks.ts [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileBucket, serve } from '../adapters/local/index.js';
import { createLogger, mapLimit } from '../src/index.js';
import { encodeDatasetManifest } from '../pipelines/image-classification/dataset-manifest.js';
import { labelDir } from '../pipelines/image-classification/layout.js';
import { chunked500, CLASSES, single } from '../pipelines/image-classification/test-support/chunk-app.js';
import { encodeFixture, readFixture } from '../pipelines/image-classification/test-support/image-folder.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const MODULE = resolve(import.meta.dirname, '../pipelines/image-classification/test-support/chunk-app.ts');
const WORKERS = 2;

type Image = { key: string; png: Buffer };

async function fixtureImages(): Promise<Image[]> {
  const images: Image[] = [];
  for (const split of ['train', 'test'] as const) {
    const data = await readFixture(split);
    for (let i = 0; i < data.count; i++) {
      const label = data.labels[i]!;
      images.push({ key: `raw/fashion/train/${labelDir(label, CLASSES[label]!)}/${split}-${String(i).padStart(5, '0')}.png`, png: await encodeFixture(data, i) });
    }
  }
  return images;
}

/** One round: a fresh bucket with the images, a pool serving `exported`, the split's preprocessing timed in seconds. */
async function timed(images: readonly Image[], exported: 'single' | 'chunked500'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'polyfaas-bench-chunks-'));
  try {
    const plain = new FileBucket(dir);
    await mapLimit(images, 16, (image) => plain.put(image.key, image.png));
    const app = exported === 'single' ? single : chunked500;
    const server = await serve(app, { buckets: { data: pathToFileURL(dir).href }, workers: { module: MODULE, export: exported, count: WORKERS }, console: false, stateDir: false, log: createLogger({ level: 'warn' }) });
    try {
      const t0 = performance.now();
      await server.bucket('data').put('raw/fashion/train/_dataset.json', encodeDatasetManifest({ dataset: 'fashion', split: 'train', count: images.length, classes: CLASSES }));
      await server.idle();
      const seconds = (performance.now() - t0) / 1000;
      if (server.deadLetters.length) throw new Error(`dead letters: ${JSON.stringify(server.deadLetters.map((d) => d.error))}`);
      if (!(await plain.exists('features/fashion/train/manifest.json'))) throw new Error('no manifest written');
      return seconds;
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const rounds = opts.quick ? 1 : 3;
  const images = await fixtureImages();
  const one: number[] = [];
  const chunks: number[] = [];
  for (let i = 0; i < rounds; i++) {
    one.push(await timed(images, 'single'));
    chunks.push(await timed(images, 'chunked500'));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return [
    ratioRow({
      metric: 'preprocess a split: 1 invocation vs 6 chunks on serve({ workers: 2 })',
      baseline: round(median(one), 2),
      polyfaas: round(median(chunks), 2),
      unit: 's',
      ratio: 'baseline/polyfaas',
      note: `${images.length} fixture PNGs, shards of 100, chunks of 500, file bucket; median of ${rounds} alternating rounds; ${WORKERS} workers on a ${WORKERS}-core machine`,
    }),
  ];
}

await runStandalone(import.meta.url, run);
